import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { rewritePresence } from '../live/rewritePresence.ts'
import { RemotePresence } from '../scale/RemotePresence.ts'
import { type DocStore, RoomDataError } from '../storage/DocStore.ts'
import { Presence } from './Presence.ts'
import { ProtocolError, type SyncConnection } from './SyncConnection.ts'
import { isWellFormedUpdate } from './updateShape.ts'

/** Transaction origin of updates replayed from storage (not re-persisted). */
const STORAGE_ORIGIN = Symbol('storage')
/** Origin of updates another node accepted (server/scale): relayed and stored here, not published again. */
const REMOTE_ORIGIN = Symbol('remote')
/** Origin of a resync from the store (server/scale): relayed to this node's clients only. */
const RESYNC_ORIGIN = Symbol('resync')

/** How long a loaded room may wait for a reason to build its Y.Doc (see {@link Room.load}). */
const HYDRATE_AFTER_MS = 250

/** Sync step 2 carrying an empty update: `[messageSync, step2, length 2, 0 structs, 0 deletes]`. */
const EMPTY_STEP2 = Uint8Array.from([MessageType.Sync, syncProtocol.messageYjsSyncStep2, 2, 0, 0])

export interface RoomLimits {
  /** Presence coalescing period (ms); 0 relays every awareness change at once. */
  presenceTickMs: number
  /** Largest awareness state (JSON bytes) relayed; larger ones are dropped. */
  maxPresenceBytes: number
  /** Most entries one awareness message may carry (a client sends one: its own). */
  maxAwarenessEntries: number
  /** Bytes of updates waiting for missing dependencies one connection may leave behind. */
  maxPendingBytes: number
  /** Encoded size of the document past which edits are refused. */
  maxDocBytes: number
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  presenceTickMs: 50,
  maxPresenceBytes: 64 * 1024,
  maxAwarenessEntries: 8,
  maxPendingBytes: 4 * 1024 * 1024,
  maxDocBytes: 64 * 1024 * 1024,
}

export interface RoomOptions {
  /** Compact the log into a snapshot once it holds this many bytes. */
  compactLogBytes: number
  log: (msg: string) => void
  /** Called after every change to the document (for derived data such as the plan record). */
  onDocChanged?: (room: Room, update: Uint8Array) => void
  /** Called once the stored state is read, with the stored updates (derived data may copy them). */
  onLoaded?: (room: Room, updates: Uint8Array[]) => void
  limits?: Partial<RoomLimits>
  /** The fan-out to other nodes (multi-node mode, server/scale/); none on a single node. */
  fanout?: RoomFanout
  /**
   * The stored bytes passed the store's checks but are not a Yjs document (a buggy writer): the
   * room has closed its connections (4503) and must be dropped without a compaction or an unload
   * hook, so that nothing is written from its partial state and the stored data stays as it is.
   */
  onUnreadable?: (room: Room, error: RoomDataError) => void
}

/** What a room tells the fan-out between nodes (docs/scale-out.md, "Fan-out between nodes"). */
export interface RoomFanout {
  /** The room is loaded: start receiving what other nodes accept for it. */
  attach(room: Room): void
  /** The room is being destroyed. */
  detach(room: Room): void
  /** An update accepted on this node (a client's, or the server's own), as stored. */
  update(room: Room, update: Uint8Array): void
  /** A coalesced presence batch of this node's clients (an awareness message). */
  presence(room: Room, message: Uint8Array): void
}

/**
 * One account's live document: the Y.Doc, its presence, the connections, and the
 * y-websocket protocol spoken with each of them. Transport-independent.
 *
 * A room is handed out as soon as its stored bytes are read; the Y.Doc is built from them on
 * first use ({@link doc}) or on the next turn of the event loop. A client joining with an empty
 * state vector (a cold join) is answered from the stored bytes directly, without waiting for the
 * document, and so is every later full-state request until the document changes.
 */
