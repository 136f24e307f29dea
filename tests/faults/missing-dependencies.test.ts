/**
 * Updates with missing dependencies (issue 12, item 8): structs that depend on data the server
 * never saw used to pile up in memory without limit. Now what one connection adds past
 * MAX_PENDING_BYTES is dropped again and the connection closed with MissingDependencies (4009,
 * y-websocket reconnects and the sync exchange sends what is missing); what came from storage
 * is never dropped.
 */

import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { encodeMessage } from '../../server/sync/Room.ts'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { closed, eventually, opened, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { suiteDocStore } from '../helpers/suiteStores.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

const updateFrame = (update: Uint8Array) =>
  encodeMessage(MessageType.Sync, (enc) => {
    encoding.writeVarUint(enc, 2)
    encoding.writeVarUint8Array(enc, update)
  })

/**
 * `count` updates of about `bytes` each that all depend on a first update nobody sends: the
 * server can integrate none of them. Returns [the withheld first update, the orphans].
 */
function orphans(count: number, bytes: number): [Uint8Array, Uint8Array[]] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  doc.getMap('m').set('first', 'withheld')
  for (let i = 0; i < count; i++) doc.getMap('m').set(`k${i}`, 'x'.repeat(bytes))
  return [updates[0]!, updates.slice(1)]
}

const pendingBytes = (server: TestServer) => {
  const store = server.rooms.peek('acme')?.doc.store
  return (store?.pendingStructs?.update.length ?? 0) + (store?.pendingDs?.length ?? 0)
}

async function raw(server: TestServer): Promise<WebSocket> {
  const ws = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie: server.cookie } })
  cleanups.push(() => ws.terminate())
  await opened(ws)
  return ws
}

describe('updates with missing dependencies', () => {
  it('a flood of them closes the connection (4009) and leaves no more than the cap pending', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const cap = 256 * 1024
    const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'], maxPendingBytes: cap })
    cleanups.push(() => server.close())
    const ws = await raw(server)
    const gone = closed(ws)
    const [, flood] = orphans(200, 10_000) // about 2 MB that can never integrate
    for (const u of flood) ws.send(updateFrame(u))
    expect((await gone).code).toBe(CloseCode.MissingDependencies)
    expect(pendingBytes(server)).toBeLessThanOrEqual(cap)

    // The room still works for everyone else, and nothing of the orphans reached its state.
    const other = await raw(server)
    const doc = new Y.Doc()
    doc.getMap('m').set('fine', 1)
    other.send(updateFrame(Y.encodeStateAsUpdate(doc)))
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('fine')).toBe(1))
    expect(server.rooms.peek('acme')?.doc.getMap('m').has('k0')).toBe(false)
  })

  it('never drops what came from storage: a stored orphan stays pending until a client fills the gap', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    // A stored update whose dependency is missing (as after a lost log record), larger than the cap.
    const [first, rest] = orphans(30, 10_000)
    const stored = Y.mergeUpdates(rest)
    const store = await suiteDocStore(data.dir)
    store.append('acme', stored)
    await store.close()

    const cap = 64 * 1024
    const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'], maxPendingBytes: cap })
    cleanups.push(() => server.close())
    // An honest editor is not blamed for the stored pending data (already over the cap).
    const honest = await raw(server)
    const honestDoc = new Y.Doc()
    honestDoc.getMap('n').set('honest', 1)
    honest.send(updateFrame(Y.encodeStateAsUpdate(honestDoc)))
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('n').get('honest')).toBe(1))
    expect(pendingBytes(server)).toBeGreaterThan(cap)
    const flooder = await raw(server)
    const gone = closed(flooder)
    const [, flood] = orphans(20, 10_000)
    for (const u of flood) flooder.send(updateFrame(u))
    expect((await gone).code).toBe(CloseCode.MissingDependencies)
    // The stored orphan is still there (over the cap on its own), the flooder's part is not.
    expect(pendingBytes(server)).toBeGreaterThanOrEqual(stored.length - 1024)
    expect(pendingBytes(server)).toBeLessThan(stored.length + 20 * 10_000)

    expect(honest.readyState).toBe(WebSocket.OPEN)

    // A client that has the missing edit sends it: everything stored integrates.
    const healer = await raw(server)
    healer.send(updateFrame(first))
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('k29')).toBe('x'.repeat(10_000)))
    expect(pendingBytes(server)).toBe(0)
  })
})
