/**
 * Where a room's Yjs state is kept. The sync core only talks to this interface,
 * so other back ends (PostgreSQL, Redis) can slot in later.
 */
export interface DocStore {
  /**
   * Everything stored for a room, as Yjs updates to apply in order (empty for a new room).
   * Rejects with {@link RoomDataError} when the stored data cannot be read: such a room
   * must be refused, never served as empty.
   */
  load(room: string): Promise<Uint8Array[]>
  /** Queues an update; resolves once it is durable. */
  append(room: string, update: Uint8Array): Promise<void>
  /** Replaces everything stored for the room by one state update (compaction). */
  compact(room: string, state: Uint8Array): Promise<void>
  /** Bytes appended since the last compaction (to decide when to compact). */
  pendingLogBytes(room: string): number
  /** Forgets in-memory handles for a room that was unloaded. */
  release(room: string): Promise<void>
  /** Deletes everything stored for a room (after {@link release}). */
  remove(room: string): Promise<void>
  /** Flushes and closes everything. */
  close(): Promise<void>
}

/** The stored data of a room exists but cannot be read. */
export class RoomDataError extends Error {
  constructor(
    readonly room: string,
    message: string,
  ) {
    super(`room ${room}: ${message}`)
    this.name = 'RoomDataError'
  }
}