export class Room {
  private readonly ydoc = new Y.Doc()
  private readonly presence: Presence
  readonly connections = new Set<SyncConnection>()
  private readonly limits: RoomLimits
  private compacting: Promise<void> | null = null
  /** The document changed since it was loaded (an unload then writes a snapshot; otherwise not). */
  changedSinceLoad = false
  /** Stored updates not yet applied to {@link ydoc} (null once it is built). */
  private unapplied: Uint8Array[] | null
  /** The stored updates as read, while the document has not changed since. */
  private fullState: Uint8Array[] | null
  /** The whole document as sync messages, each a header and its payload (see {@link sendFullState}), until it changes. */
  private fullStateMessages: [Uint8Array, Uint8Array][] | null = null
  /** Joins waiting for the document to send our sync step 1. */
  private step1Waiting: SyncConnection[] = []
  /** Upper bound of the document's encoded size: exact after a compaction, plus every update since. */
  private docBytes: number

  private constructor(
    readonly name: string,
    private readonly store: DocStore,
    private readonly options: RoomOptions,
    stored: Uint8Array[],
  ) {
    this.limits = { ...DEFAULT_ROOM_LIMITS, ...options.limits }
    this.presence = new Presence(
      this.limits.presenceTickMs,
      (message, seq, deflated) => {
        for (const conn of this.connections) conn.sendPresence(message, seq, this.catchUpPresence, deflated)
        options.fanout?.presence(this, message)
      },
      () => this.connections.size,
    )
    this.unapplied = stored
    this.fullState = stored.length ? stored : null
    this.docBytes = stored.reduce((n, u) => n + u.length, 0)
  }

  private readonly catchUpPresence = (since: number) => this.presence.catchUp(since)

  /** Reads the stored state; the document is built from it before anything can change it. */
  static async load(name: string, store: DocStore, options: RoomOptions): Promise<Room> {
    const updates = await store.load(name)
    const room = new Room(name, store, options, updates)
    options.onLoaded?.(room, updates)
    options.fanout?.attach(room)
    // Built when first needed (an edit, a returning client's state vector, the plan record), or
    // once the first joiners have had their answer from the stored bytes: building a 4,000-record
    // document takes tens of milliseconds that a joining client need not wait for.
    if (updates.length) setTimeout(() => room.hydrateOrFail(), HYDRATE_AFTER_MS).unref()
    else room.hydrate()
    return room
  }

  /** The room's Y.Doc, with everything stored applied. */
  get doc(): Y.Doc {
    this.hydrate()
    return this.ydoc
  }

  /** Whether the stored bytes turned out not to be a Yjs document (see {@link RoomOptions.onUnreadable}). */
  unreadable: RoomDataError | null = null

  /** The hydrate timer's way in: an error there would stop the process; it closes the room instead. */
  private hydrateOrFail() {
    try {
      this.hydrate()
    } catch {
      // hydrate() has closed the room; `unreadable` says why.
    }
  }

  private hydrate() {
    if (this.unreadable) throw this.unreadable
    const updates = this.unapplied
    if (!updates) return
    this.unapplied = null
    try {
      this.ydoc.transact(() => {
        for (const update of updates) Y.applyUpdate(this.ydoc, update)
      }, STORAGE_ORIGIN)
    } catch (e) {
      const error = new RoomDataError(this.name, `stored updates are not a document: ${String(e)}`)
      this.unreadable = error
      this.options.log(`[room ${this.name}] ${error.message}; closing its connections, the stored data is left alone`)
      for (const conn of [...this.connections]) conn.close(CloseCode.RoomUnavailable, 'stored room data cannot be read')
      this.options.onUnreadable?.(this, error)
      throw error
    }
    // Not 'update': with an 'update' listener Yjs re-encodes every transaction (about two thirds
    // of the cost of applying a client's edit); a client's own bytes are relayed instead.
    this.ydoc.on('afterTransaction', this.onAfterTransaction)
    const waiting = this.step1Waiting
    this.step1Waiting = []
    for (const conn of waiting) if (!conn.closed && this.connections.has(conn)) this.sendStep1(conn)
  }

  /** The client update being applied (its bytes are relayed and stored as they came). */
  private applying: { origin: unknown; changed: boolean; beforeState: Map<number, number> | null } | null = null

