import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { encodeMessage } from '../../server/sync/Room.ts'
import { MessageType } from '../../shared/protocol.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, opened, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { type Client, connectClient, contentOf, whenSynced } from '../helpers/yclient.ts'

/** Every account a test uses; the server starts signed in as an administrator who may open them. */
const ACCOUNTS = ['acme', 'globex']

async function setup(options: Parameters<typeof startTestServer>[0] | object = {}) {
  const data = tempDataDir()
  afterTest(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, accounts: ACCOUNTS, ...options })
  afterTest(() => server.close())
  return { data, server }
}

function client(server: TestServer, room: string): Client {
  const c = connectClient(wsUrl(server), room, undefined, { cookie: server.cookie })
  afterTest(() => c.destroy())
  return c
}

describe('live sync between real y-websocket providers', () => {
  it('two clients converge, both ways', async () => {
    const { server } = await setup()
    const a = client(server, 'acme')
    const b = client(server, 'acme')
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    a.doc.getMap('m').set('from-a', '张三')
    b.doc.getArray('a').push(['from-b'])
    await eventually(() => {
      expect(contentOf(a.doc)).toBe(contentOf(b.doc))
      expect(b.doc.getMap('m').get('from-a')).toBe('张三')
      expect(a.doc.getArray('a').toArray()).toEqual(['from-b'])
    })
  })

  it('rooms are isolated from each other', async () => {
    const { server } = await setup()
    const a = client(server, 'acme')
    const other = client(server, 'globex')
    await Promise.all([whenSynced(a.provider), whenSynced(other.provider)])
    a.doc.getMap('m').set('secret', 1)
    const probe = client(server, 'acme')
    await eventually(() => expect(probe.doc.getMap('m').get('secret')).toBe(1))
    expect(other.doc.getMap('m').get('secret')).toBeUndefined()
  })

  it('edits made offline on both sides merge when the connection returns', async () => {
    const { server } = await setup()
    const a = client(server, 'acme')
    const b = client(server, 'acme')
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])
    a.doc.getMap('m').set('shared', 'before')
    await eventually(() => expect(b.doc.getMap('m').get('shared')).toBe('before'))

    a.provider.disconnect()
    b.provider.disconnect()
    a.doc.getMap('m').set('offline-a', 1)
    a.doc.getArray('a').push(['a1'])
    b.doc.getMap('m').set('offline-b', 2)
    b.doc.getArray('a').push(['b1'])
    a.provider.connect()
    b.provider.connect()
    await eventually(() => {
      expect(contentOf(a.doc)).toBe(contentOf(b.doc))
      expect(a.doc.getMap('m').get('offline-b')).toBe(2)
      expect(b.doc.getMap('m').get('offline-a')).toBe(1)
      expect(a.doc.getArray('a').length).toBe(2)
    })
  })

  it('a restart keeps everything, including what was never compacted', async () => {
    const { data, server } = await setup({ compactLogBytes: 1 << 30 })
    const a = client(server, 'acme')
    await whenSynced(a.provider)
    for (let i = 0; i < 200; i++) a.doc.getArray('a').push([i])
    a.doc.getMap('m').set('name', '华东电网')
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getArray('a').length).toBe(200))
    const expected = contentOf(a.doc)
    a.destroy()
    await server.close()

    const again = await startTestServer({ dataDir: data.dir, accounts: ACCOUNTS })
    afterTest(() => again.close())
    const b = client(again, 'acme')
    await whenSynced(b.provider)
    expect(contentOf(b.doc)).toBe(expected)
  })

  it('unloads an empty room after the grace period, and reloads it intact', async () => {
    const { server } = await setup({ roomUnloadGraceMs: 50 })
    const a = client(server, 'acme')
    await whenSynced(a.provider)
    a.doc.getMap('m').set('k', 'v')
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('k')).toBe('v'))
    a.destroy()
    await eventually(() => expect(server.rooms.peek('acme')).toBeNull())
    const b = client(server, 'acme')
    await whenSynced(b.provider)
    expect(b.doc.getMap('m').get('k')).toBe('v')
  })

  it('awareness from one connection cannot set or remove another connection’s client ids', async () => {
    const { server } = await setup()
    const a = client(server, 'acme')
    a.provider.awareness.setLocalState({ note: 'alice' })
    await whenSynced(a.provider)
    await eventually(() =>
      expect(server.rooms.peek('acme')?.awareness.getStates().get(a.doc.clientID)).toMatchObject({ note: 'alice' }),
    )

    // A raw client claims alice's id and tries to overwrite, then remove, her presence.
    const spoof = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie: server.cookie } })
    afterTest(() => spoof.terminate())
    await opened(spoof)
    const { Awareness, encodeAwarenessUpdate } = await import('y-protocols/awareness')
    const fake = new Y.Doc()
    fake.clientID = a.doc.clientID
    const fakeAwareness = new Awareness(fake)
    fakeAwareness.setLocalState({ note: 'mallory' })
    fakeAwareness.setLocalState({ note: 'mallory', again: true })
    const frame = (update: Uint8Array) =>
      encodeMessage(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, update))
    spoof.send(frame(encodeAwarenessUpdate(fakeAwareness, [fake.clientID])))
    fakeAwareness.setLocalState(null)
    spoof.send(frame(encodeAwarenessUpdate(fakeAwareness, [fake.clientID])))
    // The spoofer's own id is accepted, proving its messages were processed.
    const own = new Y.Doc()
    const ownAwareness = new Awareness(own)
    ownAwareness.setLocalState({ note: 'mallory' })
    spoof.send(frame(encodeAwarenessUpdate(ownAwareness, [own.clientID])))
    await eventually(() =>
      expect(server.rooms.peek('acme')?.awareness.getStates().get(own.clientID)).toMatchObject({ note: 'mallory' }),
    )
    expect(server.rooms.peek('acme')?.awareness.getStates().get(a.doc.clientID)).toMatchObject({ note: 'alice' })
    fakeAwareness.destroy()
    ownAwareness.destroy()
  })
})
