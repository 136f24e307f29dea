/**
 * Presence for a connection whose socket is backed up (issue 11): a client that cannot keep up
 * with a crowded room's cursors (slow network, busy CPU) is not sent batch after batch into its
 * send buffer — which grew until the slow-consumer cap closed it, while every batch was already
 * superseded by the next. Its batches are skipped while the socket holds a backlog; document
 * updates are not; once it drained it gets every current state and the removals it missed.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MessageType } from '../../shared/protocol.ts'
import { tempDataDir } from '../../tests/helpers/server.ts'
import { FileDocStore } from '../storage/FileDocStore.ts'
import { Room } from './Room.ts'
import { PRESENCE_BACKLOG_BYTES, SyncConnection, type SyncSocket } from './SyncConnection.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

/** A transport whose unsent backlog the test sets (the kernel's and ws's buffers, in one number). */
class TestSocket implements SyncSocket {
  readonly sent: Uint8Array[] = []
  bufferedAmount = 0
  closedWith: number | null = null
  send(data: Uint8Array) {
    this.sent.push(data)
  }
  close(code: number) {
    this.closedWith = code
  }
}

function awareness(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.Awareness)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}

/** The awareness entries of the messages a socket received: [clientId, clock, state]. */
function received(socket: TestSocket, from = 0): [number, number, unknown][] {
  const out: [number, number, unknown][] = []
  for (const m of socket.sent.slice(from)) {
    const d = decoding.createDecoder(m)
    if (decoding.readVarUint(d) !== MessageType.Awareness) continue
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d))
    const n = decoding.readVarUint(inner)
    for (let i = 0; i < n; i++)
      out.push([decoding.readVarUint(inner), decoding.readVarUint(inner), JSON.parse(decoding.readVarString(inner))])
  }
  return out
}

const updatesIn = (socket: TestSocket, from = 0) =>
  socket.sent.slice(from).filter((m) => m[0] === MessageType.Sync && m[1] === syncProtocol.messageYjsUpdate).length

async function setup() {
  const d = tempDataDir()
  const store = new FileDocStore(d.dir, { flushIntervalMs: 5, log: () => {} })
  cleanups.push(
    () => d.remove(),
    () => store.close(),
  )
  // Every change is its own batch (tick 0): the test decides what each batch holds.
  const room = await Room.load('crowd', store, {
    compactLogBytes: 1 << 30,
    log: () => {},
    limits: { presenceTickMs: 0 },
  })
  cleanups.push(() => room.destroy())
  const join = () => {
    const socket = new TestSocket()
    const conn = new SyncConnection(socket, { maxBufferedBytes: 1024 * 1024 })
    room.join(conn)
    return { socket, conn }
  }
  return { room, join }
}

describe('presence to a connection whose socket is backed up', () => {
  it('is skipped while the backlog lasts (edits are not), and caught up with every current state and removal once it drains', async () => {
    const { room, join } = await setup()
    const slow = join()
    const b = join()
    const c = join()
    room.handleMessage(c.conn, awareness(30, 1, { name: 'c' }))
    expect(received(slow.socket).map(([id]) => id)).toEqual([30])

    // The slow client's socket holds a backlog: a crowd's cursor batches are not queued behind it.
    slow.socket.bufferedAmount = PRESENCE_BACKLOG_BYTES
    const mark = slow.socket.sent.length
    const big = 'x'.repeat(60 * 1024)
    for (let clock = 1; clock <= 40; clock++) room.handleMessage(b.conn, awareness(20, clock, { cursor: clock, big }))
    // c leaves meanwhile: its removal is in a skipped batch.
    room.leave(c.conn)
    // A document update still goes out (edits are never skipped).
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v')
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MessageType.Sync)
    syncProtocol.writeUpdate(enc, Y.encodeStateAsUpdate(doc))
    room.handleMessage(b.conn, encoding.toUint8Array(enc))

    expect(received(slow.socket, mark)).toEqual([])
    expect(updatesIn(slow.socket, mark)).toBe(1)
    expect(slow.conn.presenceSkipped).toBe(41)
    // Forty 60-KiB states were not queued for it, and it was not closed as a slow consumer.
    expect(slow.socket.closedWith).toBeNull()
    expect(slow.conn.closed).toBe(false)
    // The others heard every batch.
    expect(received(b.socket).filter(([id]) => id === 20)).toHaveLength(40)

    // Drained: the next batch is replaced by one catch-up — b's latest state, c's removal.
    slow.socket.bufferedAmount = 0
    const drained = slow.socket.sent.length
    room.handleMessage(b.conn, awareness(20, 41, { cursor: 41, big: '' }))
    expect(slow.socket.sent.length - drained).toBe(1)
    expect(received(slow.socket, drained)).toEqual([
      [20, 41, { cursor: 41, big: '' }],
      [30, 2, null],
    ])
    // Then batches flow as before.
    room.handleMessage(b.conn, awareness(20, 42, { cursor: 42 }))
    expect(received(slow.socket, drained + 1)).toEqual([[20, 42, { cursor: 42 }]])
  })
})