  private onAfterTransaction = (tr: Y.Transaction) => {
    if (tr.origin === STORAGE_ORIGIN || !transactionChanged(tr)) return
    const applying = this.applying
    if (applying && tr.origin === applying.origin) {
      applying.changed = true
      applying.beforeState ??= tr.beforeState
      return
    }
    // A change made on the server itself (votes, account fields): encoded from where it started.
    this.onDocUpdate(Y.encodeStateAsUpdate(this.ydoc, Y.encodeStateVector(tr.beforeState)), tr.origin)
  }

  /** An accepted change: persisted, relayed to everyone but its origin, and announced. */
  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    this.changedSinceLoad = true
    this.fullState = null
    this.fullStateMessages = null
    this.docBytes += update.length
    // Queued for the store's flush loop (no promise per update); failures reach RoomManager.
    // What a resync brought came from the store; what another node accepted is stored here too
    // (the store keeps one copy of identical bytes), so the stored log never depends on one node.
    if (origin !== RESYNC_ORIGIN) this.store.append(this.name, update)
    this.maybeCompact()
    const message = syncMessage(syncProtocol.messageYjsUpdate, update)
    for (const conn of this.connections) if (conn !== origin) conn.send(message)
    if (origin !== REMOTE_ORIGIN && origin !== RESYNC_ORIGIN) this.options.fanout?.update(this, update)
    this.options.onDocChanged?.(this, update)
  }

  private maybeCompact() {
    if (this.compacting || this.store.pendingLogBytes(this.name) < this.options.compactLogBytes) return
    void this.compact()
  }

  /**
   * Writes the whole state as a snapshot and retires the log (one compaction at a time). The
   * state is handed over lazily: a store may rebuild a big room's state from what it stored,
   * off the event loop, instead of asking for it (FileDocStore does above 1 MiB). Either way
   * the size estimate for the document cap becomes exact again: the stored state's length plus
   * every update accepted after the state was captured.
   */
  compact(): Promise<void> {
    // Nothing is written from a room whose stored bytes could not be applied.
    if (this.unreadable) return Promise.resolve()
    if (this.compacting) return this.compacting
    const atCapture = this.docBytes
    let encoded: number | null = null
    const state = () => {
      const s = Y.encodeStateAsUpdate(this.doc)
      encoded = s.length
      return s
    }
    this.compacting = this.store
      .compact(this.name, state)
      .then((rebuilt) => {
        const exact = encoded ?? (typeof rebuilt === 'number' ? rebuilt : null)
        if (exact !== null) this.docBytes = exact + (this.docBytes - atCapture)
      })
      .catch((e) => this.options.log(`[room ${this.name}] compaction failed: ${String(e)}`))
      .finally(() => {
        this.compacting = null
      })
    return this.compacting
  }

  /** Upper bound of the document's encoded size, as the size cap sees it (tests, diagnostics). */
  get docSizeEstimate(): number {
    return this.docBytes
  }

  /** Starts the protocol with a new connection: our sync step 1 and the current presence. */
  join(conn: SyncConnection) {
    this.connections.add(conn)
    if (this.unapplied) this.step1Waiting.push(conn)
    else this.sendStep1(conn)
    const everyone = this.presence.encodeAll()
    if (everyone) conn.send(everyone)
    const remote = this.remotePresence.encodeAll()
    if (remote) conn.send(remote)
  }

  private sendStep1(conn: SyncConnection) {
    conn.send(encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeSyncStep1(enc, this.ydoc)))
  }

  /** A read-only view of the presence states, shaped like y-protocols' `Awareness` (tests, diagnostics). */
  // biome-ignore lint/suspicious/noExplicitAny: the same type as y-protocols' Awareness#getStates
  get awareness(): { getStates(): Map<number, { [key: string]: any }> } {
    return { getStates: () => new Map([...this.remotePresence.states(), ...this.presence.states()]) }
  }

  leave(conn: SyncConnection) {
    if (!this.connections.delete(conn)) return
    for (const clientId of conn.awarenessClients)
      if (this.presence.get(clientId)?.owner === conn) this.presence.remove(clientId)
  }

  /**
   * Handles one binary message. Throws {@link ProtocolError} for anything that is not
   * valid protocol; nothing is applied in that case.
   */
  handleMessage(conn: SyncConnection, data: Uint8Array) {
    const decoder = decoding.createDecoder(data)
    const type = readUintOrFail(decoder)
    switch (type) {
      case MessageType.Sync:
        this.handleSync(conn, decoder)
        return
      case MessageType.Awareness:
        this.handleAwareness(
          conn,
          readOrFail(() => decoding.readVarUint8Array(decoder)),
        )
        return
      case MessageType.QueryAwareness: {
        const everyone = this.presence.encodeAll()
        if (everyone) conn.send(everyone)
        const remote = this.remotePresence.encodeAll()
        if (remote) conn.send(remote)
        return
      }
      default:
        throw new ProtocolError(CloseCode.ProtocolError, `unknown message type ${type}`)
    }
  }

  private handleSync(conn: SyncConnection, decoder: decoding.Decoder) {
    const syncType = readUintOrFail(decoder)
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        const stateVector = readOrFail(() => decoding.readVarUint8Array(decoder))
        const known = readOrFail(() => Y.decodeStateVector(stateVector))
        if (known.size === 0) this.sendFullState(conn)
        else
          conn.send(encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeSyncStep2(enc, this.doc, stateVector)))
        return
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = readBytesOrFail(decoder)
        // Read the whole update before applying any of it: a malformed one changes nothing. Walked
        // without building it (Y.decodeUpdate built every struct and value: garbage at once).
        if (!isWellFormedUpdate(update))
          throw new ProtocolError(CloseCode.ProtocolError, 'malformed message: not a Yjs update')
        if (conn.readOnly) return
        this.applyClientUpdate(conn, update)
        return
      }
      default:
        throw new ProtocolError(CloseCode.ProtocolError, `unknown sync message type ${syncType}`)
    }
  }

  /**
   * Everything, for a client that has nothing (a first join): the stored bytes as they were read
   * while nothing changed, otherwise the state encoded once; the messages are reused until the
   * next change. Each goes out as its sync header and the stored (or encoded) bytes themselves,
   * never copied into a message of their own (a megabyte per cold join).
   */
  private sendFullState(conn: SyncConnection) {
    this.fullStateMessages ??= fullStateMessages(this.fullState ?? [Y.encodeStateAsUpdate(this.doc)])
    for (const [head, body] of this.fullStateMessages) conn.sendParts(head, body)
  }

  /**
   * Applies an editor's update within the room's limits: the document size cap (refused before
   * anything is applied) and the pending cap (structs whose dependencies the server never saw:
   * what this update added to them is dropped again and the connection closed; what came from
   * storage stays).
   */
  private applyClientUpdate(conn: SyncConnection, update: Uint8Array) {
    const doc = this.doc
    if (this.docBytes + update.length > this.limits.maxDocBytes) {
      // The estimate only grows between compactions: measure before refusing.
      this.docBytes = Y.encodeStateAsUpdate(doc).length
      if (this.docBytes + update.length > this.limits.maxDocBytes)
        throw new ProtocolError(
          CloseCode.DocumentTooLarge,
          `document size limit reached (${this.limits.maxDocBytes} bytes); the edit was not saved`,
        )
    }
    const store = doc.store
    // Yjs merges into the pending object in place: keep a copy to go back to.
    const pendingBefore = store.pendingStructs
      ? { missing: new Map(store.pendingStructs.missing), update: store.pendingStructs.update }
      : null
    const pendingDsBefore = store.pendingDs
    const before = pendingSize(pendingBefore, pendingDsBefore)
    const applying: NonNullable<Room['applying']> = { origin: conn, changed: false, beforeState: null }
    this.applying = applying
    try {
      Y.applyUpdate(doc, update, conn)
    } finally {
      this.applying = null
    }
    const after = pendingSize(store.pendingStructs, store.pendingDs)
    if (after > before && after > this.limits.maxPendingBytes) {
      store.pendingStructs = pendingBefore
      store.pendingDs = pendingDsBefore
      // What did integrate is kept (stored and relayed); the bytes that came also hold what was dropped.
      if (applying.changed)
        this.onDocUpdate(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(applying.beforeState!)), conn)
      throw new ProtocolError(
        CloseCode.MissingDependencies,
        'too many updates depend on data the server does not have; reconnect to resynchronise',
      )
    }
    // Also an update that only waits for missing data: it is kept, so it must be stored and relayed.
    if (applying.changed || after > before) this.onDocUpdate(update, conn)
  }

  /**
   * An update another node accepted: applied, relayed to this node's clients and stored, as the
   * same bytes (no size cap: it is already accepted elsewhere). Returns false when part of it waits
   * for data this node never saw (a message was missed: the caller resyncs).
   */
  applyRemoteUpdate(update: Uint8Array): boolean {
    const doc = this.doc
    const store = doc.store
    const before = pendingSize(store.pendingStructs, store.pendingDs)
    const applying: NonNullable<Room['applying']> = { origin: REMOTE_ORIGIN, changed: false, beforeState: null }
    this.applying = applying
    try {
      Y.applyUpdate(doc, update, REMOTE_ORIGIN)
    } finally {
      this.applying = null
    }
    const after = pendingSize(store.pendingStructs, store.pendingDs)
    if (applying.changed || after > before) this.onDocUpdate(update, REMOTE_ORIGIN)
    return after <= before
  }

  /**
   * The stored state, read again after a missed message: whatever this node lacked is applied and
   * relayed to its clients (Yjs skips the rest); nothing is stored or published again.
   */
  applyStoredState(updates: Uint8Array[]) {
    const doc = this.doc
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update)
    }, RESYNC_ORIGIN)
  }

  /** Presence of other nodes' clients (server/scale), kept apart from this node's own. */
  readonly remotePresence = new RemotePresence((message) => {
    for (const conn of this.connections) conn.send(message)
  })

  /** The awareness states of this node's own clients, as one message (null: none). */
  localPresence(): Uint8Array | null {
    return this.presence.encodeAll()
  }

  /** The awareness client ids of this node's own clients. */
  localPresenceClients(): number[] {
    return [...this.presence.states().keys()]
  }

  /** Whether one of this node's clients holds this awareness client id. */
  hasLocalPresence(clientId: number): boolean {
    return this.presence.get(clientId) !== undefined
  }

  private handleAwareness(conn: SyncConnection, payload: Uint8Array) {
    const decoder = decoding.createDecoder(payload)
    const count = readOrFail(() => decoding.readVarUint(decoder))
    if (count > this.limits.maxAwarenessEntries)
      throw new ProtocolError(CloseCode.PolicyViolation, `awareness message with ${count} entries`)
    // Identity, role and spotlight come from the session, not from the client (server/live/).
    const identity = conn.options.identity?.()
    const now = Date.now()
    for (let i = 0; i < count; i++) {
      const [clientId, clock, json, bytes] = readOrFail(() => {
        const id = decoding.readVarUint(decoder)
        const c = decoding.readVarUint(decoder)
        const start = decoder.pos
        const text = decoding.readVarString(decoder)
        return [id, c, text, decoder.pos - start] as const
      })
      // Another node's client, as this node relayed it, echoed back by a client: not its to claim.
      if (!conn.awarenessClients.has(clientId) && this.remotePresence.isEcho(clientId, clock, json)) continue
      // An echo of what the room already has (a peer relaying back a departed client's removal or
      // last state) claims nothing: the id stays free for its owner's return.
      if (!conn.awarenessClients.has(clientId) && (json === 'null' || !this.presence.accepts(clientId, clock, false)))
        continue
      // Ids are admitted one at a time, so the per-connection cap counts every one of them.
      if (!this.mayUseAwarenessClient(conn, clientId)) continue
      conn.awarenessClients.add(clientId)
      if (bytes > this.limits.maxPresenceBytes) continue
      const value = readOrFail(() => JSON.parse(json) as unknown)
      const removal = value === null
      if (!this.presence.accepts(clientId, clock, removal)) continue
      if (removal) {
        this.presence.remove(clientId, clock)
        continue
      }
      // A client that moved here from another node is this node's now (and keeps its spotlight's `since`).
      const remotePrevious = this.remotePresence.claim(clientId)
      const previous = this.presence.get(clientId)?.value ?? remotePrevious
      const rewritten = identity ? rewritePresence(value, { ...identity, now }, previous) : value
      this.presence.set(clientId, clock, identity ? JSON.stringify(rewritten) : json, rewritten, conn)
    }
  }

  /** A connection may set or remove only its own client ids (first come, while connected). */
  private mayUseAwarenessClient(conn: SyncConnection, clientId: number): boolean {
    if (conn.awarenessClients.has(clientId)) return true
    if (clientId === this.ydoc.clientID) return false
    for (const other of this.connections) if (other !== conn && other.awarenessClients.has(clientId)) return false
    return conn.awarenessClients.size < (conn.options.maxAwarenessClients ?? 4)
  }

  /** Whether the room was destroyed (without building its document). */
  get destroyed(): boolean {
    return this.ydoc.isDestroyed
  }

  destroy() {
    this.options.fanout?.detach(this)
    this.remotePresence.destroy()
    this.ydoc.off('afterTransaction', this.onAfterTransaction)
    this.presence.destroy()
    this.unapplied = null
    this.fullState = null
    this.fullStateMessages = null
    this.ydoc.destroy()
  }
}

