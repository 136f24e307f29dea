import type { Socket } from 'node:net'
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
          const deflate = negotiatedDeflate(raw)
          conn = new SyncConnection(
            {
              send: (data) => corkedSend(raw, data),
              sendDeflated: deflate ? (payload) => corkedSendDeflated(raw, payload) : undefined,
              // ws's own pause: a paused TCP socket alone is resumed by ws when its parser drains.
              pause: () => raw.pause(),
              resume: () => raw.resume(),
              close: (code, reason) => {
                raw.close(code, reason)
                // A client that stopped reading never completes the closing handshake.
                setTimeout(() => raw.terminate(), 1000).unref()
              },
              get bufferedAmount() {
                return raw.bufferedAmount
              },
            },
            {
              readOnly: access.readOnly,
              maxBufferedBytes: config.maxBufferedBytes,
              identity: access.identity,
              inbound: {
                messagesPerSecond: config.socketMessagesPerSecond,
                bytesPerSecond: config.socketBytesPerSecond,
                maxQueuedBytes: config.maxQueuedBytes,
                maxFrameBytes: config.maxFrameBytes,
              },
            },
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
            // A socket we stopped reading (over its rates) cannot show us its pongs.
            if (!alive && !conn?.readingPaused) {
              log.warn('dropping a connection that missed its keep-alive')
              conn?.close(CloseCode.PolicyViolation, 'keep-alive timeout')
              raw.terminate()
              return
            }
            alive = false
            raw.ping()
          }, config.pingIntervalMs)
          roomReady = rooms.acquire(accountId)
          const c = conn
          roomReady.then(
            (r) => {
              room = r
              if (c.closed) return
              r.join(c)
              // Frames that arrived while the room loaded are handled now, in order.
              c.attach((data) => {
                try {
                  r.handleMessage(c, data)
                } catch (e) {
                  const code = e instanceof ProtocolError ? e.closeCode : CloseCode.InternalError
                  log.warn({ err: e, code }, 'closing the connection')
                  c.close(code, closeReason(e))
                }
              })
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
          c.receive(new Uint8Array(event.data as ArrayBuffer))
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

/** The TCP socket under a `ws` WebSocket (to cork it). */
function socketOf(raw: WebSocket): Socket | undefined {
  return (raw as unknown as { _socket?: Socket })._socket
}

/**
 * Sends are corked per socket until the end of the event loop's turn: everything a turn sends to
 * one client (the edits of every message handled in that turn, a presence batch) leaves in one
 * write instead of one system call per message.
 */
const corked = new Set<Socket>()
let uncorkScheduled = false

function corkedSend(raw: WebSocket, data: Uint8Array) {
  const socket = socketOf(raw)
  if (socket && !corked.has(socket) && !socket.destroyed) {
    socket.cork()
    corked.add(socket)
    if (!uncorkScheduled) {
      uncorkScheduled = true
      setImmediate(uncorkAll)
    }
  }
  // Never compressed by ws itself (a per-socket deflate of every message); presence batches are
  // compressed once per tick for every socket, see corkedSendDeflated.
  raw.send(data, { compress: false })
}

/**
 * Whether this socket negotiated permessage-deflate with a 32-KiB window for our messages (a client
 * may ask for a smaller one with server_max_window_bits: it then gets every message plain).
 */
function negotiatedDeflate(raw: WebSocket): boolean {
  const ext = raw.extensions
  if (!ext.includes('permessage-deflate')) return false
  const bits = /server_max_window_bits=(\d+)/.exec(ext)
  return !bits || Number(bits[1]) >= 15
}

/**
 * Writes `payload`, a message already compressed (Presence's deflateMessage), as one
 * permessage-deflate frame (FIN, RSV1, binary; servers do not mask): the same bytes for every
 * socket, instead of ws compressing the same batch once per socket. ws itself never compresses
 * (see corkedSend), so nothing of its own can be queued in front of this frame.
 */
function corkedSendDeflated(raw: WebSocket, payload: Uint8Array): boolean {
  const socket = socketOf(raw)
  if (!socket || socket.destroyed || raw.readyState !== raw.OPEN) return false
  if (!corked.has(socket)) {
    socket.cork()
    corked.add(socket)
    if (!uncorkScheduled) {
      uncorkScheduled = true
      setImmediate(uncorkAll)
    }
  }
  socket.write(deflateFrameHeader(payload.length))
  socket.write(payload)
  return true
}

function deflateFrameHeader(length: number): Buffer {
  const FIN_RSV1_BINARY = 0x80 | 0x40 | 0x02
  if (length < 126) return Buffer.from([FIN_RSV1_BINARY, length])
  if (length < 65536) {
    const h = Buffer.allocUnsafe(4)
    h[0] = FIN_RSV1_BINARY
    h[1] = 126
    h.writeUInt16BE(length, 2)
    return h
  }
  const h = Buffer.allocUnsafe(10)
  h[0] = FIN_RSV1_BINARY
  h[1] = 127
  h.writeBigUInt64BE(BigInt(length), 2)
  return h
}

function uncorkAll() {
  uncorkScheduled = false
  for (const socket of corked) socket.uncork()
  corked.clear()
}

/** The close reason for an error (at most 123 bytes on the wire). */
function closeReason(e: unknown): string {
  if (!(e instanceof ProtocolError)) return 'internal error'
  if (e.closeCode === CloseCode.ProtocolError) return 'malformed message'
  return Buffer.from(e.message).subarray(0, 120).toString()
}
