import { constants, deflateRawSync } from 'node:zlib'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../shared/protocol.ts'
import type { SyncConnection } from './SyncConnection.ts'

/** One awareness client's last state, as relayed (after the server's rewrite). */
export interface PresenceEntry {
  clock: number
  /** The state's JSON text, exactly as it is relayed. */
  json: string
  /** The parsed state (what the rewrite saw last for this client id). */
  value: unknown
  owner: SyncConnection
}

/**
 * A room's presence (the y-protocols awareness states) kept by the server without a Y.Doc or an
 * `Awareness` instance: every incoming state is decoded and parsed once, and changes are
 * coalesced — per room, per tick, only the latest state of each client — into one encoded
 * message that every connection receives. The encoding is the y-protocols awareness update
 * (`[count] ([clientId] [clock] [state JSON])*`), so stock y-websocket clients read it.
 */
export class Presence {
  private readonly entries = new Map<number, PresenceEntry>()
  /** Clocks of removed clients, so that a late, older update does not bring them back. */
  private readonly removedClocks = new Map<number, number>()
  /** Changes since the last tick: client id → [clock, JSON text ('null' for a removal)]. */
  private readonly dirty = new Map<number, [number, string]>()
  private timer: NodeJS.Timeout | null = null
  /** When the next tick is due (performance.now ms): ticks keep their cadence (see {@link changed}). */
  private due = 0
  /** Every current state, encoded (join and query-awareness answers), until the next change. */
  private everything: Uint8Array | null = null
  /** Batches sent so far; a batch is numbered `seq` once sent. */
  private seq = 0
  /** Removed clients → the number of the batch that carries (or carried) the removal. */
  private readonly removedIn = new Map<number, number>()

  constructor(
    /** Coalescing period; 0 sends every change at once. */
    private readonly tickMs: number,
    /**
     * Sends batch number `seq` to everyone (see {@link catchUp} for whoever skipped some);
     * `deflated()` is the same message compressed once for every socket that negotiated
     * permessage-deflate ({@link deflateMessage}; computed on first use, then shared).
     */
    private readonly broadcast: (message: Uint8Array, seq: number, deflated: () => Uint8Array) => void,
    /** How many connections receive each batch (a big room ticks more slowly, see {@link period}). */
    private readonly audience: () => number = () => 0,
  ) {}

  /**
   * The tick: `tickMs`, stretched in rooms of more than about 140 people so that the presence
   * traffic (people × people × states per second) stays bounded — 70 ms (14 Hz) at 200, never
   * over {@link MAX_PRESENCE_PERIOD_MS} (12.5 Hz: every state still reaches everyone at ≥ 10 Hz
   * with a quarter to spare for a late tick).
   */
  private period(): number {
    return Math.max(this.tickMs, Math.min(MAX_PRESENCE_PERIOD_MS, Math.round(this.audience() * 0.35)))
  }

  get size() {
    return this.entries.size
  }

  /** Every current state, parsed (a copy). */
  // biome-ignore lint/suspicious/noExplicitAny: the same type as y-protocols' Awareness#getStates
  states(): Map<number, { [key: string]: any }> {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    return new Map([...this.entries].map(([id, e]) => [id, e.value as { [key: string]: any }]))
  }

  get(clientId: number): PresenceEntry | undefined {
    return this.entries.get(clientId)
  }

  /** The clock an incoming update has to beat (y-protocols' rule). */
  currentClock(clientId: number): number {
    return this.entries.get(clientId)?.clock ?? this.removedClocks.get(clientId) ?? 0
  }

  /** Whether an update with this clock and state (null: removal) replaces what is known. */
  accepts(clientId: number, clock: number, removal: boolean): boolean {
    const current = this.currentClock(clientId)
    return current < clock || (current === clock && removal && this.entries.has(clientId))
  }

  set(clientId: number, clock: number, json: string, value: unknown, owner: SyncConnection) {
    this.removedClocks.delete(clientId)
    this.removedIn.delete(clientId)
    this.entries.set(clientId, { clock, json, value, owner })
    this.changed(clientId, clock, json)
  }

