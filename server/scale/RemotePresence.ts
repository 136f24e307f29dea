import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from '../../shared/protocol.ts'

interface RemoteEntry {
  node: string
  clock: number
  json: string
  /** Parsed when first asked for (most states are only relayed, never read here). */
  value?: unknown
}

const parsedValueOf = (e: RemoteEntry): unknown => {
  if (e.value === undefined) {
    try {
      e.value = JSON.parse(e.json)
    } catch {
      e.value = null
    }
  }
  return e.value
}

/**
 * A room's presence states of clients connected to **other** nodes (docs/scale-out.md), kept
 * apart from the room's own {@link Presence}: each state belongs to the node that relayed it, is
 * already rewritten from that node's session (names, roles, spotlight), and goes when that node
 * says the client left, when the node leaves the room, or when its heartbeat stops.
 *
 * Changes are relayed to this node's clients as they arrive (the origin node coalesced them
 * per tick already), in the y-protocols awareness encoding.
 */
export class RemotePresence {
  private readonly entries = new Map<number, RemoteEntry>()
  /** Clocks at which remote clients were removed, to recognise the echoes of those removals. */
  private readonly removedClocks = new Map<number, number>()

  constructor(private readonly broadcast: (message: Uint8Array) => void) {}

  get size() {
    return this.entries.size
  }

  /**
   * An awareness message of `node`'s clients (as its room broadcast it). Ids a client of this
   * node holds are skipped (`isLocal`): a client that moved here is this node's.
   */
  apply(node: string, message: Uint8Array, isLocal: (clientId: number) => boolean) {
    const changes: [number, number, string][] = []
    // Every state applied as it came: the message itself is relayed (not decoded and encoded again).
    let verbatim = true
    const outer = decoding.createDecoder(message)
    if (decoding.readVarUint(outer) !== MessageType.Awareness) return
    const decoder = decoding.createDecoder(decoding.readVarUint8Array(outer))
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      if (isLocal(clientId)) {
        verbatim = false
        continue
      }
      const current = this.entries.get(clientId)
      if (json === 'null') {
        // Only the node that holds the client removes it (it may have moved to another node since).
        if (!current || current.node !== node) {
          verbatim = false
          continue
        }
        if (current.clock > clock) verbatim = false
        this.forget(clientId, Math.max(clock, current.clock))
        changes.push([clientId, Math.max(clock, current.clock), 'null'])
        continue
      }
      // Another node's client moving to `node` takes over at the same clock.
      if (current && (current.node === node ? current.clock >= clock : current.clock > clock)) {
        verbatim = false
        continue
      }
      this.removedClocks.delete(clientId)
      this.entries.set(clientId, { node, clock, json })
      changes.push([clientId, clock, json])
    }
    if (changes.length === 0) return
    this.broadcast(verbatim && !decoding.hasContent(outer) ? message : encodeStates(changes))
  }

  /** Drops every state relayed by `node` (it left the room, restarted, or its heartbeat stopped). */
  dropNode(node: string) {
    const changes: [number, number, string][] = []
    for (const [clientId, entry] of this.entries)
      if (entry.node === node) {
        this.forget(clientId, entry.clock + 1)
        changes.push([clientId, entry.clock + 1, 'null'])
      }
    if (changes.length) this.broadcast(encodeStates(changes))
  }

  private forget(clientId: number, clock: number) {
    this.entries.delete(clientId)
    this.removedClocks.set(clientId, clock)
    // Bounded: the oldest removals are forgotten first (Map keeps insertion order).
    if (this.removedClocks.size > 10_000) this.removedClocks.delete(this.removedClocks.keys().next().value!)
  }

  /**
   * Whether a state a local connection sent for `clientId` is only the echo of what this node
   * relayed from another node (y-websocket clients re-send every awareness change they receive):
   * the same or an older clock of a remote client, or of one removed. Such a state is not the
   * connection's to claim. A client that really moved here sends its own state, a newer clock, or
   * the same clock with its own (not yet rewritten) content.
   */
  isEcho(clientId: number, clock: number, json: string): boolean {
    const entry = this.entries.get(clientId)
    if (entry) return clock < entry.clock || (clock === entry.clock && json === entry.json)
    const removed = this.removedClocks.get(clientId)
    return removed !== undefined && clock <= removed
  }

  /** Keeps only `node`'s states whose ids are listed (its heartbeat lists its live clients). */
  retainNode(node: string, clientIds: ReadonlySet<number>) {
    const changes: [number, number, string][] = []
    for (const [clientId, entry] of this.entries)
      if (entry.node === node && !clientIds.has(clientId)) {
        this.forget(clientId, entry.clock + 1)
        changes.push([clientId, entry.clock + 1, 'null'])
      }
    if (changes.length) this.broadcast(encodeStates(changes))
  }

  /**
   * A client of this node took this id (it moved here): the remote copy is forgotten without
   * telling anyone, and its last state returned (a spotlight it leads keeps its `since`).
   */
  claim(clientId: number): unknown {
    const entry = this.entries.get(clientId)
    this.entries.delete(clientId)
    return entry ? parsedValueOf(entry) : undefined
  }

  /** The nodes that relayed at least one state. */
  nodes(): Set<string> {
    return new Set([...this.entries.values()].map((e) => e.node))
  }

  // biome-ignore lint/suspicious/noExplicitAny: the same type as y-protocols' Awareness#getStates
  states(): Map<number, { [key: string]: any }> {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    return new Map([...this.entries].map(([id, e]) => [id, parsedValueOf(e) as { [key: string]: any }]))
  }

  /** Every remote state as one awareness message (null when there is none). */
  encodeAll(): Uint8Array | null {
    if (this.entries.size === 0) return null
    return encodeStates([...this.entries].map(([id, e]) => [id, e.clock, e.json]))
  }

  destroy() {
    this.entries.clear()
    this.removedClocks.clear()
  }
}

function encodeStates(list: [number, number, string][]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, list.length)
  for (const [clientId, clock, json] of list) {
    encoding.writeVarUint(inner, clientId)
    encoding.writeVarUint(inner, clock)
    encoding.writeVarString(inner, json)
  }
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.Awareness)
  encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
  return encoding.toUint8Array(enc)
}