/**
 * Updates as sync messages, each as its header and the update itself: all but the last as updates,
 * the last as sync step 2 (the client is then synced).
 */
function fullStateMessages(parts: Uint8Array[]): [Uint8Array, Uint8Array][] {
  if (parts.length === 0) return [[EMPTY_STEP2, EMPTY]]
  return parts.map((part, i) => [
    syncHeader(i === parts.length - 1 ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate, part.length),
    part,
  ])
}

const EMPTY = new Uint8Array(0)

/** `[messageSync][syncType][length]`: what precedes a payload of `length` bytes in a sync message. */
function syncHeader(syncType: number, length: number): Uint8Array {
  const out = new Uint8Array(syncHeaderLength(length))
  writeSyncHeader(out, syncType, length)
  return out
}

/** The bytes of a sync header before a `length`-byte payload: both type numbers, then the length's varuint. */
function syncHeaderLength(length: number): number {
  let head = 3
  for (let n = length; n > 127; n = Math.floor(n / 128)) head++
  return head
}

/** Writes the sync header of a `length`-byte payload at the start of `out`; returns its length. */
function writeSyncHeader(out: Uint8Array, syncType: number, length: number): number {
  // Both type numbers are below 128 (one varuint byte each); the length is a varuint.
  out[0] = MessageType.Sync
  out[1] = syncType
  let p = 2
  let n = length
  for (; n > 127; n = Math.floor(n / 128)) out[p++] = 128 | (n & 127)
  out[p] = n
  return p + 1
}

