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

describe('LoginRateLimiter.reserve', () => {
  it('books attempts before they are checked: the sixth concurrent attempt waits', () => {
    const limiter = new LoginRateLimiter(5, 60_000)
    const booked = Array.from({ length: 8 }, () => limiter.reserve('k'))
    expect(booked.filter((b) => typeof b === 'object')).toHaveLength(5)
    expect(booked.slice(5).every((b) => typeof b === 'number' && b > 0)).toBe(true)
  })

  it('a success takes its booking back; forgetKey clears the key', () => {
    const limiter = new LoginRateLimiter(2, 60_000)
    const a = limiter.reserve('k')
    const b = limiter.reserve('k')
    expect(limiter.retryAfterMs('k')).toBeGreaterThan(0)
    if (typeof a === 'number' || typeof b === 'number') throw new Error('expected bookings')
    a.succeeded()
    expect(limiter.retryAfterMs('k')).toBe(0)
    const c = limiter.reserve('k')
    if (typeof c === 'number') throw new Error('expected a booking')
    c.succeeded({ forgetKey: true })
    expect(limiter.retryAfterMs('k')).toBe(0)
    expect(typeof limiter.reserve('k')).toBe('object')
    expect(typeof limiter.reserve('k')).toBe('object')
  })
})
