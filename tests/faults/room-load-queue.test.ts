/**
 * The room-load queue bound (issue 12, "Also"): frames that arrive while a room loads used to be
 * queued without limit (up to 16 MiB each). Now past MAX_QUEUED_BYTES the server stops reading
 * that socket until the room is ready, so the rest waits in the sender's buffers — and is then
 * handled in order, nothing lost. (Observed through the server's queue counter: in one process
 * the client's `bufferedAmount` does not show what the kernel took.)
 */
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { DocStore } from '../../server/storage/DocStore.ts'
import { encodeMessage } from '../../server/sync/Room.ts'
import { inboundQueue } from '../../server/sync/SyncConnection.ts'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { eventually, opened, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { suiteDocStore } from '../helpers/suiteStores.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

/** A server whose room loads wait, once armed, until the test lets them go (a slow disk). */
async function slowLoadingServer() {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  let armed = false
  let release!: () => void
  const gate = new Promise<void>((r) => {
    release = r
  })
  const files = await suiteDocStore(data.dir)
  const store = new Proxy(files, {
    get(target, key) {
      if (key === 'load')
        return async (room: string) => (armed ? gate.then(() => target.load(room)) : target.load(room))
      const value = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as DocStore
  const server = await startTestServer({
    dataDir: data.dir,
    accounts: ['slow'],
    store,
    maxQueuedBytes: 2 * 1024 * 1024,
    maxFrameBytes: 2 * 1024 * 1024,
    maxDocBytes: 512 * 1024 * 1024,
    socketBytesPerSecond: 1024 * 1024 * 1024,
    // No compaction of a growing 96 MiB document after every megabyte (not what is tested here).
    compactLogBytes: 1024 * 1024 * 1024,
  })
  cleanups.push(() => server.close())
  // A test that fails before it lets the load go must not leave server.close() waiting for it.
  cleanups.push(release)
  // Creating the account loaded (and unloads) its room; from now on loads are slow.
  await eventually(() => expect(server.rooms.peek('slow')).toBeNull())
  armed = true
  return { server, release }
}

/** 96 one-MiB sync updates: more than the loopback socket buffers hold (up to 32 MiB receiving, 4 MiB sending). */
function bigFrames(): Uint8Array[] {
  const doc = new Y.Doc()
  const frames: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) =>
    frames.push(
      encodeMessage(MessageType.Sync, (enc) => {
        encoding.writeVarUint(enc, 2)
        encoding.writeVarUint8Array(enc, u)
      }),
    ),
  )
  for (let i = 0; i < 96; i++) doc.getMap('m').set(`k${i}`, String(i % 10).repeat(1024 * 1024))
  return frames
}

describe('frames queued while a room loads', () => {
  it('are bounded: reading pauses past MAX_QUEUED_BYTES, and every frame is handled once the room is ready', async () => {
    const { server, release } = await slowLoadingServer()
    // A client that sends its frames as they are (no permessage-deflate).
    const ws = new WebSocket(`${wsUrl(server)}/slow`, { headers: { cookie: server.cookie }, perMessageDeflate: false })
    cleanups.push(() => ws.terminate())
    await opened(ws)
    for (const f of bigFrames()) ws.send(f)

    // While the room cannot load, the server holds at most the bound plus what one read brings
    // (a frame and a socket chunk); an unbounded server queues all 96 MiB. Watch for a while.
    inboundQueue.highWater = inboundQueue.bytes
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 250))
    expect(inboundQueue.highWater).toBeGreaterThan(1024 * 1024)
    expect(inboundQueue.highWater).toBeLessThan(2 * 1024 * 1024 + 2 * 1024 * 1024 + 256 * 1024)

    release()
    await eventually(() => expect(server.rooms.peek('slow')?.doc.getMap('m').size).toBe(96), 60_000, 100)
    expect(inboundQueue.bytes).toBe(0)
  })

  it('a compressing client is held to the bound plus two frames: paused, or closed when inflated frames pass it', async () => {
    const { server, release } = await slowLoadingServer()
    // permessage-deflate, as browsers offer it: 96 MiB of repeated digits compress to a few hundred
    // KiB, so pausing the socket may stop nothing — what was read before the pause is inflated
    // frame by frame, 1 MiB each. Past the bound plus two frames the server closes the socket.
    const ws = new WebSocket(`${wsUrl(server)}/slow`, { headers: { cookie: server.cookie } })
    cleanups.push(() => ws.terminate())
    await opened(ws)
    expect(ws.extensions).toContain('permessage-deflate')
    let closedWith: number | null = null
    ws.once('close', (code) => {
      closedWith = code
    })
    inboundQueue.highWater = inboundQueue.bytes
    for (const f of bigFrames()) ws.send(f, { compress: true })
    // The server has stopped taking more: closed the socket, or paused it past the bound. Then watch.
    await eventually(() => expect(closedWith !== null || inboundQueue.bytes > 2 * 1024 * 1024).toBe(true), 60_000)
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 250))
    // Bound (2 MiB) + two frames (2 × 2 MiB) + the frame that crossed it; unbounded: up to 96 MiB.
    expect(inboundQueue.highWater).toBeLessThanOrEqual(2 * 1024 * 1024 + 2 * 2 * 1024 * 1024 + 2 * 1024 * 1024)
    release()
    // Either way nothing is left queued, and the room serves: what a paused socket sent is handled,
    // a closed one was told why (1008) and a client that reconnects is served.
    await eventually(
      () =>
        expect(closedWith === CloseCode.PolicyViolation || server.rooms.peek('slow')?.doc.getMap('m').size === 96).toBe(
          true,
        ),
      60_000,
      100,
    )
    if (closedWith !== null) expect(closedWith).toBe(CloseCode.PolicyViolation)
    await eventually(() => expect(inboundQueue.bytes).toBe(0))
    const again = new WebSocket(`${wsUrl(server)}/slow`, { headers: { cookie: server.cookie } })
    cleanups.push(() => again.terminate())
    await opened(again)
    await eventually(() => expect(server.rooms.peek('slow')?.connections.size).toBeGreaterThan(0), 30_000)
  })
})
