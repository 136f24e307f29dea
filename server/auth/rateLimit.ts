/**
 * Sign-in throttling: at most `maxFailures` failed attempts per key within a sliding window; past
 * that the key is refused (429) until its oldest failure ages out, whether or not the next password
 * is right. In memory: a restart forgets, which is acceptable for throttling guesses.
 *
 * An attempt is counted **before** the slow password check: `reserve` books it as a failure at
 * once, so parallel guesses cannot all pass the check while the first ones are still hashing. A
 * successful sign-in then takes its booking back (`Reservation.succeeded`).
 */
export interface Reservation {
  /** The attempt succeeded: it does not count as a failure (and, with `forgetKey`, the key's failures are forgotten). */
  succeeded(options?: { forgetKey?: boolean }): void
}

/** A sign-in throttle: in memory ({@link LoginRateLimiter}) or shared through Redis (redisRateLimit.ts). */
export interface LoginLimiter {
  /** Books one attempt as a failure, or says how long to wait (ms) when the key is at its limit. */
  reserve(key: string): Reservation | number | Promise<Reservation | number>
}

export class LoginRateLimiter implements LoginLimiter {
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
    return Math.max(1, times[times.length - this.maxFailures] + this.windowMs - this.now())
  }

  /**
   * Books one attempt as a failure now, or returns how long to wait (ms) when the key is at its
   * limit. Check and booking happen in one step, so concurrent attempts cannot overbook.
   */
  reserve(key: string): Reservation | number {
    const wait = this.retryAfterMs(key)
    if (wait > 0) return wait
    const at = this.now()
    this.fail(key, at)
    let settled = false
    return {
      succeeded: ({ forgetKey = false } = {}) => {
        if (settled) return
        settled = true
        if (forgetKey) {
          this.failures.delete(key)
          return
        }
        const times = this.failures.get(key)
        const i = times?.indexOf(at) ?? -1
        if (times && i >= 0) times.splice(i, 1)
      },
    }
  }

  fail(key: string, at = this.now()) {
    const times = this.recent(key)
    times.push(at)
    this.failures.set(key, times)
    // Bound memory under a flood of distinct keys: forget the oldest keys first.
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!)
  }

  succeed(key: string) {
    this.failures.delete(key)
  }

  /**
   * Hands over every key's failures still in the window, as ages in ms (newest last), and forgets
   * them (server/auth/redisRateLimit.ts copies a Redis outage's failures into Redis).
   */
  drain(): [key: string, agesMs: number[]][] {
    const now = this.now()
    const out: [string, number[]][] = []
    for (const key of [...this.failures.keys()]) {
      const times = this.recent(key)
      if (times.length) out.push([key, times.map((t) => Math.max(0, now - t))])
    }
    this.failures.clear()
    return out
  }
}
