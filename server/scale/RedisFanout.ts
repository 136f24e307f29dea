/**
 * The fan-out between nodes over Redis pub/sub (docs/scale-out.md, "Fan-out between nodes").
 *
 * - One channel per room (`warroom:room:<accountId>`), subscribed while the room is loaded here.
 * - What this node accepts (its clients' updates, the server's own changes, its clients' presence
 *   batches) is framed at once as a {@link Frame}; the frames of one room made in one event-loop
 *   turn leave together at the end of that turn as **one** Redis message (their concatenation, a
 *   {@link decodeFrames batch}); other nodes apply them in order with a remote origin.
 * - Pub/sub never says a message was missed: each frame carries the sender's number for the room.
 *   A gap, a restarted sender, an update that depends on something never seen, a heartbeat whose
 *   state vector holds what this node lacks, a (re)subscription: the room **resyncs** — after one
 *   flush window (the sender's commit) it reads the stored state and applies it.
 * - Redis down: nothing is queued (publishes are dropped, their numbers still counted, so the
 *   others see the gap), `/healthz` says `fanout: down`, and on reconnect every room resyncs.
 */
import Redis from 'ioredis'
import * as Y from 'yjs'
import { type DocStore, RoomDataError } from '../storage/DocStore.ts'
import type { Room, RoomFanout } from '../sync/Room.ts'
import {
  CHANNEL_PREFIX,
  decodeFrames,
  decodeHeartbeat,
  encodeFrame,
  encodeHeartbeat,
  type Frame,
  FrameKind,
  roomChannel,
} from './frames.ts'

export interface FanoutOptions {
  redisUrl: string
  nodeId: string
  store: DocStore
  /** The store's flush window: a resync waits this (twice, plus a margin) for the sender's commit. */
  flushIntervalMs: number
  /** Heartbeat period per room (default 5 s); a node silent for three periods is gone. */
  heartbeatMs?: number
  log: (msg: string) => void
}

/** What this node knows of another node in one room. */
interface Sender {
  epoch: number
  seq: number
  lastHeard: number
  /** Not heard for three heartbeats (its presence dropped): when it speaks again, the room resyncs. */
  silent: boolean
}

interface Attached {
  room: Room
  senders: Map<string, Sender>
  resyncTimer: NodeJS.Timeout | null
  resyncRunning: boolean
  resyncAgain: boolean
}

export interface FanoutStatus {
  ok: boolean
  /** Rooms this node holds (and is subscribed for). */
  rooms: number
  since?: string
}

export interface FanoutStats {
  /** Redis messages published (each a batch of one room's frames of one event-loop turn). */
  published: number
  /** Frames sent (numbered), in those messages. */
  frames: number
  received: number
  /** Publishes made while Redis was unreachable (dropped, repaired by the others' resync). */
  dropped: number
  resyncs: number
  gaps: number
}

export class RedisFanout implements RoomFanout {
  readonly nodeId: string
  /** This process's start: a restarted node is a new epoch to the others. */
  readonly epoch = Date.now()
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly rooms = new Map<string, Attached>()
  /** This node's last frame number per room (kept after an unload, so numbers never repeat). */
  private readonly seqs = new Map<string, number>()
  private readonly heartbeatMs: number
  private readonly heartbeatTimer: NodeJS.Timeout
  private subReady = false
  private pubReady = false
  private everReady = false
  private downSince: Date | null = new Date()
  private closed = false
  private warnedDuplicate = false
  /** Frames of this event-loop turn waiting to leave, per room, in the order they were numbered. */
  private readonly outbox = new Map<string, Buffer[]>()
  private outboxScheduled = false
  readonly stats: FanoutStats = { published: 0, frames: 0, received: 0, dropped: 0, resyncs: 0, gaps: 0 }

