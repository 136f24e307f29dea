/**
 * The server writes its sync messages as WebSocket frames of its own (server/sync/wsRoute.ts: a
 * broadcast's frame is built once and the same bytes go to every socket; a stored state goes out
 * as its sync header and the stored bytes, uncopied), past `ws`'s sender. These tests read the
 * raw TCP bytes of several sockets of one room — some that negotiated permessage-deflate, some
 * that did not — and hold every frame to RFC 6455: one final, unmasked, uncompressed binary frame
 * per message, its length in the shortest form, its payload exactly the message, the same bytes
 * on every socket. The sizes cross each boundary of the length's encoding (125/126,
 * 65,535/65,536) and the 64-KiB line where the server stops copying a message into its frame.
 */
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect } from 'vitest'
import * as Y from 'yjs'
import { maskedFrame } from '../../bench/load/rawws.ts'
import { afterTest, test } from '../helpers/fixtures.ts'
import { eventually, type TestServer, wsUrl } from '../helpers/server.ts'

const MSG_SYNC = 0
const STEP1 = 0
const STEP2 = 1
const UPDATE = 2

/** One frame as it came off the wire: its bytes (header and payload) and its parts. */
interface WireFrame {
  raw: Buffer
  first: number
  payload: Buffer
}

/** A WebSocket client on a plain TCP socket that keeps every frame the server sends, as sent. */
class WireClient {
  readonly frames: WireFrame[] = []
  extensions = ''
  private readonly socket: net.Socket
  private buf = Buffer.alloc(0)
  private upgraded = false
  readonly opened: Promise<void>

  constructor(url: string, cookie: string, offerDeflate: boolean) {
    const u = new URL(url)
    this.socket = net.connect({ host: u.hostname, port: Number(u.port) })
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('error', reject)
      this.socket.on('data', (chunk: Buffer) => {
        this.buf = Buffer.concat([this.buf, chunk])
        if (!this.upgraded) {
          const end = this.buf.indexOf('\r\n\r\n')
          if (end < 0) return
          const head = this.buf.subarray(0, end).toString()
          if (!/^HTTP\/1\.1 101 /.test(head)) {
            reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
            return
          }
          this.extensions = /^sec-websocket-extensions:(.*)$/im.exec(head)?.[1]?.trim() ?? ''
          this.upgraded = true
          this.buf = this.buf.subarray(end + 4)
          resolve()
        }
        this.parse()
      })
    })
    this.socket.on('connect', () => {
      const offer = offerDeflate ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : ''
      this.socket.write(
        `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Cookie: ${cookie}\r\n${offer}\r\n`,
      )
    })
  }

  private parse() {
    for (;;) {
      if (this.buf.length < 2) return
      const b1 = this.buf[1]!
      let len = b1 & 0x7f
      let head = 2
      if (len === 126) {
        if (this.buf.length < 4) return
        len = this.buf.readUInt16BE(2)
        head = 4
      } else if (len === 127) {
        if (this.buf.length < 10) return
        len = Number(this.buf.readBigUInt64BE(2))
        head = 10
      }
      if (b1 & 0x80) head += 4
      if (this.buf.length < head + len) return
      const raw = Buffer.from(this.buf.subarray(0, head + len))
      this.buf = this.buf.subarray(head + len)
      const first = raw[0]!
      // Pings are answered (the server's keep-alive) and not kept.
      if ((first & 0x0f) === 0x9) this.send(raw.subarray(head), 0xa)
      else this.frames.push({ raw, first, payload: raw.subarray(head) })
    }
  }

  /** One masked frame (zero key). */
  send(data: Uint8Array, opcode = 0x2) {
    this.socket.write(maskedFrame(opcode, data))
  }

  /** The sync messages received so far (plain binary frames only; presence batches left out). */
  syncFrames(): WireFrame[] {
    return this.frames.filter((f) => (f.first & 0x40) === 0 && f.payload[0] === MSG_SYNC)
  }

  close() {
    this.socket.destroy()
  }
}

const syncMessage = (type: number, bytes: Uint8Array) => {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MSG_SYNC)
  encoding.writeVarUint(enc, type)
  encoding.writeVarUint8Array(enc, bytes)
  return encoding.toUint8Array(enc)
}

