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
  /**
   * Sends `payload` as one compressed message (a permessage-deflate frame, RSV1 set: see
   * Presence's deflateMessage) when this socket negotiated the extension; false when it did not
   * (the caller sends the plain message instead).
   */
  sendDeflated?(payload: Uint8Array): boolean
  /**
   * Sends `head` followed by `body` as ONE message, without joining them first (a megabyte-sized
   * stored state goes out as it was read, behind the few bytes of its sync header). Without it
   * the caller joins them.
   */
  sendParts?(head: Uint8Array, body: Uint8Array): void
  /** Stop reading from the network (backpressure: the client's frames wait in its own buffers). */
  pause?(): void
  resume?(): void
}

/** Per-connection inbound limits (see {@link SyncConnection.receive}). */
export interface InboundLimits {
  /** Sustained messages per second; bursts of four seconds' worth pass at once. */
  messagesPerSecond: number
  /** Sustained bytes per second; bursts of four seconds' worth (at least one largest frame) pass at once. */
  bytesPerSecond: number
  /** Received bytes waiting to be handled (while the room loads, or over a rate) before reading pauses. */
  maxQueuedBytes: number
  /** Largest frame (the byte burst is never smaller). */
  maxFrameBytes: number
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
  /** Inbound rates and queue bound; none: unlimited (tests of the room alone). */
  inbound?: InboundLimits
}

/** A token bucket: `take` answers 0 when the tokens are there (and takes them), else the ms to wait. */
class TokenBucket {
  private tokens: number
  private last = performance.now()
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }
  take(n: number): number {
    const now = performance.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
    // A message larger than the burst passes once the bucket is full, leaving it in debt.
    if (this.tokens >= Math.min(n, this.burst)) {
      this.tokens -= n
      return 0
    }
    return Math.ceil(((Math.min(n, this.burst) - this.tokens) * 1000) / this.rate)
  }
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
/**
 * A presence batch is not queued behind this many bytes the socket has not sent yet: the client
 * is behind (its network or its own CPU); it gets everything current once it has caught up.
 */
export const PRESENCE_BACKLOG_BYTES = 256 * 1024
const EMPTY = new Uint8Array(0)

/** Received bytes waiting in every connection's queue (diagnostics: /healthz-style stats and tests). */
export const inboundQueue = { bytes: 0, highWater: 0 }

function queued(delta: number) {
  inboundQueue.bytes += delta
  if (inboundQueue.bytes > inboundQueue.highWater) inboundQueue.highWater = inboundQueue.bytes
}

export class SyncConnection {
  readonly id = nextId++
  readonly readOnly: boolean
  /** Awareness client ids this connection introduced; only it may change or remove them. */
  readonly awarenessClients = new Set<number>()
  closed = false
  private readonly closeListeners: (() => void)[] = []
  private handler: ((data: Uint8Array) => void) | null = null
  private readonly queue: Uint8Array[] = []
  private queueHead = 0
  private queuedBytes = 0
  private drainTimer: NodeJS.Timeout | null = null
  private paused = false
  private readonly messageBucket: TokenBucket | null
  private readonly byteBucket: TokenBucket | null

