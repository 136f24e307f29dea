/**
 * Sign-in throttling shared between nodes (multi-node mode, docs/scale-out.md): the same rule as
 * {@link LoginRateLimiter} — at most `maxFailures` failures per key in a sliding window, booked
 * before the password check — kept in Redis: one sorted set per key (failure times as scores, by
 * Redis's clock, so the nodes' clocks need not agree), checked and booked atomically by a Lua
 * script. While Redis is unreachable each node falls back to its in-memory limiter (logged) and
 * goes back to the shared one as soon as Redis answers again.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { type LoginLimiter, LoginRateLimiter, type Reservation } from './rateLimit.ts'

/** KEYS[1]: the key's set; ARGV: window ms, max failures, this booking's member. Returns {booked, waitMs}. */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  return {0, math.max(1, tonumber(oldest[2]) + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`

/**
 * KEYS[1]: the key's set; ARGV: window ms, then (age ms, member) pairs: failures counted in memory
 * while Redis was down, booked at Redis's now minus their age.
 */
const COPY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], now - tonumber(ARGV[i]), ARGV[i + 1])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`

export interface RedisLimiterOptions {
  /** Told when the limiter falls back to memory and when it is shared again. */
  log?: (msg: string) => void
}

/** An attempt booked in memory while Redis was unreachable, not settled yet. */
interface FallbackBooking {
  key: string
  /** When it was booked (this node's clock), for its age when copied. */
  at: number
  /** The in-memory booking, until it is copied to Redis. */
  memory: Reservation | null
  /** Its member in Redis once copied (a success then takes it back there). */
  member: string | null
}

export class RedisLoginRateLimiter implements LoginLimiter {
  private readonly fallback: LoginRateLimiter
  /** Attempts booked in memory during an outage whose password check has not finished. */
  private readonly unsettled = new Set<FallbackBooking>()
  /** Keys a success cleared (`forgetKey`) while Redis was unreachable: cleared in Redis when it is back. */
  private readonly forgetLater = new Set<string>()
  private degraded = false
  private counter = 0
  private readonly tag = randomBytes(4).toString('hex')

  constructor(
    private readonly redis: Redis,
    /** Names the throttle in Redis keys (`warroom:login:<name>:<key>`). */
    private readonly name: string,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly options: RedisLimiterOptions = {},
  ) {
    this.fallback = new LoginRateLimiter(maxFailures, windowMs)
    // Redis back: what this node counted alone meanwhile counts on every node.
    redis.on('ready', () => void this.copyFallback())
  }

  /**
   * Copies the failures counted in memory while Redis was unreachable into Redis (by their age, on
   * Redis's clock), then forgets them here: a guesser who spent the outage on one node is still
   * throttled on every node once Redis is back. Without this the count restarted from what Redis
   * held (nothing, after a Redis restart).
   */
  async copyFallback(): Promise<number> {
    const now = Date.now()
    // Attempts still being checked are copied under a member of their own, so that their
    // success takes them back in Redis (before, the copy was a failure for good).
    const open = new Map<string, [age: number, member: string][]>()
    for (const b of this.unsettled) {
      if (!b.memory) continue
      b.memory.succeeded()
      b.memory = null
      b.member = `${this.tag}:copied:${++this.counter}`
      const list = open.get(b.key) ?? []
      list.push([Math.max(0, now - b.at), b.member])
      open.set(b.key, list)
    }
    const pending = new Map<string, [age: number, member: string][]>()
    for (const [key, ages] of this.fallback.drain())
      pending.set(
        key,
        ages.map((age) => [age, `${this.tag}:copied:${++this.counter}`]),
      )
    for (const [key, list] of open) pending.set(key, [...(pending.get(key) ?? []), ...list])
    // Keys a success cleared meanwhile lose what Redis held of them from before (then get what
    // was counted after that success).
    const forget = [...this.forgetLater]
    for (const key of forget) if (!pending.has(key)) pending.set(key, [])
    const entries = [...pending]
    let copied = 0
    for (let i = 0; i < entries.length; i++) {
      const [key, list] = entries[i]!
      const redisKey = `warroom:login:${this.name}:${key}`
      try {
        if (this.forgetLater.has(key)) {
          await this.redis.del(redisKey)
          this.forgetLater.delete(key)
        }
        if (list.length === 0) continue
        await this.redis.eval(COPY, 1, redisKey, String(this.windowMs), ...list.flat().map(String))
        copied += list.length
      } catch (e) {
        // Redis went again: what is left counts in memory, as before, and is copied next time
        // (an attempt still being checked then stays a failure when it succeeds).
        const at = Date.now()
        for (const [k, left] of entries.slice(i)) for (const [age] of left) this.fallback.fail(k, at - age)
        this.options.log?.(`sign-in failures not copied to Redis (${(e as Error).message}); kept in memory`)
        break
      }
    }
    if (copied > 0)
      this.options.log?.(`sign-in throttling (${this.name}): ${copied} failure(s) counted in memory copied to Redis`)
    return copied
  }

  /** True while Redis is unreachable and this node throttles on its own. */
  get isFallingBack(): boolean {
    return this.degraded
  }

  async reserve(key: string): Promise<Reservation | number> {
    if (this.redis.status !== 'ready') return this.fallBack(key, `Redis ${this.redis.status}`)
    const redisKey = `warroom:login:${this.name}:${key}`
    const member = `${this.tag}:${++this.counter}`
    let result: [number, number]
    try {
      result = (await this.redis.eval(
        RESERVE,
        1,
        redisKey,
        String(this.windowMs),
        String(this.maxFailures),
        member,
      )) as [number, number]
    } catch (e) {
      return this.fallBack(key, (e as Error).message)
    }
    if (this.degraded) {
      this.degraded = false
      this.options.log?.(`sign-in throttling (${this.name}) is shared through Redis again`)
    }
    if (result[0] !== 1) return Number(result[1])
    let settled = false
    return {
      succeeded: ({ forgetKey = false } = {}) => {
        if (settled) return
        settled = true
        const undo = forgetKey ? this.redis.del(redisKey) : this.redis.zrem(redisKey, member)
        undo.catch((e: Error) => this.options.log?.(`sign-in booking not taken back in Redis: ${e.message}`))
      },
    }
  }

  private fallBack(key: string, why: string): Reservation | number {
    if (!this.degraded) {
      this.degraded = true
      this.options.log?.(`sign-in throttling (${this.name}) falls back to this node's memory: ${why}`)
    }
    const at = Date.now()
    const memory = this.fallback.reserve(key)
    if (typeof memory === 'number') return memory
    const booking: FallbackBooking = { key, at, memory, member: null }
    this.unsettled.add(booking)
    let settled = false
    return {
      // What a success does in one process, wherever the booking is now: taken back (in memory,
      // or in Redis once copied there), and with `forgetKey` the key cleared — in Redis too,
      // now or once Redis is back (the failures other nodes booked before the outage included).
      succeeded: ({ forgetKey = false } = {}) => {
        if (settled) return
        settled = true
        this.unsettled.delete(booking)
        booking.memory?.succeeded({ forgetKey })
        const redisKey = `warroom:login:${this.name}:${key}`
        const undo = (what: Promise<unknown>) =>
          what.catch((e: Error) => this.options.log?.(`sign-in booking not taken back in Redis: ${e.message}`))
        if (forgetKey) {
          if (this.redis.status === 'ready') void undo(this.redis.del(redisKey))
          else this.forgetLater.add(key)
        } else if (booking.member) void undo(this.redis.zrem(redisKey, booking.member))
      },
    }
  }
}

/** Both sign-in throttles on one Redis connection of their own (`REDIS_URL`). */
export function createSharedLoginLimiters(
  url: string,
  limits: { loginMaxFailures: number; loginMaxFailuresPerAddress: number; loginWindowMs: number },
  options: RedisLimiterOptions = {},
): {
  login: RedisLoginRateLimiter
  address: RedisLoginRateLimiter
  redis: Redis
  /** Resolves true once connected, false after `timeoutMs` (the limiters fall back meanwhile). */
  ready(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
} {
  const redis = new Redis(url, {
    // Refuse at once while disconnected (the limiter falls back) instead of queueing sign-ins.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    connectionName: 'war-room-login-throttle',
  })
  // Errors surface through the limiters' fallback; without a listener ioredis would print each one.
  redis.on('error', () => {})
  return {
    redis,
    login: new RedisLoginRateLimiter(redis, 'pair', limits.loginMaxFailures, limits.loginWindowMs, options),
    address: new RedisLoginRateLimiter(
      redis,
      'address',
      limits.loginMaxFailuresPerAddress,
      limits.loginWindowMs,
      options,
    ),
    ready: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (redis.status === 'ready') return resolve(true)
        const timer = setTimeout(() => {
          redis.off('ready', onReady)
          resolve(false)
        }, timeoutMs)
        const onReady = () => {
          clearTimeout(timer)
          resolve(true)
        }
        redis.once('ready', onReady)
      }),
    async close() {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
