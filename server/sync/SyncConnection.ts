import { CloseCode } from '../../shared/protocol.ts'
import type { PresenceContext } from '../live/rewritePresence.ts'

export type PresenceIdentity = Omit<PresenceContext, 'now'>

/**
 * The transport-independent side of one client connection. A transport adapter
 * (today the WebSocket route) implements {@link SyncSocket}; the room never sees `ws`.
 */
export interface SyncSocket {
  send(data: Uint8Array): void
  close(code: number, reason: string): void
  /** Bytes queued for sending but not yet handed to the network. */
  readonly bufferedAmount: number
}

export interface ConnectionOptions {
  /** Document updates from this connection are dropped (viewers). */
  readOnly?: boolean
  /** Send-buffer cap: a client that stops reading is disconnected past it. */
  maxBufferedBytes: number
  /** Awareness client ids one connection may own. */
  maxAwarenessClients?: number
  /** Who is connected (read at each awareness update): the server rewrites their awareness from it. */
  identity?: () => PresenceIdentity
}

/** Raised while handling a message that is not valid y-websocket protocol. */
export class ProtocolError extends Error {
  constructor(
    readonly closeCode: number,
    message: string,
  ) {
    super(message)
    this.name = 'ProtocolError'
  }
}

let nextId = 1

export class SyncConnection {
  readonly id = nextId++
  readonly readOnly: boolean
  /** Awareness client ids this connection introduced; only it may change or remove them. */
  readonly awarenessClients = new Set<number>()
  closed = false
  private readonly closeListeners: (() => void)[] = []

  constructor(
    private readonly socket: SyncSocket,
    readonly options: ConnectionOptions,
  ) {
    this.readOnly = options.readOnly ?? false
  }

  send(data: Uint8Array) {
    if (this.closed) return
    if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, 'client is not reading: send buffer over the limit')
      return
    }
    try {
      this.socket.send(data)
    } catch {
      this.close(CloseCode.InternalError, 'send failed')
    }
  }

  close(code: number, reason: string) {
    if (this.closed) return
    this.closed = true
    try {
      this.socket.close(code, reason)
    } catch {
      // The socket is already gone; nothing more to tell the client.
    }
    for (const listener of this.closeListeners) listener()
  }

  onClose(listener: () => void) {
    this.closeListeners.push(listener)
  }
}
