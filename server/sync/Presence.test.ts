/**
 * The presence tick's cadence (issue 11, 200 editors): in a busy room a tick follows the previous
 * one by one period, not by one period after the first change that came after it (which stretched
 * 70-ms ticks to ~95 ms: cursors fell under 10 Hz), and no room ticks more slowly than
 * MAX_PRESENCE_PERIOD_MS. Fake timers: the test moves the clock, nothing waits.
 */

import { constants, inflateRawSync } from 'node:zlib'
import * as decoding from 'lib0/decoding'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { deflateMessage, MAX_PRESENCE_PERIOD_MS, Presence } from './Presence.ts'
import type { SyncConnection } from './SyncConnection.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const owner = {} as SyncConnection

function room(tickMs: number, audience: number) {
  const sent: { at: number; message: Uint8Array; deflated: () => Uint8Array }[] = []
  const presence = new Presence(
    tickMs,
    (message, _seq, deflated) => sent.push({ at: performance.now(), message, deflated }),
    () => audience,
  )
  let clock = 0
  const move = (clientId = 1) => presence.set(clientId, ++clock, `{"x":${clock}}`, { x: clock }, owner)
  return { presence, sent, move }
}

describe('the presence tick', () => {
  it('keeps its cadence: the tick after a change that came late in the period is still one period after the last', () => {
    const { sent, move } = room(50, 2)
    const t0 = performance.now()
    move()
    vi.advanceTimersByTime(50)
    expect(sent.map((s) => s.at - t0)).toEqual([50])
    // A change 40 ms into the next period goes out with the tick at 100, not at 90 + 50.
    vi.advanceTimersByTime(40)
    move()
    vi.advanceTimersByTime(10)
    expect(sent.map((s) => s.at - t0)).toEqual([50, 100])
    // A quiet room starts a new cadence from its next change.
    vi.advanceTimersByTime(500)
    move()
    vi.advanceTimersByTime(50)
    expect(sent.map((s) => s.at - t0)).toEqual([50, 100, 650])
  })

  it('stretches with the room but never past MAX_PRESENCE_PERIOD_MS (≥ 10 Hz with room to spare)', () => {
    expect(MAX_PRESENCE_PERIOD_MS).toBeLessThan(100)
    const big = room(50, 1000)
    const t0 = performance.now()
    big.move()
    vi.advanceTimersByTime(MAX_PRESENCE_PERIOD_MS - 1)
    expect(big.sent).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(big.sent.map((s) => s.at - t0)).toEqual([MAX_PRESENCE_PERIOD_MS])
    const mid = room(50, 200)
    const t1 = performance.now()
    mid.move()
    vi.advanceTimersByTime(200)
    expect(mid.sent.map((s) => s.at - t1)).toEqual([70])
  })

  it('hands out the batch deflated once, and the deflated bytes inflate to the batch', () => {
    const { sent, move } = room(50, 2)
    for (let id = 1; id <= 50; id++) move(id)
    vi.advanceTimersByTime(50)
    expect(sent).toHaveLength(1)
    const { message, deflated } = sent[0]!
    const once = deflated()
    expect(deflated()).toBe(once)
    expect(once.length).toBeLessThan(message.length)
    // What a permessage-deflate receiver does: append 00 00 ff ff and inflate.
    const inflated = inflateRawSync(Buffer.concat([once, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: constants.Z_SYNC_FLUSH,
    })
    expect(new Uint8Array(inflated)).toEqual(message)
    const d = decoding.createDecoder(message)
    expect(decoding.readVarUint(d)).toBe(1)
    expect(deflateMessage(message)).toEqual(once)
  })
})