  constructor(private readonly options: FanoutOptions) {
    this.nodeId = options.nodeId
    this.heartbeatMs = options.heartbeatMs ?? 5000
    const connection = {
      // Nothing waits for Redis: a publish while it is down fails at once (and is dropped).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      lazyConnect: false,
    }
    this.pub = new Redis(options.redisUrl, {
      ...connection,
      // Publishes of one event-loop turn leave in one write (one system call, not one each).
      enableAutoPipelining: true,
      connectionName: `warroom-pub-${this.nodeId}`,
    })
    // The subscriber queues its SUBSCRIBE commands until connected (and ioredis resubscribes on reconnect).
    this.sub = new Redis(options.redisUrl, {
      ...connection,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: `warroom-sub-${this.nodeId}`,
    })
    for (const [client, name] of [
      [this.pub, 'publisher'],
      [this.sub, 'subscriber'],
    ] as const) {
      client.on('error', (e: Error) => {
        if (!this.closed && (name === 'publisher' ? this.pubReady : this.subReady))
          options.log(`fan-out ${name}: ${e.message}`)
      })
      client.on('close', () => this.connectionLost(name))
      client.on('ready', () => this.connectionReady(name))
    }
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel, message))
    this.heartbeatTimer = setInterval(() => this.tick(), this.heartbeatMs)
    this.heartbeatTimer.unref()
  }

  /** Resolves once both connections are up (start-up waits for it, with a timeout). */
  ready(timeoutMs = 5_000): Promise<boolean> {
    if (this.pubReady && this.subReady) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs)
      const check = () => {
        if (this.pubReady && this.subReady) done(true)
      }
      const done = (ok: boolean) => {
        clearTimeout(timer)
        this.pub.off('ready', check)
        this.sub.off('ready', check)
        resolve(ok)
      }
      this.pub.on('ready', check)
      this.sub.on('ready', check)
    })
  }

  /** What `/healthz` reports. */
  status(): FanoutStatus {
    const ok = this.pubReady && this.subReady
    return ok
      ? { ok, rooms: this.rooms.size }
      : { ok, rooms: this.rooms.size, since: (this.downSince ?? new Date()).toISOString() }
  }

  private connectionLost(name: 'publisher' | 'subscriber') {
    const wasUp = this.pubReady && this.subReady
    if (name === 'publisher') this.pubReady = false
    else this.subReady = false
    if (wasUp && !this.closed) {
      this.downSince = new Date()
      this.options.log(`fan-out down (${name} lost its Redis connection): rooms are not shared until it is back`)
    }
  }

  private connectionReady(name: 'publisher' | 'subscriber') {
    if (name === 'publisher') this.pubReady = true
    else this.subReady = true
    if (!(this.pubReady && this.subReady) || this.closed) return
    const again = this.everReady
    this.everReady = true
    this.downSince = null
    if (!again) return
    // Whatever was published while we could not hear (or say) it: every room reads the store again,
    // and asks the others for their presence.
    this.options.log(`fan-out back: resynchronising ${this.rooms.size} room(s)`)
    for (const [name, attached] of this.rooms) {
      // The others missed what this node's clients did meanwhile (presence too); their numbering
      // tells this node what it missed of theirs.
      this.send(name, FrameKind.Hello, new Uint8Array(0))
      const presence = attached.room.localPresence()
      if (presence) this.send(name, FrameKind.Awareness, presence)
      this.sendHeartbeat(name, attached)
      this.scheduleResync(name, attached)
    }
  }

  /** Whether a room of this name is attached (subscribed to its channel; tests). */
  holds(name: string): boolean {
    return this.rooms.has(name)
  }

  // --- RoomFanout (called by Room) ---

  attach(room: Room) {
    if (this.closed) return
    const name = room.name
    const attached: Attached = { room, senders: new Map(), resyncTimer: null, resyncRunning: false, resyncAgain: false }
    this.rooms.set(name, attached)
    this.sub.subscribe(roomChannel(name)).then(
      () => {
        if (this.rooms.get(name) !== attached) return
        this.send(name, FrameKind.Hello, new Uint8Array(0))
        // What others accepted between our read of the store and the subscription is in the store
        // within one flush window: read it again then.
        this.scheduleResync(name, attached)
      },
      (e) => this.options.log(`[room ${name}] fan-out subscribe failed: ${String(e)}`),
    )
  }

  detach(room: Room) {
    const name = room.name
    const attached = this.rooms.get(name)
    if (!attached || attached.room !== room) return
    if (attached.resyncTimer) clearTimeout(attached.resyncTimer)
    this.rooms.delete(name)
    if (this.closed) return
    this.send(name, FrameKind.Bye, new Uint8Array(0))
    this.sub.unsubscribe(roomChannel(name)).catch(() => {})
  }

  update(room: Room, update: Uint8Array) {
    if (this.rooms.get(room.name)?.room === room) this.send(room.name, FrameKind.Update, update)
  }

  presence(room: Room, message: Uint8Array) {
    if (this.rooms.get(room.name)?.room === room) this.send(room.name, FrameKind.Awareness, message)
  }

  // --- sending ---

  private send(name: string, kind: FrameKind, payload: Uint8Array) {
    // Numbered even when it cannot be sent: the others see the gap and resync.
    const seq = (this.seqs.get(name) ?? 0) + 1
    this.seqs.set(name, seq)
    if (!this.pubReady) {
      this.stats.dropped++
      return
    }
    this.stats.frames++
    const frame = encodeFrame({ node: this.nodeId, epoch: this.epoch, seq, kind, payload })
    const queued = this.outbox.get(name)
    if (queued) queued.push(frame)
    else this.outbox.set(name, [frame])
    if (!this.outboxScheduled) {
      this.outboxScheduled = true
      // The end of this event-loop turn: every socket read of the turn has been handled, so a busy
      // room's frames leave in one message, and nothing waits longer than the turn it was made in.
      setImmediate(this.flushOutbox)
    }
  }

  /** One PUBLISH per room with frames this turn (ioredis's auto-pipelining then writes them all at once). */
  private readonly flushOutbox = () => {
    this.outboxScheduled = false
    for (const [name, frames] of this.outbox) {
      if (!this.pubReady) {
        this.stats.dropped += frames.length
        continue
      }
      this.stats.published++
      const message = frames.length === 1 ? frames[0]! : Buffer.concat(frames)
      this.pub.publish(roomChannel(name), message).catch(() => {
        this.stats.dropped += frames.length
      })
    }
    this.outbox.clear()
  }

  private sendHeartbeat(name: string, attached: Attached) {
    const room = attached.room
    if (room.destroyed) return
    this.send(
      name,
      FrameKind.Heartbeat,
      encodeHeartbeat({ stateVector: Y.encodeStateVector(room.doc), clients: room.localPresenceClients() }),
    )
  }

  /** Every heartbeat period: a heartbeat per room, and the presence of nodes gone silent dropped. */
  private tick() {
    if (this.closed) return
    const now = Date.now()
    for (const [name, attached] of this.rooms) {
      try {
        this.sendHeartbeat(name, attached)
      } catch (e) {
        // The heartbeat built the room's document first and its stored bytes are not one: the
        // room has closed its sockets (4503) and left the fan-out. Thrown out of this timer, the
        // error stopped the node (it did in tests/scale/fanout.test.ts).
        if (!(e instanceof RoomDataError)) this.options.log(`[room ${name}] fan-out heartbeat failed: ${String(e)}`)
        continue
      }
      for (const [node, sender] of attached.senders)
        if (!sender.silent && now - sender.lastHeard > 3 * this.heartbeatMs) {
          sender.silent = true
          attached.room.remotePresence.dropNode(node)
        }
    }
  }

  // --- receiving ---

  private onMessage(channel: Buffer, message: Buffer) {
    const channelName = channel.toString()
    if (!channelName.startsWith(CHANNEL_PREFIX)) return
    const name = channelName.slice(CHANNEL_PREFIX.length)
    const attached = this.rooms.get(name)
    if (!attached || attached.room.destroyed) return
    let frames: Frame[]
    let unreadable: unknown = null
    try {
      frames = decodeFrames(message)
    } catch (e) {
      frames = (e as { frames?: Frame[] }).frames ?? []
      unreadable = e
    }
    for (const frame of frames) this.receive(name, attached, frame)
    if (unreadable) {
      // The frames after the unreadable part are lost: the sender's next number shows the gap (and
      // a resync reads what they carried from the store).
      this.options.log(`[room ${name}] fan-out: a frame that cannot be read was ignored (${String(unreadable)})`)
    }
  }

  private receive(name: string, attached: Attached, frame: Frame) {
    if (attached.room.destroyed) return
    if (frame.node === this.nodeId) {
      if (frame.epoch !== this.epoch && !this.warnedDuplicate) {
        this.warnedDuplicate = true
        this.options.log(`fan-out: another process uses NODE_ID ${this.nodeId}; every node needs its own`)
      }
      return
    }
    this.stats.received++
    try {
      this.handleFrame(name, attached, frame)
    } catch (e) {
      this.options.log(`[room ${name}] fan-out: frame from ${frame.node} failed (${String(e)}); resynchronising`)
      this.scheduleResync(name, attached)
    }
  }

  private handleFrame(name: string, attached: Attached, frame: Frame) {
    const { room, senders } = attached
    const known = senders.get(frame.node)
    const now = Date.now()
    if (!known || known.epoch !== frame.epoch) {
      if (known) {
        // The node restarted: what it relayed before is gone, and it may have died mid-publish.
        room.remotePresence.dropNode(frame.node)
        this.scheduleResync(name, attached)
      }
      senders.set(frame.node, { epoch: frame.epoch, seq: frame.seq, lastHeard: now, silent: false })
    } else {
      if (frame.seq <= known.seq) return
      if (frame.seq > known.seq + 1) {
        this.stats.gaps++
        this.scheduleResync(name, attached)
      } else if (known.silent) this.scheduleResync(name, attached)
      known.seq = frame.seq
      known.lastHeard = now
      known.silent = false
    }
    switch (frame.kind) {
      case FrameKind.Update:
        if (!room.applyRemoteUpdate(frame.payload)) this.scheduleResync(name, attached)
        return
      case FrameKind.Awareness:
        room.remotePresence.apply(frame.node, frame.payload, (id) => room.hasLocalPresence(id))
        return
      case FrameKind.Heartbeat: {
        const hb = decodeHeartbeat(frame.payload)
        // Redis delivers a channel's messages in one order: by the sender's heartbeat we have
        // everything it had, unless something was lost.
        if (lacks(room.doc, Y.decodeStateVector(hb.stateVector))) this.scheduleResync(name, attached)
        room.remotePresence.retainNode(frame.node, new Set(hb.clients))
        return
      }
      case FrameKind.Hello: {
        const presence = room.localPresence()
        if (presence) this.send(name, FrameKind.Awareness, presence)
        this.sendHeartbeat(name, attached)
        return
      }
      case FrameKind.Bye:
        senders.delete(frame.node)
        room.remotePresence.dropNode(frame.node)
        return
    }
  }

  // --- resync ---

  /** Reads the room's stored state after the sender's commit and applies what this node lacks. */
  private scheduleResync(name: string, attached: Attached) {
    if (this.closed || this.rooms.get(name) !== attached) return
    if (attached.resyncRunning) {
      attached.resyncAgain = true
      return
    }
    if (attached.resyncTimer) return
    attached.resyncTimer = setTimeout(() => void this.resync(name, attached), this.resyncDelayMs)
    attached.resyncTimer.unref()
  }

  /** One flush window (twice, plus a margin for the commit itself). */
  get resyncDelayMs() {
    return 2 * this.options.flushIntervalMs + 50
  }

  private async resync(name: string, attached: Attached) {
    attached.resyncTimer = null
    if (this.closed || this.rooms.get(name) !== attached) return
    attached.resyncRunning = true
    this.stats.resyncs++
    try {
      const updates = await this.options.store.load(name)
      if (this.rooms.get(name) === attached && !attached.room.destroyed) attached.room.applyStoredState(updates)
    } catch (e) {
      this.options.log(`[room ${name}] fan-out resync failed (${String(e)}); trying again`)
      attached.resyncAgain = true
    } finally {
      attached.resyncRunning = false
    }
    if (attached.resyncAgain) {
      attached.resyncAgain = false
      this.scheduleResync(name, attached)
    }
  }

  /** Resolves once no resync is waiting or running (tests). */
  async settled(): Promise<void> {
    for (;;) {
      const busy = [...this.rooms.values()].some((a) => a.resyncTimer || a.resyncRunning)
      if (!busy) return
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  async close() {
    if (this.closed) return
    for (const [name, attached] of this.rooms) {
      if (attached.resyncTimer) clearTimeout(attached.resyncTimer)
      this.send(name, FrameKind.Bye, new Uint8Array(0))
    }
    // What this turn framed leaves before QUIT.
    this.flushOutbox()
    this.closed = true
    clearInterval(this.heartbeatTimer)
    this.rooms.clear()
    // QUIT lets the Byes go out first; a Redis that is down does not hold the shutdown up.
    await Promise.race([
      Promise.allSettled([this.pub.quit(), this.sub.quit()]),
      new Promise((r) => setTimeout(r, 500).unref()),
    ])
    this.pub.disconnect()
    this.sub.disconnect()
  }
}

/** Whether `doc` lacks anything of the state vector `other`. */
function lacks(doc: Y.Doc, other: Map<number, number>): boolean {
  const mine = Y.encodeStateVector(doc)
  const have = Y.decodeStateVector(mine)
  for (const [client, clock] of other) if ((have.get(client) ?? 0) < clock) return true
  return false
}
