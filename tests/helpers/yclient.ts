import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

/** A `ws` WebSocket class that sends these headers (a session cookie) with its handshake. */
export function webSocketWithHeaders(headers: Record<string, string>): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers })
    }
  } as unknown as typeof globalThis.WebSocket
}

/**
 * A real y-websocket client (its own Y.Doc and provider) against a test server; `cookie`
 * (`wr_session=…`, see tests/helpers/auth.ts) signs its socket in.
 */
export function connectClient(serverWsUrl: string, room: string, doc = new Y.Doc(), options: { cookie?: string } = {}) {
  const provider = new WebsocketProvider(serverWsUrl, room, doc, {
    WebSocketPolyfill: options.cookie
      ? webSocketWithHeaders({ cookie: options.cookie })
      : (WebSocket as unknown as typeof globalThis.WebSocket),
    // Clients in one test process would otherwise sync through BroadcastChannel, not the server.
    disableBc: true,
    resyncInterval: -1,
  })
  return { doc, provider, destroy: () => provider.destroy() }
}

export type Client = ReturnType<typeof connectClient>

export function whenSynced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return new Promise((resolve) => {
    const on = (synced: boolean) => {
      if (!synced) return
      provider.off('sync', on)
      resolve()
    }
    provider.on('sync', on)
  })
}

/** The document's full state, comparable across replicas. */
export const contentOf = (doc: Y.Doc) => {
  const m = doc.getMap('m').toJSON()
  const sorted = Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  )
  return JSON.stringify({ m: sorted, a: doc.getArray('a').toJSON() })
}

/**
 * A barrier instead of "wait, then check nothing happened": a second client announces a marker
 * (an awareness state) and this resolves once `observer` has seen it. The server sends a client
 * everything in order on its one socket, so whatever the server did before the marker — an update
 * it broadcast, or did not — has reached `observer` by then.
 */
export async function barrier(serverWsUrl: string, room: string, observer: Client, options: { cookie?: string } = {}) {
  const marker = connectClient(serverWsUrl, room, new Y.Doc(), options)
  const token = `barrier-${Math.random().toString(36).slice(2)}`
  try {
    await whenSynced(marker.provider)
    marker.provider.awareness.setLocalStateField('barrier', token)
    await new Promise<void>((resolve) => {
      const seen = () => {
        for (const state of observer.provider.awareness.getStates().values()) {
          if ((state as { barrier?: string }).barrier === token) {
            observer.provider.awareness.off('change', seen)
            resolve()
            return
          }
        }
      }
      observer.provider.awareness.on('change', seen)
      seen()
    })
  } finally {
    marker.destroy()
  }
}

/**
 * The barrier for "it does not come back" after a final close: y-websocket schedules its reconnect
 * attempt (a no-op once it gave up) when a socket closes, then emits 'closed' for a final code; a
 * timer as long as that backoff, queued right after it, fires after any reconnect has started
 * (timers fire in due order). Resolves with the close event.
 */
export function settledAfterFinalClose(provider: WebsocketProvider): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    provider.once('closed', (event: { code: number; reason: string }) => {
      const { wsUnsuccessfulReconnects, maxBackoffTime } = provider
      setTimeout(() => resolve(event), Math.min(2 ** wsUnsuccessfulReconnects * 100, maxBackoffTime))
    }),
  )
}
