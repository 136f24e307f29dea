import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { CloseCode, MessageType } from '../../shared/protocol.ts'
import { rewritePresence } from '../live/rewritePresence.ts'
import type { DocStore } from '../storage/DocStore.ts'
import { ProtocolError, type SyncConnection } from './SyncConnection.ts'

/** Transaction origin of updates replayed from storage (not re-persisted). */
const STORAGE_ORIGIN = Symbol('storage')

export interface RoomOptions {
  /** Compact the log into a snapshot once it holds this many bytes. */
  compactLogBytes: number
  log: (msg: string) => void
  /** Called after every change to the document (for derived data such as the plan record). */
  onDocChanged?: (room: Room) => void
}

/**
 * One account's live document: the Y.Doc, its awareness, the connections, and the
 * y-websocket protocol spoken with each of them. Transport-independent.
 */
export class Room {
  readonly doc = new Y.Doc()
  readonly awareness = new awarenessProtocol.Awareness(this.doc)
  readonly connections = new Set<SyncConnection>()
  private compacting: Promise<void> | null = null
  /** The document changed since it was loaded (an unload then writes a snapshot; otherwise not). */
  changedSinceLoad = false

  private constructor(
    readonly name: string,
    private readonly store: DocStore,
    private readonly options: RoomOptions,
  ) {
    // The server has no presence of its own.
    this.awareness.setLocalState(null)
  }

  /** Loads the stored state completely before anyone can see the room. */
  static async load(name: string, store: DocStore, options: RoomOptions): Promise<Room> {
    const room = new Room(name, store, options)
    const updates = await store.load(name)
    room.doc.transact(() => {
      for (const update of updates) Y.applyUpdate(room.doc, update)
    }, STORAGE_ORIGIN)
    room.doc.on('update', room.onDocUpdate)
    room.awareness.on('update', room.onAwarenessUpdate)
    return room
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === STORAGE_ORIGIN) return
    this.changedSinceLoad = true
    // Queued for the store's flush loop (no promise per update); failures reach RoomManager.
    this.store.append(this.name, update)
    this.maybeCompact()
    const message = encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeUpdate(enc, update))
    for (const conn of this.connections) if (conn !== origin) conn.send(message)
    this.options.onDocChanged?.(this)
  }

  private onAwarenessUpdate = ({
    added,
    updated,
    removed,
  }: {
    added: number[]
    updated: number[]
    removed: number[]
  }) => {
    const changed = [...added, ...updated, ...removed]
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
    const message = encodeMessage(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, update))
    for (const conn of this.connections) conn.send(message)
  }

  private maybeCompact() {
    if (this.compacting || this.store.pendingLogBytes(this.name) < this.options.compactLogBytes) return
    void this.compact()
  }

  /** Writes the whole state as a snapshot and retires the log (one compaction at a time). */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting
    this.compacting = this.store
      .compact(this.name, Y.encodeStateAsUpdate(this.doc))
      .catch((e) => this.options.log(`[room ${this.name}] compaction failed: ${String(e)}`))
      .finally(() => {
        this.compacting = null
      })
    return this.compacting
  }

  /** Starts the protocol with a new connection: our sync step 1 and the current presence. */
  join(conn: SyncConnection) {
    this.connections.add(conn)
    conn.send(encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeSyncStep1(enc, this.doc)))
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)
      conn.send(encodeMessage(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, update)))
    }
  }

  leave(conn: SyncConnection) {
    if (!this.connections.delete(conn)) return
    if (conn.awarenessClients.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessClients], conn)
    }
  }

  /**
   * Handles one binary message. Throws {@link ProtocolError} for anything that is not
   * valid protocol; nothing is applied in that case.
   */
  handleMessage(conn: SyncConnection, data: Uint8Array) {
    const decoder = decoding.createDecoder(data)
    const type = readOrFail(() => decoding.readVarUint(decoder))
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
        const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])
        conn.send(encodeMessage(MessageType.Awareness, (enc) => encoding.writeVarUint8Array(enc, update)))
        return
      }
      default:
        throw new ProtocolError(CloseCode.ProtocolError, `unknown message type ${type}`)
    }
  }

  private handleSync(conn: SyncConnection, decoder: decoding.Decoder) {
    const syncType = readOrFail(() => decoding.readVarUint(decoder))
    switch (syncType) {
      case syncProtocol.messageYjsSyncStep1: {
        const stateVector = readOrFail(() => decoding.readVarUint8Array(decoder))
        readOrFail(() => Y.decodeStateVector(stateVector))
        conn.send(encodeMessage(MessageType.Sync, (enc) => syncProtocol.writeSyncStep2(enc, this.doc, stateVector)))
        return
      }
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = readOrFail(() => decoding.readVarUint8Array(decoder))
        // Parse the whole update before applying any of it: a malformed one changes nothing.
        readOrFail(() => Y.decodeUpdate(update))
        if (conn.readOnly) return
        Y.applyUpdate(this.doc, update, conn)
        return
      }
      default:
        throw new ProtocolError(CloseCode.ProtocolError, `unknown sync message type ${syncType}`)
    }
  }

  private handleAwareness(conn: SyncConnection, update: Uint8Array) {
    const entries = readOrFail(() => decodeAwarenessEntries(update))
    const allowed = entries.filter((e) => this.mayUseAwarenessClient(conn, e.clientId))
    if (allowed.length === 0) return
    for (const e of allowed) conn.awarenessClients.add(e.clientId)
    // Identity, role and spotlight come from the session, not from the client (server/live/).
    const identity = conn.options.identity?.()
    if (identity) {
      const ctx = { ...identity, now: Date.now() }
      for (const e of allowed) {
        const previous = this.awareness.getStates().get(e.clientId)
        e.state = JSON.stringify(rewritePresence(JSON.parse(e.state), ctx, previous))
      }
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(allowed), conn)
  }

  /** A connection may set or remove only its own client ids (first come, while connected). */
  private mayUseAwarenessClient(conn: SyncConnection, clientId: number): boolean {
    if (conn.awarenessClients.has(clientId)) return true
    if (clientId === this.doc.clientID) return false
    for (const other of this.connections) if (other !== conn && other.awarenessClients.has(clientId)) return false
    return conn.awarenessClients.size < (conn.options.maxAwarenessClients ?? 4)
  }

  destroy() {
    this.doc.off('update', this.onDocUpdate)
    this.awareness.off('update', this.onAwarenessUpdate)
    this.awareness.destroy()
    this.doc.destroy()
  }
}

interface AwarenessEntry {
  clientId: number
  clock: number
  state: string
}

function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const state = decoding.readVarString(decoder)
    JSON.parse(state)
    entries.push({ clientId, clock, state })
  }
  return entries
}

function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(enc, e.clientId)
    encoding.writeVarUint(enc, e.clock)
    encoding.writeVarString(enc, e.state)
  }
  return encoding.toUint8Array(enc)
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