  remove(clientId: number, clock?: number) {
    const entry = this.entries.get(clientId)
    const at = clock ?? (entry ? entry.clock + 1 : this.currentClock(clientId) + 1)
    this.entries.delete(clientId)
    this.removedClocks.set(clientId, at)
    this.removedIn.delete(clientId)
    this.removedIn.set(clientId, this.seq + 1)
    // Bounded: the oldest removals are forgotten first (Map keeps insertion order).
    if (this.removedClocks.size > 10_000) this.removedClocks.delete(this.removedClocks.keys().next().value!)
    if (this.removedIn.size > 10_000) this.removedIn.delete(this.removedIn.keys().next().value!)
    this.changed(clientId, at, 'null')
  }

  private changed(clientId: number, clock: number, json: string) {
    this.everything = null
    this.dirty.set(clientId, [clock, json])
    if (this.tickMs <= 0) this.flush()
    else if (!this.timer) {
      // The cadence holds: the next tick is one period after the previous one was due, not one
      // period after the first change that follows it (a busy room's ticks were stretched by the
      // flush itself and by the wait for that change: 70-ms ticks came every ~95 ms at 200 people).
      const now = performance.now()
      const period = this.period()
      // A tick more than a period late starts a new cadence (no burst of catch-up ticks).
      this.due = this.due + period > now ? this.due + period : now + period
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.due - now))
    }
  }

  /** Sends what changed since the last tick, once encoded, to every connection. */
  flush() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.dirty.size === 0) return
    const message = encodeStates(this.dirty.entries())
    this.dirty.clear()
    this.seq += 1
    let deflated: Uint8Array | null = null
    this.broadcast(message, this.seq, () => {
      deflated ??= deflateMessage(message)
      return deflated
    })
  }

  /**
   * For a connection that skipped the batches from number `since` on (its socket was backed up,
   * see SyncConnection.sendPresence): one message with every current state and every removal
   * since, so that it ends up where the others are.
   */
  catchUp(since: number): Uint8Array {
    const states: [number, [number, string]][] = []
    for (const [id, e] of this.entries) states.push([id, [e.clock, e.json]])
    for (const [id, seq] of this.removedIn)
      if (seq >= since && !this.entries.has(id)) states.push([id, [this.removedClocks.get(id) ?? 0, 'null']])
    return encodeStates(states)
  }

  /** One message with every current state (null when there is none). */
  encodeAll(): Uint8Array | null {
    if (this.entries.size === 0) return null
    this.everything ??= encodeStates(
      (function* (states: Map<number, PresenceEntry>) {
        for (const [id, e] of states) yield [id, [e.clock, e.json]] as [number, [number, string]]
      })(this.entries),
    )
    return this.everything
  }

  destroy() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.dirty.clear()
  }
}

/** The longest presence tick, however big the room (ms). */
export const MAX_PRESENCE_PERIOD_MS = 80

/**
 * A message as the payload of a permessage-deflate frame (RFC 7692): raw DEFLATE, sync-flushed,
 * without the trailing 00 00 ff ff. Compressed on its own (no earlier message is referenced), so
 * the same bytes are valid on every socket that negotiated the extension with a 32-KiB window,
 * whatever the client keeps of its context. A batch of 200 cursor states (~110 KB of JSON that
 * repeats its keys) shrinks about 5–20× for ~0.3 ms of CPU, once per tick instead of once per socket.
 */
export function deflateMessage(message: Uint8Array): Uint8Array {
  const out = deflateRawSync(message, { level: 1, finishFlush: constants.Z_SYNC_FLUSH })
  return out.subarray(0, out.length - 4)
}

function encodeStates(entries: Iterable<[number, [number, string]]>): Uint8Array {
  const list = [...entries]
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, list.length)
  for (const [clientId, [clock, json]] of list) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, json)
  }
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.Awareness)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}
