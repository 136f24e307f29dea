/**
 * The raw y-websocket protocol as the load clients speak it: frames built and read by hand with
 * lib0, one Y.Doc per client only for the client's own writes (a client never applies what others
 * wrote: it only needs to produce valid updates and to time what it receives).
 *
 * Edit latency is carried inside the edit: each record holds a fixed-width marker
 * `~T@<16 digits>` with the sender's CLOCK_MONOTONIC time in microseconds
 * (`process.hrtime`, the same clock in every process of the machine). The digits are patched into
 * pre-encoded update bytes just before sending, so the sender does no Yjs work in the measured window.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_QUERY_AWARENESS = 3
export const SYNC_STEP1 = 0
export const SYNC_STEP2 = 1
export const SYNC_UPDATE = 2

export const MARKER = '~T@'
const MARKER_BYTES = Buffer.from(MARKER)
const DIGITS = 16
const ZERO_STAMP = '0'.repeat(DIGITS)

export const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n)

export function frame(type: number, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, type)
  write(enc)
  return encoding.toUint8Array(enc)
}

export const syncStep1 = (doc: Y.Doc) =>
  frame(MSG_SYNC, (enc) => {
    encoding.writeVarUint(enc, SYNC_STEP1)
    encoding.writeVarUint8Array(enc, Y.encodeStateVector(doc))
  })

export const syncStep2 = (doc: Y.Doc, stateVector?: Uint8Array) =>
  frame(MSG_SYNC, (enc) => {
    encoding.writeVarUint(enc, SYNC_STEP2)
    encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(doc, stateVector))
  })

export const updateFrame = (update: Uint8Array) =>
  frame(MSG_SYNC, (enc) => {
    encoding.writeVarUint(enc, SYNC_UPDATE)
    encoding.writeVarUint8Array(enc, update)
  })

/** An awareness frame carrying one client's state (what y-websocket sends on every change). */
export const awarenessFrame = (clientId: number, clock: number, state: string | null) =>
  frame(MSG_AWARENESS, (enc) => {
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, state === null ? 'null' : state)
    encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  })

/**
 * A tldraw stakeholder card as War Room stores it (YKeyValue entry in the `tldraw` array), about
 * 300 bytes of JSON, with the latency marker in `meta`.
 */
export function cardRecord(id: string, i: number) {
  return {
    id,
    typeName: 'shape',
    type: 'stakeholder',
    x: 100 + (i % 40) * 13,
    y: 80 + (i % 25) * 17,
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: { t: MARKER + ZERO_STAMP },
    props: { w: 220, h: 120, name: `联系人${i % 97}`, title: '信息中心主任', role: 'decision-maker', relationship: 2 },
  }
}

/**
 * Writes edits of `cards` different records on `doc` the way War Room does (YKeyValue: push the
 * new entry, delete the old one), `more(count)` at a time: each call returns the next edits'
 * updates as frames, to be sent in order after the earlier ones (the ramp encodes each step's
 * edits just before the step, instead of every step's up front).
 */
export class EditEncoder {
  private readonly arr
  /** Key of each current entry, in the array's order (this doc holds only its own records). */
  private readonly keys: string[] = []
  private i = 0
  constructor(
    private readonly doc: Y.Doc,
    private readonly prefix: string,
    private readonly cards = 20,
  ) {
    this.arr = doc.getArray<{ key: string; val: unknown }>('tldraw')
  }

  more(count: number): Uint8Array[] {
    const updates: Uint8Array[] = []
    const onUpdate = (u: Uint8Array) => updates.push(u)
    this.doc.on('update', onUpdate)
    for (const end = this.i + count; this.i < end; this.i++) {
      const i = this.i
      const key = `shape:${this.prefix}-${i % this.cards}`
      this.doc.transact(() => {
        const at = this.keys.indexOf(key)
        if (at >= 0) {
          this.arr.delete(at, 1)
          this.keys.splice(at, 1)
        }
        this.arr.push([{ key, val: cardRecord(key, i) }])
        this.keys.push(key)
      })
    }
    this.doc.off('update', onUpdate)
    return updates.map((u) => updateFrame(u))
  }
}

/** `count` edits at once (see {@link EditEncoder}). */
export function preEncodeEdits(doc: Y.Doc, prefix: string, count: number, cards = 20): Uint8Array[] {
  return new EditEncoder(doc, prefix, cards).more(count)
}

