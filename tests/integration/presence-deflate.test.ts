/**
 * Presence batches compressed once per tick (issue 11): a socket that negotiated permessage-deflate
 * (browsers and `ws` offer it) receives each batch as one compressed frame, the same bytes for every
 * such socket; a socket that did not gets the same batch plain. Both are stock y-websocket clients
 * over real sockets, and both end up with the same states.
 */
import type { Socket } from 'node:net'
import * as decoding from 'lib0/decoding'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { awarenessFrame, MSG_AWARENESS, readAwarenessHeads, syncStep1 } from '../../bench/load/protocol.ts'
import { inflated, RawWebSocket } from '../../bench/load/rawws.ts'
import { afterTest, describe, expect, test as it } from '../helpers/fixtures.ts'
import { eventually, wsUrl } from '../helpers/server.ts'
import { whenSynced } from '../helpers/yclient.ts'

/** A y-websocket client whose socket does not offer permessage-deflate. */
function plainClient(url: string, room: string, cookie: string) {
  const Plain = class extends WebSocket {
    constructor(u: string | URL, protocols?: string | string[]) {
      super(u, protocols, { headers: { cookie }, perMessageDeflate: false })
    }
  } as unknown as typeof globalThis.WebSocket
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: Plain,
    disableBc: true,
    resyncInterval: -1,
  })
  return { doc, provider, destroy: () => provider.destroy() }
}

const socketOf = (provider: WebsocketProvider) => (provider.ws as unknown as { _socket: Socket })._socket
const extensionsOf = (provider: WebsocketProvider) => (provider.ws as unknown as WebSocket).extensions

describe('presence batches over permessage-deflate', () => {
  it('go compressed to a socket that negotiated it and plain to one that did not, with the same states', async ({
    startServer,
    client,
  }) => {
    const server = await startServer({ accounts: ['acme'] })
    const [sender, deflating] = await Promise.all([client(server, 'acme'), client(server, 'acme')])
    const plain = plainClient(wsUrl(server), 'acme', server.cookie)
    afterTest(() => plain.destroy())
    await whenSynced(plain.provider)
    expect(extensionsOf(deflating.provider)).toContain('permessage-deflate')
    expect(extensionsOf(plain.provider)).toBe('')

    // A state of ~23 KB that compresses well (a long laser scribble's points, say).
    const points = Array.from({ length: 1000 }, (_, i) => ({ x: i % 50, y: 7, z: 0.5 }))
    const before = { deflating: socketOf(deflating.provider).bytesRead, plain: socketOf(plain.provider).bytesRead }
    sender.provider.awareness.setLocalState({ scribble: points })
    const size = JSON.stringify({ scribble: points }).length
    expect(size).toBeGreaterThan(20_000)

    const stateAt = (c: { provider: WebsocketProvider }) =>
      c.provider.awareness.getStates().get(sender.doc.clientID) as { scribble?: unknown; user?: unknown } | undefined
    await eventually(() => {
      expect(stateAt(deflating)?.scribble).toEqual(points)
      expect(stateAt(plain)?.scribble).toEqual(points)
    })
    // Both got the server's rewrite (the identity), identical.
    expect(stateAt(deflating)).toEqual(stateAt(plain))
    expect(stateAt(deflating)?.user).toBeDefined()

    const read = {
      deflating: socketOf(deflating.provider).bytesRead - before.deflating,
      plain: socketOf(plain.provider).bytesRead - before.plain,
    }
    // The plain socket read the whole state; the deflating one a fraction of it.
    expect(read.plain).toBeGreaterThan(size)
    expect(read.deflating).toBeLessThan(size / 5)
  })

  it("reach the benchmark's raw clients compressed, which inflate what they read and skip the rest", async ({
    startServer,
  }) => {
    const server = await startServer({ accounts: ['acme'] })
    const heads: number[] = []
    const raw = (read: boolean) =>
      new Promise<RawWebSocket>((resolve, reject) => {
        const ws: RawWebSocket = new RawWebSocket(
          `${wsUrl(server)}/acme`,
          { Cookie: server.cookie },
          {
            wants: () => read,
            onOpen: () => {
              ws.send(syncStep1(new Y.Doc()))
              resolve(ws)
            },
            onFrame: (payload) => {
              const d = decoding.createDecoder(payload)
              if (decoding.readVarUint(d) === MSG_AWARENESS)
                for (const h of readAwarenessHeads(d)) heads.push(h.clientId)
            },
            onClose: (code) => reject(new Error(`closed ${code}`)),
          },
          { deflate: true },
        )
      })
    const reader = await raw(true)
    const skipper = await raw(false)
    const sender = await raw(false)
    afterTest(
      () => reader.terminate(),
      () => skipper.terminate(),
      () => sender.terminate(),
    )
    expect([reader.deflate, skipper.deflate, sender.deflate]).toEqual([true, true, true])
    const frames = inflated.frames
    sender.send(awarenessFrame(4242, 1, JSON.stringify({ cursor: { x: 1, y: 2 }, note: 'n'.repeat(2000) })))
    await eventually(() => expect(heads).toContain(4242))
    expect(inflated.frames).toBeGreaterThan(frames)
  })
})
