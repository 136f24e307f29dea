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
              sendParts: (head, body) => corkedSendParts(raw, head, body),
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
                // What ws itself queued (nothing while it never compresses) and what the socket holds.
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

function cork(socket: Socket) {
  if (corked.has(socket)) return
  socket.cork()
  corked.add(socket)
  if (!uncorkScheduled) {
    uncorkScheduled = true
    setImmediate(uncorkAll)
  }
}

/**
 * The last message framed (a broadcast hands the same message to every socket of the room in a
 * row): its WebSocket frame is built once and the same bytes are written to each socket — one
 * write per socket instead of ws's header allocation and two writes per message per socket.
 */
let lastMessage: Uint8Array | null = null
let lastFrame: Buffer | null = null

function corkedSend(raw: WebSocket, data: Uint8Array) {
  const socket = socketOf(raw)
  if (!socket || socket.destroyed || raw.readyState !== raw.OPEN) {
    // Not open (or no socket to write to): ws decides (it drops a send after close).
    raw.send(data, { compress: false })
    return
  }
  cork(socket)
  if (data.length >= 65536) {
    // A full state or a big batch: not copied into a frame of its own.
    socket.write(frameOf(EMPTY, 0x80 | 0x02, data.length))
    socket.write(data)
    return
  }
  if (data !== lastMessage) {
    lastFrame = frameOf(data, 0x80 | 0x02)
    lastMessage = data
  }
  socket.write(lastFrame!)
}

const EMPTY = new Uint8Array(0)

/**
 * One message of `head` then `body` (a sync header and a stored state): the frame header and
 * `head` in one small buffer, then `body` as it is, uncopied.
 */
function corkedSendParts(raw: WebSocket, head: Uint8Array, body: Uint8Array) {
  const socket = socketOf(raw)
  if (!socket || socket.destroyed || raw.readyState !== raw.OPEN) {
    raw.send(Buffer.concat([head, body]), { compress: false })
    return
  }
  cork(socket)
  socket.write(frameOf(head, 0x80 | 0x02, head.length + body.length))
  if (body.length) socket.write(body)
}

/**
 * One unmasked WebSocket frame (servers do not mask): `first` is FIN, RSV and opcode; `length`
 * (when the payload is written separately) the payload's length.
 */
function frameOf(payload: Uint8Array, first: number, length = payload.length): Buffer {
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10
  const out = Buffer.allocUnsafe(head + payload.length)
  out[0] = first
  if (head === 2) out[1] = length
  else if (head === 4) {
    out[1] = 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = 127
    out.writeBigUInt64BE(BigInt(length), 2)
  }
  out.set(payload, head)
  return out
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
 * (see corkedSend), so nothing of its own can be queued in front of this frame; the frame is built
 * once per batch.
 */
let lastDeflated: Uint8Array | null = null
let lastDeflatedFrame: Buffer | null = null

function corkedSendDeflated(raw: WebSocket, payload: Uint8Array): boolean {
  const socket = socketOf(raw)
  if (!socket || socket.destroyed || raw.readyState !== raw.OPEN) return false
  cork(socket)
  if (payload !== lastDeflated) {
    lastDeflatedFrame = frameOf(payload, 0x80 | 0x40 | 0x02)
    lastDeflated = payload
  }
  socket.write(lastDeflatedFrame!)
  return true
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
