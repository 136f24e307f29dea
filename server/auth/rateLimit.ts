/**
 * Sign-in throttling: at most `maxFailures` failed attempts per key (email + client address)
 * within a sliding window; past that the key is refused (429) until its oldest failure ages out,
 * whether or not the next password is right. In memory: a restart forgets, which is acceptable
 * for throttling guesses.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs
    const times = (this.failures.get(key) ?? []).filter((t) => t > since)
    if (times.length) this.failures.set(key, times)
    else this.failures.delete(key)
    return times
  }

  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const times = this.recent(key)
    if (times.length < this.maxFailures) return 0
    return times[times.length - this.maxFailures] + this.windowMs - this.now()
  }

  fail(key: string) {
    const times = this.recent(key)
    times.push(this.now())
    this.failures.set(key, times)
    // Bound memory under a flood of distinct keys: forget the oldest keys first.
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!)
  }

  succeed(key: string) {
    this.failures.delete(key)
  }
}
