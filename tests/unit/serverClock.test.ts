import { describe, expect, it } from 'vitest'
import { boundsOf, combineBounds, offsetBounds } from '../../client/live/serverClock'

describe('server clock offset from Date headers', () => {
  it('narrows to the true offset as samples hit different phases of the server second', () => {
    const trueOffset = 123_456 // the server is ahead by this much
    const samples = []
    for (let i = 0; i < 8; i++) {
      const sentAt = 1_000_000 + i * 217
      const serverAtReply = sentAt + 20 + trueOffset // 20 ms to reach the server
      const header = Math.floor(serverAtReply / 1000) * 1000
      samples.push(offsetBounds(sentAt, sentAt + 40, header))
    }
    expect(Math.abs(combineBounds(samples) - trueOffset)).toBeLessThan(150)
  })

  it('follows the latest sample when the local clock jumps', () => {
    const before = offsetBounds(0, 10, 5000)
    const after = offsetBounds(100_000, 100_010, 5000)
    expect(combineBounds([before, after])).toBe(Math.round((after.lo + after.hi) / 2))
  })

  it('its lower bound never exceeds the true offset, so a proposed spotlight since is never in the server’s future', () => {
    for (const trueOffset of [-4321, 0, 999, 123_456]) {
      for (const latency of [1, 20, 180]) {
        const samples = []
        for (let i = 0; i < 5; i++) {
          const sentAt = 2_000_000 + i * 217
          const header = Math.floor((sentAt + latency + trueOffset) / 1000) * 1000
          samples.push(offsetBounds(sentAt, sentAt + 2 * latency, header))
        }
        const range = boundsOf(samples)!
        expect(range.lo).toBeLessThanOrEqual(trueOffset)
        expect(range.hi).toBeGreaterThanOrEqual(trueOffset)
      }
    }
  })
})