  constructor(
    private readonly socket: SyncSocket,
    readonly options: ConnectionOptions,
  ) {
    this.readOnly = options.readOnly ?? false
    const limits = options.inbound
    this.messageBucket = limits ? new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * 4) : null
    this.byteBucket = limits
      ? new TokenBucket(limits.bytesPerSecond, Math.max(limits.bytesPerSecond * 4, limits.maxFrameBytes))
      : null
  }

  /**
   * One frame from the network. Handled at once when the room is ready, the queue is empty and
   * the connection is within its rates; otherwise queued in order. Past `maxQueuedBytes`
   * waiting, or while over a rate, the socket stops reading, so a flood waits in the sender's
   * own buffers (and slows only the sender) instead of in the server's memory.
   */
  receive(data: Uint8Array) {
    if (this.closed) return
    if (this.handler && this.queueHead === this.queue.length && !this.drainTimer) {
      const wait = this.withinRates(data)
      if (wait === 0) {
        this.handler(data)
        return
      }
      // Over a rate: this frame and the ones after it wait their turn.
      this.queue.push(data)
      this.queuedBytes += data.length
      queued(data.length)
      this.drainTimer = setTimeout(() => this.drain(), wait)
      this.updateBackpressure()
      return
    }
    this.queue.push(data)
    this.queuedBytes += data.length
    queued(data.length)
    this.updateBackpressure()
  }

  /** The room is ready: handle what waited, then everything as it arrives. */
  attach(handler: (data: Uint8Array) => void) {
    this.handler = handler
    this.drain()
  }

  /** Whether reading is paused (over a rate, or the queue full): its pongs wait unread too. */
  get readingPaused() {
    return this.paused
  }

  /** Bytes received and not handled yet. */
  get queued() {
    return this.queuedBytes
  }

  private withinRates(data: Uint8Array): number {
    if (!this.messageBucket || !this.byteBucket) return 0
    const wait = this.messageBucket.take(1)
    if (wait > 0) return wait
    const byteWait = this.byteBucket.take(data.length)
    if (byteWait > 0) {
      // Give the message token back: nothing was handled.
      this.messageBucket.take(-1)
      return byteWait
    }
    return 0
  }

  private drain() {
    this.drainTimer = null
    while (this.handler && !this.closed && this.queueHead < this.queue.length) {
      const data = this.queue[this.queueHead]!
      const wait = this.withinRates(data)
      if (wait > 0) {
        this.drainTimer = setTimeout(() => this.drain(), wait)
        break
      }
      this.queue[this.queueHead++] = EMPTY
      this.queuedBytes -= data.length
      queued(-data.length)
      this.handler(data)
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0
      this.queueHead = 0
    }
    this.updateBackpressure()
  }

  private updateBackpressure() {
    const limit = this.options.inbound?.maxQueuedBytes ?? Number.POSITIVE_INFINITY
    // Pausing stops the socket, but frames already read still arrive: for a plain client that is at
    // most a frame and a chunk. A client that negotiated permessage-deflate can have hundreds of
    // compressed frames in one chunk, each inflated to up to maxFrameBytes: past the bound plus two
    // frames the connection is closed instead (it reconnects and syncs once the room is ready).
    const hardLimit = limit + 2 * (this.options.inbound?.maxFrameBytes ?? 0)
    if (this.queuedBytes > hardLimit && !this.closed) {
      this.close(CloseCode.PolicyViolation, 'too much sent while waiting: inbound queue over its bound')
      return
    }
    const shouldPause = !this.closed && (this.queuedBytes > limit || this.drainTimer !== null)
    if (shouldPause === this.paused) return
    this.paused = shouldPause
    if (shouldPause) this.socket.pause?.()
    else this.socket.resume?.()
  }

  /** The first presence batch this connection skipped while its socket was backed up (0: none). */
  private presenceSkippedFrom = 0
  /** Presence batches skipped so far (diagnostics, tests). */
  presenceSkipped = 0

  /**
   * A coalesced presence batch (number `seq`, see Presence): skipped while the socket still holds
   * {@link PRESENCE_BACKLOG_BYTES} unsent (the next batch supersedes it; document updates are
   * never skipped), and replaced by `catchUp(first skipped)` — every current state and the
   * removals since — once the socket has drained. A socket that negotiated permessage-deflate gets
   * `deflated()`, the batch compressed once for every such socket.
   */
  sendPresence(message: Uint8Array, seq: number, catchUp: (since: number) => Uint8Array, deflated?: () => Uint8Array) {
    if (this.closed) return
    if (this.socket.bufferedAmount >= PRESENCE_BACKLOG_BYTES) {
      if (this.presenceSkippedFrom === 0) this.presenceSkippedFrom = seq
      this.presenceSkipped++
      return
    }
    if (this.presenceSkippedFrom > 0) {
      const since = this.presenceSkippedFrom
      this.presenceSkippedFrom = 0
      this.send(catchUp(since))
      return
    }
    if (deflated && this.socket.sendDeflated && !this.overBuffer()) {
      try {
        if (this.socket.sendDeflated(deflated())) return
      } catch {
        this.close(CloseCode.InternalError, 'send failed')
        return
      }
    }
    this.send(message)
  }

  /** Past the send-buffer cap: the client is not reading, and is closed. */
  private overBuffer(): boolean {
    if (this.socket.bufferedAmount <= this.options.maxBufferedBytes) return false
    this.close(CloseCode.SlowConsumer, 'client is not reading: send buffer over the limit')
    return true
  }

  send(data: Uint8Array) {
    if (this.closed || this.overBuffer()) return
    try {
      this.socket.send(data)
    } catch {
      this.close(CloseCode.InternalError, 'send failed')
    }
  }

  /** One message made of `head` then `body` (see {@link SyncSocket.sendParts}). */
  sendParts(head: Uint8Array, body: Uint8Array) {
    if (this.closed || this.overBuffer()) return
    try {
      if (this.socket.sendParts) this.socket.sendParts(head, body)
      else {
        const joined = new Uint8Array(head.length + body.length)
        joined.set(head)
        joined.set(body, head.length)
        this.socket.send(joined)
      }
    } catch {
      this.close(CloseCode.InternalError, 'send failed')
    }
  }

  close(code: number, reason: string) {
    if (this.closed) return
    this.closed = true
    if (this.drainTimer) clearTimeout(this.drainTimer)
    this.drainTimer = null
    this.queue.length = 0
    queued(-this.queuedBytes)
    this.queuedBytes = 0
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
