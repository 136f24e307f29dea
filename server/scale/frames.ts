/**
 * The messages nodes exchange about a room over Redis (docs/scale-out.md, "Fan-out between
 * nodes"): `[nodeId, epoch, seq, kind, payload]` in lib0's binary encoding, published on the
 * room's channel {@link roomChannel} — one frame per Redis message, or several concatenated
 * (a frame says where it ends; {@link decodeFrames}).
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export const CHANNEL_PREFIX = 'warroom:room:'

/** The Redis channel of one account's room. */
export const roomChannel = (room: string) => `${CHANNEL_PREFIX}${room}`

export const FrameKind = {
  /** A Yjs update the sender accepted (its bytes exactly as stored). */
  Update: 0,
  /** A y-protocols awareness message of the sender's own clients (coalesced per tick). */
  Awareness: 1,
  /** Every few seconds: the sender's state vector and its clients' awareness ids ({@link Heartbeat}). */
  Heartbeat: 2,
  /** The sender just started holding the room: the others answer with their presence and a heartbeat. */
  Hello: 3,
  /** The sender stopped holding the room: its presence there is gone. */
  Bye: 4,
} as const
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind]

export interface Frame {
  /** The sending node's NODE_ID. */
  node: string
  /** The sending process's start (ms since the epoch): a new epoch is a restarted node. */
  epoch: number
  /** The sender's message number in this room, 1, 2, 3, … (every kind counts): a gap is a missed message. */
  seq: number
  kind: FrameKind
  payload: Uint8Array
}

export function encodeFrame(frame: Frame): Buffer {
  const enc = encoding.createEncoder()
  encoding.writeVarString(enc, frame.node)
  encoding.writeVarUint(enc, frame.epoch)
  encoding.writeVarUint(enc, frame.seq)
  encoding.writeVarUint(enc, frame.kind)
  encoding.writeVarUint8Array(enc, frame.payload)
  const bytes = encoding.toUint8Array(enc)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
}

/** Throws on anything that is not a frame. */
export function decodeFrame(data: Uint8Array): Frame {
  const dec = decoding.createDecoder(data)
  const frame = readFrame(dec)
  if (decoding.hasContent(dec)) throw new Error('bytes after the frame')
  return frame
}

function readFrame(dec: decoding.Decoder): Frame {
  const node = decoding.readVarString(dec)
  const epoch = decoding.readVarUint(dec)
  const seq = decoding.readVarUint(dec)
  const kind = decoding.readVarUint(dec)
  if (kind > FrameKind.Bye) throw new Error(`unknown frame kind ${kind}`)
  const payload = decoding.readVarUint8Array(dec)
  // lib0 reads a length past the end as a view into whatever follows (a pooled Buffer's next bytes).
  if (dec.pos > dec.arr.length) throw new Error('a frame cut short')
  return { node, epoch, seq, kind: kind as FrameKind, payload }
}

/**
 * The frames of one Redis message, in order: one, or several concatenated (a sender's frames of
 * one room in one event-loop turn). Throws on anything that is not a frame; the error carries
 * the frames read before it (`frames`).
 */
export function decodeFrames(data: Uint8Array): Frame[] {
  const frames: Frame[] = []
  const dec = decoding.createDecoder(data)
  try {
    do frames.push(readFrame(dec))
    while (decoding.hasContent(dec))
  } catch (e) {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { frames })
  }
  return frames
}

/** A heartbeat's payload: the sender's state vector (encoded as Yjs does) and its clients' awareness ids. */
export interface Heartbeat {
  stateVector: Uint8Array
  clients: number[]
}

export function encodeHeartbeat(hb: Heartbeat): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint8Array(enc, hb.stateVector)
  encoding.writeVarUint(enc, hb.clients.length)
  for (const id of hb.clients) encoding.writeVarUint(enc, id)
  return encoding.toUint8Array(enc)
}

export function decodeHeartbeat(payload: Uint8Array): Heartbeat {
  const dec = decoding.createDecoder(payload)
  const stateVector = decoding.readVarUint8Array(dec)
  const n = decoding.readVarUint(dec)
  const clients: number[] = []
  for (let i = 0; i < n; i++) clients.push(decoding.readVarUint(dec))
  return { stateVector, clients }
}
