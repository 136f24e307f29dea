/**
 * Awareness floods (issue 12, item 7): one message with 50,000 client ids used to pass the
 * 4-ids-per-connection cap (every entry was checked before any id was recorded) and left 9 MB
 * of presence that every newcomer and every query received. Now: at most 8 entries per message
 * (more closes with PolicyViolation), ids counted one by one as they are admitted, states over
 * MAX_PRESENCE_BYTES dropped — while a real session (three tabs with 20 Hz cursors) is untouched.
 */
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { encodeMessage } from '../../server/sync/Room.ts'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { closed, eventually, opened, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function setup(options: object = {}) {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'], ...options })
  cleanups.push(() => server.close())
  return server
}

async function raw(server: TestServer): Promise<WebSocket> {
  const ws = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie: server.cookie } })
  cleanups.push(() => ws.terminate())
  await opened(ws)
  return ws
}

/** An awareness frame with these (clientId, state) entries, clock 1 each. */
function awarenessFrame(entries: [number, unknown][]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const [id, state] of entries) {
    encoding.writeVarUint(inner, id)
    encoding.writeVarUint(inner, 1)
    encoding.writeVarString(inner, JSON.stringify(state))
  }
  return encodeMessage(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner)))
}

const presenceOf = (server: TestServer) => server.rooms.peek('acme')?.awareness.getStates() ?? new Map()

describe('awareness floods', () => {
  it('one message with 50,000 client ids stores none of them and closes the connection', async () => {
    const server = await setup()
    const ws = await raw(server)
    const gone = closed(ws)
    const entries: [number, unknown][] = Array.from({ length: 50_000 }, (_, i) => [
      1_000_000 + i,
      { n: i, pad: 'x'.repeat(100) },
    ])
    ws.send(awarenessFrame(entries))
    expect((await gone).code).toBe(CloseCode.PolicyViolation)
    expect(presenceOf(server).size).toBe(0)

    // A newcomer gets no flood of presence, and the room works.
    const c = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    cleanups.push(() => c.destroy())
    await whenSynced(c.provider)
    expect(c.provider.awareness.getStates().size).toBe(1)
  })

  it('ids are counted as they are admitted: eight new ids in one message yield four', async () => {
    const server = await setup()
    const ws = await raw(server)
    ws.send(awarenessFrame(Array.from({ length: 8 }, (_, i) => [5000 + i, { i }] as [number, unknown])))
    await eventually(() => expect(presenceOf(server).size).toBe(4))
    // The connection stays open and may update the ids it holds.
    expect(ws.readyState).toBe(WebSocket.OPEN)
  })

  it('a state over MAX_PRESENCE_BYTES is dropped; the sender’s small states still pass', async () => {
    const server = await setup({ maxPresenceBytes: 4096 })
    const ws = await raw(server)
    ws.send(awarenessFrame([[7001, { big: 'x'.repeat(10_000) }]]))
    ws.send(awarenessFrame([[7002, { small: true }]]))
    await eventually(() => expect(presenceOf(server).get(7002)).toMatchObject({ small: true }))
    expect(presenceOf(server).has(7001)).toBe(false)
    expect(ws.readyState).toBe(WebSocket.OPEN)
  })

  it('carries a real session: three tabs with 20 Hz cursors, seen by another person, nobody closed', async () => {
    const server = await setup()
    const tabs = Array.from({ length: 3 }, () =>
      connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie }),
    )
    const watcher = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    for (const c of [...tabs, watcher]) cleanups.push(() => c.destroy())
    await Promise.all([...tabs, watcher].map((c) => whenSynced(c.provider)))
    const closes: number[] = []
    for (const c of tabs) c.provider.on('connection-close', (e) => closes.push(e?.code ?? 0))
    // Two seconds of cursor moves at 20 Hz from each tab, as the canvas publishes them.
    for (let step = 0; step < 40; step++) {
      for (const [k, c] of tabs.entries())
        c.provider.awareness.setLocalStateField('presence', { cursor: { x: step * 10, y: k }, step })
      await new Promise((r) => setTimeout(r, 50))
    }
    // A paste of a few hundred cards at once, in one transaction as tldraw makes it.
    tabs[0]!.doc.transact(() => {
      for (let i = 0; i < 300; i++) tabs[0]!.doc.getMap('m').set(`card${i}`, { title: `卡片${i}`, x: i, y: i })
    })
    await eventually(() => {
      const seen = watcher.provider.awareness.getStates()
      for (const c of tabs) expect(seen.get(c.doc.clientID)?.presence?.step).toBe(39)
      expect(watcher.doc.getMap('m').size).toBe(300)
    }, 10_000)
    expect(closes).toEqual([])
  })

  it("a departed client's id is not claimed by the peer that echoes its removal: the client gets its presence back when it returns", async () => {
    const server = await setup()
    const a = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    const b = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    cleanups.push(
      () => a.destroy(),
      () => b.destroy(),
    )
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    const idA = a.doc.clientID
    const idB = b.doc.clientID
    a.provider.awareness.setLocalStateField('cursor', { x: 0 })
    await eventually(() => expect(b.provider.awareness.getStates().get(idA)?.cursor).toEqual({ x: 0 }), 10_000)

    // A's connection drops. The server relays A's removal; B's y-websocket echoes it back (it
    // sends every awareness change it applies, whoever made it).
    a.provider.disconnect()
    await eventually(() => expect(b.provider.awareness.getStates().has(idA)).toBe(false), 10_000)
    // Barrier: B's next state reached the server, so the echo before it did too.
    b.provider.awareness.setLocalStateField('marker', 1)
    await eventually(() => expect(presenceOf(server).get(idB)?.marker).toBe(1), 10_000)

    // A comes back with the same awareness id (same provider, same document) and moves.
    a.provider.connect()
    await whenSynced(a.provider)
    for (let x = 1; x <= 3; x++) a.provider.awareness.setLocalStateField('cursor', { x })
    await eventually(() => expect(b.provider.awareness.getStates().get(idA)?.cursor).toEqual({ x: 3 }), 10_000)
    expect(presenceOf(server).get(idA)?.cursor).toEqual({ x: 3 })
  })
})
