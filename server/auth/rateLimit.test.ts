import { describe, expect, it } from 'vitest'
import { LoginRateLimiter } from './rateLimit.ts'

describe('LoginRateLimiter', () => {
  it('refuses after the limit within the window and lets the key in again once failures age out', () => {
    let now = 1_000_000
    const limiter = new LoginRateLimiter(5, 15 * 60_000, () => now)
    for (let i = 0; i < 5; i++) {
      expect(limiter.retryAfterMs('a@x|1.2.3.4')).toBe(0)
      limiter.fail('a@x|1.2.3.4')
      now += 1000
    }
    expect(limiter.retryAfterMs('a@x|1.2.3.4')).toBe(15 * 60_000 - 5000)
    // Other keys are not affected.
    expect(limiter.retryAfterMs('a@x|5.6.7.8')).toBe(0)
    now += 15 * 60_000 - 5000
    expect(limiter.retryAfterMs('a@x|1.2.3.4')).toBe(0)
  })

  it('forgets failures after a success', () => {
    const limiter = new LoginRateLimiter(2, 60_000)
    limiter.fail('k')
    limiter.succeed('k')
    limiter.fail('k')
    expect(limiter.retryAfterMs('k')).toBe(0)
  })
})