/** What RFC 6455 requires of a server's frame for this message: FIN + binary, unmasked, shortest length. */
function expectedFrame(message: Uint8Array): Buffer {
  const len = message.length
  const head = len < 126 ? Buffer.from([0x82, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  if (len >= 126 && len < 65536) {
    head[0] = 0x82
    head[1] = 126
    head.writeUInt16BE(len, 2)
  } else if (len >= 65536) {
    head[0] = 0x82
    head[1] = 127
    head.writeBigUInt64BE(BigInt(len), 2)
  }
  return Buffer.concat([head, message])
}

/**
 * An update message (as the writer sends it) of exactly `size` bytes: one text insert into `tag`
 * by a writer of its own (client id `id`), applied to `doc` too (the document every client
 * should end up with).
 */
function updateOfSize(doc: Y.Doc, size: number, tag: string, id: number): Uint8Array {
  const insert = (n: number) => {
    const writer = new Y.Doc()
    writer.clientID = id
    let update: Uint8Array | null = null
    writer.on('update', (u: Uint8Array) => {
      update = u
    })
    writer.getText(tag).insert(0, 'x'.repeat(n))
    return syncMessage(UPDATE, update!)
  }
  // The message grows by one byte per ASCII character (plus one at each varuint step).
  for (let n = Math.max(1, size - 40); n <= size; n++) {
    const message = insert(n)
    if (message.length !== size) continue
    const d = decoding.createDecoder(message)
    decoding.readVarUint(d)
    decoding.readVarUint(d)
    Y.applyUpdate(doc, decoding.readVarUint8Array(d))
    return message
  }
  throw new Error(`no update of ${size} bytes`)
}

async function joined(server: TestServer, offerDeflate: boolean): Promise<WireClient> {
  const c = new WireClient(`${wsUrl(server)}/acme`, server.cookie, offerDeflate)
  afterTest(() => c.close())
  await c.opened
  expect(c.extensions.includes('permessage-deflate')).toBe(offerDeflate)
  return c
}

/** Asks for everything (an empty state vector) and waits for the answer's sync step 2. */
async function fullState(c: WireClient): Promise<WireFrame[]> {
  const before = c.syncFrames().length
  c.send(syncMessage(STEP1, Y.encodeStateVector(new Y.Doc())))
  await eventually(
    () =>
      expect(
        c
          .syncFrames()
          .slice(before)
          .some((f) => f.payload[1] === STEP2),
      ).toBe(true),
    30_000,
  )
  const after = c.syncFrames().slice(before)
  // What belongs to the answer: the updates before the step 2 and the step 2 itself (the server's
  // own step 1 may come in between: it is not part of the state).
  return after.slice(0, after.findIndex((f) => f.payload[1] === STEP2) + 1).filter((f) => f.payload[1] !== STEP1)
}

/** The document a full-state answer describes. */
function docOf(answer: WireFrame[]): Y.Doc {
  const doc = new Y.Doc()
  for (const f of answer) {
    const d = decoding.createDecoder(f.payload)
    decoding.readVarUint(d)
    decoding.readVarUint(d)
    Y.applyUpdate(doc, decoding.readVarUint8Array(d))
  }
  return doc
}

// Two of 4,000 in a row: the same length, other bytes (a frame is reused only for the same message).
const SIZES = [20, 125, 126, 127, 4000, 4000, 65535, 65536, 65537, 300_000]

describe('sync frames written past ws', () => {
  test('every message reaches every socket, deflate negotiated or not, as the same minimal frame', async ({
    startServer,
  }) => {
    const server = await startServer({ accounts: ['acme'] })
    const writer = await joined(server, false)
    const readers = [await joined(server, true), await joined(server, false), await joined(server, true)]
    // Everyone synced (answers to the step 1 are in order behind everything sent before).
    for (const c of [writer, ...readers]) await fullState(c)

    const doc = new Y.Doc()
    const sent = SIZES.map((size, i) => updateOfSize(doc, size, `t${i}`, 1000 + i))
    const from = readers.map((r) => r.syncFrames().length)
    for (const message of sent) writer.send(message)
    await eventually(() => {
      for (const [k, r] of readers.entries())
        expect(
          r
            .syncFrames()
            .slice(from[k])
            .filter((f) => f.payload[1] === UPDATE).length,
        ).toBeGreaterThanOrEqual(sent.length)
    }, 30_000)
    for (const [k, r] of readers.entries()) {
      const got = r
        .syncFrames()
        .slice(from[k])
        .filter((f) => f.payload[1] === UPDATE)
      expect(got.map((f) => f.raw.length)).toEqual(sent.map((m) => expectedFrame(m).length))
      for (const [i, f] of got.entries()) expect(f.raw.equals(expectedFrame(sent[i]!))).toBe(true)
    }
    // The writer hears none of its own edits.
    expect(writer.syncFrames().filter((f) => f.payload[1] === UPDATE)).toEqual([])

    // A full state (over 64 KiB: its frame is written as a header and the state itself): the same
    // frames on a socket with and without the extension, and the whole document.
    const late = [await joined(server, true), await joined(server, false)]
    const answers = await Promise.all(late.map(fullState))
    expect(answers[0]!.map((f) => f.raw.toString('base64'))).toEqual(answers[1]!.map((f) => f.raw.toString('base64')))
    for (const f of answers[0]!) expect(f.raw.equals(expectedFrame(f.payload))).toBe(true)
    expect(answers[0]!.at(-1)!.payload.length).toBeGreaterThan(65536)
    const got = docOf(answers[0]!)
    for (let i = 0; i < SIZES.length; i++) expect(got.getText(`t${i}`).toString()).toBe(doc.getText(`t${i}`).toString())
  })

  test('a cold join gets the stored bytes as the same frames on every socket', async ({ startServer }) => {
    const server = await startServer({ accounts: ['acme'] })
    const writer = await joined(server, false)
    await fullState(writer)
    const doc = new Y.Doc()
    const sent = [70_000, 126, 65536].map((size, i) => updateOfSize(doc, size, `c${i}`, 2000 + i))
    for (const message of sent) writer.send(message)
    // Applied once the server answers a later step 1 (messages are handled in order).
    await fullState(writer)
    writer.close()
    await eventually(() => expect(server.rooms.peek('acme')).toBeNull(), 30_000)
    await server.rooms.unloaded('acme')

    // Both join the unloaded room at once: answered from the stored bytes, before the document is built.
    const cold = [
      new WireClient(`${wsUrl(server)}/acme`, server.cookie, true),
      new WireClient(`${wsUrl(server)}/acme`, server.cookie, false),
    ]
    for (const c of cold) afterTest(() => c.close())
    await Promise.all(cold.map((c) => c.opened))
    const answers = await Promise.all(cold.map(fullState))
    expect(answers[0]!.map((f) => f.raw.toString('base64'))).toEqual(answers[1]!.map((f) => f.raw.toString('base64')))
    for (const f of answers[0]!) expect(f.raw.equals(expectedFrame(f.payload))).toBe(true)
    const got = docOf(answers[0]!)
    for (let i = 0; i < sent.length; i++) expect(got.getText(`c${i}`).toString()).toBe(doc.getText(`c${i}`).toString())
  })
})