/** Offset of the marker's digits in a frame, or -1. */
export function markerOffset(buf: Uint8Array): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  const at = b.indexOf(MARKER_BYTES)
  return at < 0 ? -1 : at + MARKER_BYTES.length
}

/** Writes the current time into a pre-encoded frame (same length: the encoding stays valid). */
export function stamp(buf: Uint8Array, offset: number, micros = nowMicros()) {
  const s = String(micros).padStart(DIGITS, '0')
  for (let i = 0; i < DIGITS; i++) buf[offset + i] = s.charCodeAt(i)
}

/** The send time in a received frame (µs), or -1 when it carries no marker. */
export function readStamp(buf: Uint8Array): number {
  const at = markerOffset(buf)
  if (at < 0 || at + DIGITS > buf.length) return -1
  let v = 0
  for (let i = 0; i < DIGITS; i++) {
    const c = buf[at + i]! - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/** A tldraw instance_presence record as War Room publishes it, about 450 bytes of JSON. */
export function presenceState(clientId: number, x: number, y: number, stampMicros: number): string {
  return JSON.stringify({
    presence: {
      id: `instance_presence:${clientId}`,
      typeName: 'instance_presence',
      userId: `user:${clientId}`,
      userName: `用户${clientId % 1000}`,
      color: '#3b82f6',
      camera: { x: 0, y: 0, z: 1 },
      selectedShapeIds: [],
      currentPageId: 'page:page',
      brush: null,
      scribbles: [],
      screenBounds: { x: 0, y: 0, w: 1920, h: 1080 },
      followingUserId: null,
      cursor: { x, y, type: 'default', rotation: 0 },
      chatMessage: '',
      lastActivityTimestamp: stampMicros,
      meta: {},
    },
  })
}

export interface AwarenessEntryHead {
  clientId: number
  clock: number
}

/** Client ids and clocks of an awareness frame's payload, skipping the state JSON (cheap). */
export function readAwarenessHeads(decoder: decoding.Decoder, out: AwarenessEntryHead[] = []): AwarenessEntryHead[] {
  const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder))
  const n = decoding.readVarUint(inner)
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(inner)
    const clock = decoding.readVarUint(inner)
    const len = decoding.readVarUint(inner)
    inner.pos += len
    out.push({ clientId, clock })
  }
  return out
}

const X_MARK = 987654321
const Y_MARK = 987654322
const T_MARK = 987654323

function writeVarUint(buf: Buffer, pos: number, n: number): number {
  while (n > 0x7f) {
    buf[pos++] = 0x80 | (n & 0x7f)
    n = Math.floor(n / 128)
  }
  buf[pos++] = n
  return pos
}

const varUintLength = (n: number) => (n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5)

/**
 * The awareness frames of one client's cursor moves, byte for byte what
 * `awarenessFrame(clientId, clock, presenceState(clientId, x, y, t))` builds (the state's JSON is
 * cut once around its three numbers), without a JSON.stringify and two lib0 encoders per move:
 * 200 people at 20 Hz is 4,000 of them a second on the load core.
 */
export class CursorFrames {
  private readonly parts: [string, string, string, string]
  constructor(private readonly clientId: number) {
    const json = presenceState(clientId, X_MARK, Y_MARK, T_MARK)
    const [a, rest1] = json.split(String(X_MARK)) as [string, string]
    const [b, rest2] = rest1.split(String(Y_MARK)) as [string, string]
    const [c, d] = rest2.split(String(T_MARK)) as [string, string]
    this.parts = [a, b, c, d]
  }

  frame(clock: number, x: number, y: number, t: number): Uint8Array {
    const [a, b, c, d] = this.parts
    const state = `${a}${x}${b}${y}${c}${t}${d}`
    const bytes = Buffer.byteLength(state)
    const inner = 1 + varUintLength(this.clientId) + varUintLength(clock) + varUintLength(bytes) + bytes
    const buf = Buffer.allocUnsafe(1 + varUintLength(inner) + inner)
    let pos = writeVarUint(buf, 0, MSG_AWARENESS)
    pos = writeVarUint(buf, pos, inner)
    pos = writeVarUint(buf, pos, 1)
    pos = writeVarUint(buf, pos, this.clientId)
    pos = writeVarUint(buf, pos, clock)
    pos = writeVarUint(buf, pos, bytes)
    buf.write(state, pos)
    return buf
  }
}
