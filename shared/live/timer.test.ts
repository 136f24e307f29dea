import { describe, expect, it } from 'vitest'
import { addTime, formatRemaining, pauseTimer, readTimer, remainingMs, resumeTimer, startTimer } from './timer'

describe('session timer', () => {
  it('counts down in server time, pauses and resumes without losing time', () => {
    const t = startTimer(' 讨论 ', 10 * 60_000, 1_000_000, 'u1')
    expect(t.label).toBe('讨论')
    expect(remainingMs(t, 1_060_000)).toBe(9 * 60_000)
    const paused = pauseTimer(t, 1_060_000, 'u2')
    expect(remainingMs(paused, 9_999_999)).toBe(9 * 60_000)
    expect(pauseTimer(paused, 2_000_000, 'u2')).toBe(paused)
    const resumed = resumeTimer(paused, 1_100_000, 'u1')
    expect(resumed.pausedAt).toBeNull()
    expect(remainingMs(resumed, 1_100_000)).toBe(9 * 60_000)
    expect(remainingMs(resumed, 1_160_000)).toBe(8 * 60_000)
  })

  it('adds time; after time is up it restarts from zero', () => {
    const t = startTimer('x', 60_000, 0, 'u')
    expect(remainingMs(addTime(t, 60_000, 30_000, 'u'), 30_000)).toBe(90_000)
    const over = addTime(t, 120_000, 90_000, 'u')
    expect(remainingMs(over, 90_000)).toBe(120_000)
  })

  it('reads only valid timers from the document', () => {
    expect(readTimer(null)).toBeNull()
    expect(readTimer({ label: 'x', durationMs: 'long', startedAt: 1, pausedAt: null })).toBeNull()
    expect(readTimer({ label: 'x', durationMs: 10, startedAt: 1, pausedAt: 'no' })).toBeNull()
    expect(readTimer({ label: 'x', durationMs: 10, startedAt: 1, pausedAt: null, by: 'u' })).toEqual({
      label: 'x',
      durationMs: 10,
      startedAt: 1,
      pausedAt: null,
      by: 'u',
    })
  })

  it('formats remaining time', () => {
    expect(formatRemaining(600_000)).toBe('10:00')
    expect(formatRemaining(59_001)).toBe('1:00')
    expect(formatRemaining(-5)).toBe('0:00')
    expect(formatRemaining(3_723_000)).toBe('1:02:03')
  })
})
