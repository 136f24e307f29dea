/**
 * Where a room's Yjs state is kept. The sync core only talks to this interface,
 * so other back ends (PostgreSQL, Redis) can slot in later.
 */
export interface DocStore {
  /**
   * Everything stored for a room, as Yjs updates to apply in order (empty for a new room).
   * Rejects with {@link RoomDataError} when the stored data cannot be read: such a room
   * must be refused, never served as empty; with {@link StorageUnavailableError} when the
   * disk refuses the repairs a load needs (try again later).
   */
  load(room: string): Promise<Uint8Array[]>
  /**
   * Queues an update; it is durable within the store's flush window. Returns nothing (no
   * promise per update): a failure is reported to the {@link onFailure} listeners, and
   * {@link flush} waits for durability where a caller needs it.
   */
  append(room: string, update: Uint8Array): void
  /** Resolves once everything appended so far (for one room, or all) is durable; rejects if it failed. */
  flush(room?: string): Promise<void>
  /**
   * Replaces everything stored for the room by one state update (compaction). `state` may be a
   * function, called at once if the store needs it (a store may rebuild the state from what it
   * stored instead, off the event loop). Resolves with the byte length of the state it stored
   * when it rebuilt that state itself (the caller never saw it), else with nothing.
   */
  compact(room: string, state: Uint8Array | (() => Uint8Array)): Promise<unknown>
  /** Bytes appended since the last compaction (to decide when to compact). */
  pendingLogBytes(room: string): number
  /**
   * Listens for failed appends: the room's stored copy lacks updates it was given. The store
   * has already cut what the failed write left, so later good records never sit behind it;
   * the updates that failed are dropped (the clients that sent them still have them).
   */
  onFailure?(listener: (room: string, error: Error) => void): void
  /**
   * After a failure: resolves once the store can persist the room again (a probe write was
   * made durable), rejects while it cannot. Stores without it are treated as recovered.
   */
  checkWritable?(room: string): Promise<void>
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

/** The disk refuses writes (full, failing): nothing can be saved right now; retry later. */
export class StorageUnavailableError extends Error {
  readonly code: string
  constructor(message: string, cause?: unknown) {
    super(message, { cause })
    this.name = 'StorageUnavailableError'
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO'
  }
}

/** Error codes that mean "the disk cannot take this write now", as opposed to a bug. */
const STORAGE_CODES = new Set(['ENOSPC', 'EIO', 'EDQUOT', 'EROFS', 'EFBIG', 'ENOMEM', 'EMFILE', 'ENFILE', 'EAGAIN'])

export function isStorageFailure(e: unknown): boolean {
  return e instanceof StorageUnavailableError || STORAGE_CODES.has((e as NodeJS.ErrnoException)?.code ?? '')
}
