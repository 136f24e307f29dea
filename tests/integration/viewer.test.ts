/**
 * Viewers through the raw y-websocket protocol: their document updates are dropped by the server
 * (not applied, not broadcast, not stored), while their presence still reaches everyone.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { encodeMessage } from '../../server/sync/Room.ts'
import { MessageType } from '../../shared/protocol.ts'
import { addMember, createUser, login } from '../helpers/auth.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, opened, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { barrier, connectClient, whenSynced } from '../helpers/yclient.ts'

async function withViewer(): Promise<{
  server: TestServer
  viewerCookie: string
  data: ReturnType<typeof tempDataDir>
}> {
  const data = tempDataDir()
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
  afterTest(() => data.remove())
  afterTest(() => server.close())
  await createUser(server, server.cookie, { email: 'viewer@example.com' })
  await addMember(server, server.cookie, 'acme', 'viewer@example.com', 'viewer')
  return { server, viewerCookie: await login(server, 'viewer@example.com'), data }
}

function rawSocket(server: TestServer, cookie: string): WebSocket {
  const ws = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie } })
  afterTest(() => ws.terminate())
  return ws
}

/** Sends a sync step 1 on a raw socket and resolves with the server's answer to it (a step 2). */
function answered(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const dec = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(dec) !== MessageType.Sync) return
      if (decoding.readVarUint(dec) !== syncProtocol.messageYjsSyncStep2) return
      ws.off('message', onMessage)
      resolve()
    }
    ws.on('message', onMessage)
    ws.send(encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeSyncStep1(enc, new Y.Doc())))
  })
}

/** A valid update that would add `key` to the map `m`. */
function updateMessage(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('m').set(key, 'from the viewer')
  const update = Y.encodeStateAsUpdate(doc)
  return encodeMessage(MessageType.Sync, (enc) => {
    encoding.writeVarUint(enc, syncProtocol.messageYjsUpdate)
    encoding.writeVarUint8Array(enc, update)
  })
}

describe('a viewer on the raw protocol', () => {
  it('sends document updates that no other client receives and that are never stored', async () => {
    const { server, viewerCookie } = await withViewer()
    const editor = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie: server.cookie })
    afterTest(() => editor.destroy())
    await whenSynced(editor.provider)
    editor.doc.getMap('m').set('seed', 'by the owner')
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('seed')).toBe('by the owner'))
    const before = Y.encodeStateAsUpdate(server.rooms.peek('acme')!.doc)
    const received: unknown[] = []
    editor.doc.on('update', (_u: Uint8Array, origin: unknown) => received.push(origin))

    const viewer = rawSocket(server, viewerCookie)
    await opened(viewer)
    // Every sync message kind that carries an update: step 2 and a plain update.
    viewer.send(updateMessage('viewer-update'))
    const doc = new Y.Doc()
    doc.getMap('m').set('viewer-step2', 'x')
    viewer.send(
      encodeMessage(MessageType.Sync, (enc) => {
        encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2)
        encoding.writeVarUint8Array(enc, Y.encodeStateAsUpdate(doc))
      }),
    )
    // Barriers, not a sleep. The server handles one socket's messages in order, so once it answers
    // the viewer's next message its updates were handled; then a marker the editor sees proves that
    // nothing was broadcast to the editor before it.
    await answered(viewer)
    await barrier(wsUrl(server), 'acme', editor, { cookie: server.cookie })
    editor.doc.getMap('m').set('after', 'by the owner')
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('after')).toBe('by the owner'))

    expect(received.filter((origin) => origin !== editor.doc.clientID && origin !== null)).toEqual([])
    expect(editor.doc.getMap('m').has('viewer-update')).toBe(false)
    expect(editor.doc.getMap('m').has('viewer-step2')).toBe(false)
    const room = server.rooms.peek('acme')!.doc
    expect(room.getMap('m').has('viewer-update')).toBe(false)
    expect(room.getMap('m').has('viewer-step2')).toBe(false)
    expect(viewer.readyState).toBe(WebSocket.OPEN)

    // What is stored (read back after a restart) never had the viewer's updates.
    editor.destroy()
    viewer.terminate()
    const dataDir = server.config.dataDir
    await server.close()
    const again = await startTestServer({ dataDir, accounts: ['acme'] })
    afterTest(() => again.close())
    const reader = connectClient(wsUrl(again), 'acme', new Y.Doc(), { cookie: again.cookie })
    afterTest(() => reader.destroy())
    await whenSynced(reader.provider)
    expect(reader.doc.getMap('m').toJSON()).toEqual({ seed: 'by the owner', after: 'by the owner' })
    const restored = new Y.Doc()
    Y.applyUpdate(restored, before)
    restored.getMap('m').set('after', 'by the owner')
    expect(reader.doc.getMap('m').toJSON()).toEqual(restored.getMap('m').toJSON())
  })

  it('still shows their presence to the others', async () => {
    const { server, viewerCookie } = await withViewer()
    const editor = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie: server.cookie })
    afterTest(() => editor.destroy())
    await whenSynced(editor.provider)
    const viewerDoc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(viewerDoc)
    awareness.setLocalState({ note: '只读同事' })
    const viewer = rawSocket(server, viewerCookie)
    await opened(viewer)
    viewer.send(
      encodeMessage(MessageType.Awareness, (enc) =>
        encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, [viewerDoc.clientID])),
      ),
    )
    await eventually(() =>
      expect(editor.provider.awareness.getStates().get(viewerDoc.clientID)).toMatchObject({ note: '只读同事' }),
    )
  })

  it('with a real provider: edits stay local, the editor never sees them', async () => {
    const { server, viewerCookie } = await withViewer()
    const editor = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie: server.cookie })
    const viewer = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie: viewerCookie })
    afterTest(
      () => editor.destroy(),
      () => viewer.destroy(),
    )
    await Promise.all([whenSynced(editor.provider), whenSynced(viewer.provider)])
    editor.doc.getMap('m').set('a', 1)
    await eventually(() => expect(viewer.doc.getMap('m').get('a')).toBe(1))
    viewer.doc.getMap('m').set('b', 2)
    editor.doc.getMap('m').set('c', 3)
    await eventually(() => expect(viewer.doc.getMap('m').get('c')).toBe(3))
    // A barrier on the viewer's own socket: its presence sent after the edit reaches the editor
    // after anything the server relayed of that edit (one socket's messages are handled in order,
    // an accepted edit is relayed at once, presence in the next batch).
    viewer.provider.awareness.setLocalStateField('mark', 'after-b')
    await eventually(() => expect(editor.provider.awareness.getStates().get(viewer.doc.clientID)?.mark).toBe('after-b'))
    expect(server.rooms.peek('acme')?.doc.getMap('m').has('b')).toBe(false)
    expect(editor.doc.getMap('m').has('b')).toBe(false)
  })
})
