import type { Hono } from 'hono'
import type { UpgradeWebSocket } from 'hono/ws'
import type { WebSocket } from 'ws'
import { CloseCode } from '../../shared/protocol.ts'
import type { ServerConfig } from '../config.ts'
import { validateAccountId } from '../http/accountId.ts'
import { RoomDataError, StorageUnavailableError } from '../storage/DocStore.ts'
import type { Room } from './Room.ts'
import type { RoomManager } from './RoomManager.ts'
import { type PresenceIdentity, ProtocolError, SyncConnection } from './SyncConnection.ts'

// @hono/node-ws reports socket errors as ErrorEvent, which Node 20 does not define globally.
globalThis.ErrorEvent ??= class ErrorEvent extends Event {
  readonly error: unknown
  readonly message: string
  constructor(type: string, init: { error?: unknown; message?: string } = {}) {
    super(type)
    this.error = init.error
    this.message = init.message ?? String(init.error ?? '')
  }
} as unknown as typeof globalThis.ErrorEvent

export interface SyncAccess {
  readOnly: boolean
  /**
   * Accept the upgrade, then close at once with this code (4401/4403/4404): a browser cannot
   * read the HTTP status of a refused upgrade, but it can read a close code.
   */
  refuse?: { code: number; reason: string }
  /** Told when the connection opens, with a way to close it; returns what to call when it ends. */
  track?: (close: (code: number, reason: string) => void) => () => void
  /** Who the connection is (read at each awareness update; see server/live/rewritePresence.ts). */
  identity?: () => PresenceIdentity
}

/**
 * `GET /sync/:accountId`: the WebSocket adapter between `ws` and the transport-free
 * sync core. Messages that arrive while the room loads are queued, so nothing is
 * answered before the stored state is in memory.
 */
export function mountSyncRoute(
  app: Hono,
  deps: {
    upgradeWebSocket: UpgradeWebSocket<WebSocket>
    rooms: RoomManager
    config: ServerConfig
    /** Runs before the upgrade; throws an HTTPException to refuse it. */
    authorize: (accountId: string, request: Request) => Promise<SyncAccess>
  },
) {
  const { rooms, config } = deps
  const syncLog = config.logger.child({ component: 'sync' })
  app.get(
    '/sync/:accountId',
    async (c, next) => {
      const accountId = c.req.param('accountId')
      // A malformed id is refused with 400 before the upgrade.
      validateAccountId(accountId)
      c.set('syncAccess' as never, (await deps.authorize(accountId, c.req.raw)) as never)
      await next()
    },
    deps.upgradeWebSocket((c) => {
      const accountId = c.req.param('accountId')!
      const access = c.get('syncAccess' as never) as SyncAccess
      let conn: SyncConnection | null = null
      let room: Room | null = null
      let released = false
      let pending: Promise<void> = Promise.resolve()
      let alive = true
      let pingTimer: NodeJS.Timeout | null = null
      let roomReady: Promise<Room> | null = null
      let untrack: (() => void) | undefined
      // Every line about this socket names the account and, once open, the connection.
      let log = syncLog.child({ accountId })

      const cleanup = () => {
        untrack?.()
        untrack = undefined
        if (pingTimer) clearInterval(pingTimer)
        pingTimer = null
        if (room && conn) room.leave(conn)
        if (roomReady && !released) {
          released = true
          roomReady.then(
            () => rooms.release(accountId),
            () => {},
          )
        }
      }

      return {
        onOpen(_event, ws) {
          const raw = ws.raw as WebSocket
          if (access.refuse) {
            raw.close(access.refuse.code, access.refuse.reason)
            return
          }
          conn = new SyncConnection(
            {
              send: (data) => raw.send(data),
              close: (code, reason) => {
                raw.close(code, reason)
                // A client that stopped reading never completes the closing handshake.
                setTimeout(() => raw.terminate(), 1000).unref()
              },
              get bufferedAmount() {
                return raw.bufferedAmount
              },
            },
            { readOnly: access.readOnly, maxBufferedBytes: config.maxBufferedBytes, identity: access.identity },
          )
          log = log.child({ connectionId: conn.id })
          log.info({ readOnly: access.readOnly }, 'connection opened')
          conn.onClose(cleanup)
          untrack = access.track?.((code, reason) => conn!.close(code, reason))
          if (conn.closed) return
          raw.on('pong', () => {
            alive = true
          })
          pingTimer = setInterval(() => {
            if (!alive) {
              log.warn('dropping a connection that missed its keep-alive')
              conn?.close(CloseCode.PolicyViolation, 'keep-alive timeout')
              raw.terminate()
              return
            }
            alive = false
            raw.ping()
          }, config.pingIntervalMs)
          roomReady = rooms.acquire(accountId)
          pending = roomReady.then(
            (r) => {
              room = r
              if (!conn!.closed) r.join(conn!)
            },
            (e) => {
              const unreadable = e instanceof RoomDataError
              log.error({ err: e }, 'room refused')
              if (e instanceof StorageUnavailableError) {
                conn!.close(CloseCode.StorageUnavailable, 'cannot save: storage failing')
                return
              }
              conn!.close(
                unreadable ? CloseCode.RoomUnavailable : CloseCode.InternalError,
                unreadable ? 'stored room data cannot be read' : 'room failed to load',
              )
            },
          )
        },
        onMessage(event) {
          const c = conn
          if (!c || c.closed) return
          alive = true
          if (typeof event.data === 'string') {
            c.close(CloseCode.UnsupportedData, 'text frames are not part of the protocol')
            return
          }
          const data = new Uint8Array(event.data as ArrayBuffer)
          pending = pending.then(() => {
            if (c.closed || !room) return
            try {
              room.handleMessage(c, data)
            } catch (e) {
              const code = e instanceof ProtocolError ? e.closeCode : CloseCode.InternalError
              log.warn({ err: e, code }, 'closing the connection')
              c.close(code, e instanceof ProtocolError ? 'malformed message' : 'internal error')
            }
          })
        },
        onClose(event) {
          if (conn) log.info({ code: event.code }, 'connection closed')
          if (conn && !conn.closed) {
            conn.closed = true
          }
          cleanup()
        },
        onError(event) {
          log.warn({ err: (event as ErrorEvent).error ?? event }, 'socket error')
        },
      }
    }),
  )
}
