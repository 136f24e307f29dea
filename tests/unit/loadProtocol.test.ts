import { describe, expect, it } from 'vitest'
import { awarenessFrame, CursorFrames, presenceState } from '../../bench/load/protocol.ts'

describe('the load clients’ cursor frames (bench/load)', () => {
  it('are byte for byte the awareness frames a y-websocket client sends for the same state', () => {
    for (const id of [1, 127, 128, 99_999, 3_000_000_000]) {
      const frames = new CursorFrames(id)
      for (const [clock, x, y, t] of [
        [1, 0, 0, 0],
        [300, 900, -12, 1_234_567_890_123_456],
        [2 ** 20, 5, 5, 5],
      ] as const)
        expect(Buffer.from(frames.frame(clock, x, y, t))).toEqual(
          Buffer.from(awarenessFrame(id, clock, presenceState(id, x, y, t))),
        )
    }
  })
})