/**
 * `[messageSync][syncType][length][bytes]` in one allocation and one copy (a lib0 encoder copies
 * a megabyte-sized stored state twice: into its growing buffer, then into the result; and every
 * relayed edit allocated an encoder's buffer besides its message).
 */
function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const head = syncHeaderLength(payload.length)
  const out = new Uint8Array(head + payload.length)
  writeSyncHeader(out, syncType, payload.length)
  out.set(payload, head)
  return out
}

/** Whether a transaction changed the document (inserted or deleted anything). */
function transactionChanged(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true
  if (tr.afterState.size !== tr.beforeState.size) return true
  for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) return true
  return false
}

function pendingSize(structs: { update: Uint8Array } | null, ds: Uint8Array | null): number {
  return (structs?.update.length ?? 0) + (ds?.length ?? 0)
}

// The edit path's reads, without a closure per message.
function readUintOrFail(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder)
  } catch (e) {
    throw malformed(e)
  }
}

function readBytesOrFail(decoder: decoding.Decoder): Uint8Array {
  try {
    const bytes = decoding.readVarUint8Array(decoder)
    // lib0 may return a view past the message's end (into the buffer around it): not a message.
    if (decoder.pos > decoder.arr.length) throw new Error('unexpected end of array')
    return bytes
  } catch (e) {
    throw malformed(e)
  }
}

function malformed(e: unknown): ProtocolError {
  return new ProtocolError(CloseCode.ProtocolError, `malformed message: ${e instanceof Error ? e.message : String(e)}`)
}

function readOrFail<T>(read: () => T): T {
  try {
    return read()
  } catch (e) {
    throw new ProtocolError(CloseCode.ProtocolError, `malformed message: ${e instanceof Error ? e.message : String(e)}`)
  }
}

export function encodeMessage(type: number, write: (enc: encoding.Encoder) => void): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, type)
  write(enc)
  return encoding.toUint8Array(enc)
}
