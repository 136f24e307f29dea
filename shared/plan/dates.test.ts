import { describe, expect, it } from 'vitest'
import { isIsoDate, isIsoDateOrEmpty, isoDateInTimeZone } from './dates'

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2026-11-22')).toBe(true)
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2026-02-29')).toBe(false)
    expect(isIsoDate('2026-04-31')).toBe(false)
    expect(isIsoDate('2026-00-10')).toBe(false)
    expect(isIsoDate('2026-1-5')).toBe(false)
    expect(isIsoDate('2026-11-22T00:00')).toBe(false)
    expect(isIsoDate(20261122)).toBe(false)
    expect(isIsoDate('')).toBe(false)
    expect(isIsoDateOrEmpty('')).toBe(true)
  })

  it("today is the date in the team's time zone, not the server's", () => {
    const lateEveningUtc = new Date('2026-11-22T17:30:00Z')
    expect(isoDateInTimeZone(lateEveningUtc)).toBe('2026-11-23')
    expect(isoDateInTimeZone(lateEveningUtc, 'UTC')).toBe('2026-11-22')
  })
})
