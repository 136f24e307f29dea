import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { MessageType } from '../../shared/protocol.ts'
import { decodeFrame, decodeFrames, decodeHeartbeat, encodeFrame, encodeHeartbeat, FrameKind } from './frames.ts'
import { RemotePresence } from './RemotePresence.ts'

/** An awareness message as a node's Presence broadcasts it. */
function awareness(...states: [number, number, unknown][]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, states.length)
  for (const [id, clock, state] of states) {
    encoding.writeVarUint(inner, id)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, JSON.stringify(state))
  }
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.Awareness)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}

function decodeAwareness(message: Uint8Array): [number, number, unknown][] {
  const outer = decoding.createDecoder(message)
  expect(decoding.readVarUint(outer)).toBe(MessageType.Awareness)
  const dec = decoding.createDecoder(decoding.readVarUint8Array(outer))
  const n = decoding.readVarUint(dec)
  const out: [number, number, unknown][] = []
  for (let i = 0; i < n; i++)
    out.push([decoding.readVarUint(dec), decoding.readVarUint(dec), JSON.parse(decoding.readVarString(dec))])
  return out
}

function presence() {
  const sent: [number, number, unknown][][] = []
  const p = new RemotePresence((m) => sent.push(decodeAwareness(m)))
  return { p, sent }
}

const never = () => false

describe('other nodes’ presence kept apart (RemotePresence)', () => {
  it('relays states of another node and their removal by that node', () => {
    const { p, sent } = presence()
    p.apply('a', awareness([1, 3, { user: { name: '王强' } }]), never)
    expect(p.states().get(1)).toEqual({ user: { name: '王强' } })
    p.apply('a', awareness([1, 4, null]), never)
    expect(p.size).toBe(0)
    expect(sent).toEqual([[[1, 3, { user: { name: '王强' } }]], [[1, 4, null]]])
  })

  it('a removal relayed by another node than the holder changes nothing (the client moved)', () => {
    const { p, sent } = presence()
    p.apply('a', awareness([1, 3, { x: 1 }]), never)
    p.apply('b', awareness([1, 3, { x: 2 }]), never)
    expect(p.states().get(1)).toEqual({ x: 2 })
    p.apply('a', awareness([1, 4, null]), never)
    expect(p.states().get(1)).toEqual({ x: 2 })
    expect(sent).toHaveLength(2)
  })

  it('skips ids a client of this node holds, and older clocks', () => {
    const { p } = presence()
    p.apply('a', awareness([1, 3, { x: 1 }], [2, 1, { y: 1 }]), (id) => id === 2)
    p.apply('a', awareness([1, 2, { x: 0 }]), never)
    expect([...p.states()]).toEqual([[1, { x: 1 }]])
  })

  it('a node gone silent, restarted or leaving the room takes its clients with it', () => {
    const { p, sent } = presence()
    p.apply('a', awareness([1, 3, { x: 1 }], [2, 5, { x: 2 }]), never)
    p.apply('b', awareness([3, 1, { x: 3 }]), never)
    p.retainNode('a', new Set([2]))
    expect([...p.states().keys()]).toEqual([2, 3])
    p.dropNode('a')
    expect([...p.states().keys()]).toEqual([3])
    expect(sent.slice(2)).toEqual([[[1, 4, null]], [[2, 6, null]]])
  })

  it('recognises echoes of relayed states (not a connection’s to claim), not a moved client’s own state', () => {
    const { p } = presence()
    p.apply('a', awareness([1, 3, { x: 1 }]), never)
    const json = JSON.stringify({ x: 1 })
    expect(p.isEcho(1, 3, json)).toBe(true)
    expect(p.isEcho(1, 2, '{"x":0}')).toBe(true)
    // The client itself, reconnected here: its own (not yet rewritten) state, or a newer clock.
    expect(p.isEcho(1, 3, '{"x":1,"raw":true}')).toBe(false)
    expect(p.isEcho(1, 4, json)).toBe(false)
    p.apply('a', awareness([1, 4, null]), never)
    expect(p.isEcho(1, 4, 'null')).toBe(true)
    expect(p.isEcho(1, 5, json)).toBe(false)
    expect(p.isEcho(99, 1, json)).toBe(false)
  })

  it('claim hands over the last state and forgets it silently', () => {
    const { p, sent } = presence()
    p.apply('a', awareness([1, 3, { spotlight: { since: 5 } }]), never)
    expect(p.claim(1)).toEqual({ spotlight: { since: 5 } })
    expect(p.size).toBe(0)
    expect(sent).toHaveLength(1)
  })
})

describe('relaying another node’s presence batch', () => {
  it('as it came when every state applies, re-encoded with only the applied ones otherwise', () => {
    const raw: Uint8Array[] = []
    const p = new RemotePresence((m) => raw.push(m))
    const all = awareness([1, 3, { x: 1 }], [2, 5, { x: 2 }])
    p.apply('a', all, never)
    expect(raw[0]).toBe(all)
    // Client 1's state is not newer, client 3 is this node's own: only client 2's goes out.
    p.apply('a', awareness([1, 3, { x: 1 }], [2, 6, { x: 3 }], [3, 1, { x: 4 }]), (id) => id === 3)
    expect(decodeAwareness(raw[1]!)).toEqual([[2, 6, { x: 3 }]])
    // A removal at an older clock than the state it removes goes out at the state's clock.
    const removal = awareness([2, 5, null])
    p.apply('a', removal, never)
    expect(raw[2]).not.toBe(removal)
    expect(decodeAwareness(raw[2]!)).toEqual([[2, 6, null]])
  })
})

describe('fan-out frames', () => {
  it('round-trip, and anything else is refused', () => {
    const frame = {
      node: 'node-a',
      epoch: 1764577200123,
      seq: 42,
      kind: FrameKind.Update,
      payload: Uint8Array.of(1, 2),
    }
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame)
    const hb = { stateVector: Uint8Array.of(1, 5, 7), clients: [1, 4_000_000_000] }
    expect(decodeHeartbeat(encodeHeartbeat(hb))).toEqual(hb)
    expect(() => decodeFrame(Uint8Array.of(1))).toThrow()
    expect(() => decodeFrame(encodeFrame({ ...frame, kind: 9 as never }))).toThrow(/unknown frame kind/)
  })
  it('a batch is the frames concatenated, read back in order; a cut-short one keeps the frames before the cut', () => {
    const frame = (seq: number, kind: FrameKind, payload = Uint8Array.of(seq)) => ({
      node: 'node-a',
      epoch: 7,
      seq,
      kind,
      payload,
    })
    const batch = [
      frame(1, FrameKind.Hello, new Uint8Array(0)),
      frame(2, FrameKind.Update),
      frame(3, FrameKind.Awareness),
    ]
    const bytes = Buffer.concat(batch.map(encodeFrame))
    expect(decodeFrames(bytes)).toEqual(batch)
    expect(decodeFrames(encodeFrame(batch[1]!))).toEqual([batch[1]])
    // A Buffer from a pool: a length read past the message's end must not read the pool's next bytes.
    const pooled = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([9, 9, 9])]).subarray(
      0,
      bytes.length - 1,
    )
    expect(() => decodeFrames(pooled)).toThrow()
    try {
      decodeFrames(pooled)
    } catch (e) {
      expect((e as { frames: unknown[] }).frames).toEqual(batch.slice(0, 2))
    }
    expect(() => decodeFrame(bytes)).toThrow(/after the frame/)
  })
})
