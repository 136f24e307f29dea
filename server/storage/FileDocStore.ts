import path from 'node:path'
import { crc32 } from 'node:zlib'
import type { CompactReply, CompactRequest } from './compactWorker.ts'
import { type DocStore, RoomDataError, StorageUnavailableError } from './DocStore.ts'
import { isMissing, nodeFs, readIfExists, type StorageFileHandle, type StorageFs, writeFileDurably } from './fsLayer.ts'
import { IdleWorker } from './IdleWorker.ts'

export interface FileDocStoreOptions {
  /** Grouped fsync window: an accepted update is on disk within this plus one fsync. */
  flushIntervalMs?: number
  log?: (msg: string) => void
  /** The file-system layer (tests inject faults here). */
  fs?: StorageFs
  /** Bytes written (and fsynced, then removed) to prove the disk takes writes again. */
  probeBytes?: number
  /** Rooms stored in fewer bytes are compacted on the event loop (a few ms); bigger ones in a worker. */
  inlineCompactBytes?: number
}

/**
 * Embedded, crash-safe Yjs storage: per room an append-only update log plus a
 * compacted snapshot.
 *
 * - `rooms/<id>/log-<gen>`: records of `[length u32][crc32 u32][update bytes]`. One flush loop
 *   for all rooms: every `flushIntervalMs` each room with queued records gets one durable write
 *   (the log is opened `O_DSYNC`: the write returns once its bytes are on disk, as a write and
 *   an fdatasync would), so an accepted update is on disk within that window plus one write. No
 *   promise is made per update.
 * - A write or fsync that fails (disk full, I/O error) is cut back to the last good offset
 *   before anything else is written, so no later good record ever sits behind a torn one; the
 *   failure is reported to the {@link DocStore.onFailure} listeners (the room stops accepting
 *   edits and is reloaded from disk once {@link checkWritable} succeeds).
 * - On load, a record that fails its length or checksum in the middle of a log is skipped: the
 *   reader resynchronises on the next valid record, the damaged file is copied to
 *   `rooms/<id>/quarantine/` first, and a warning names what was skipped. Only a torn **tail**
 *   (no valid record after it) is cut. Records after a lost one that depend on it wait in Yjs
 *   as pending updates until a client that still has the lost edit reconnects.
 * - `rooms/<id>/snapshot`: `WRS1[length u32][crc32 u32][state update]`, written to a temp
 *   file, fsynced and renamed. Compaction starts a new log generation at the instant the
 *   state is captured, so updates that arrive while the snapshot is written land in the new
 *   log; older generations are deleted only after the rename. Yjs updates are idempotent,
 *   so a crash anywhere in between only replays updates the snapshot already has.
 *   A snapshot that fails its checksum makes the room unreadable (refused, not emptied).
 */
export class FileDocStore implements DocStore {
  private readonly logs = new Map<string, RoomLog>()
  private readonly compactions = new Map<string, Promise<void>>()
  private readonly listeners: ((room: string, error: Error) => void)[] = []
  /** Logs with queued records, written by the next tick of the one flush loop. */
  private readonly dirty = new Set<RoomLog>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly fs: StorageFs
  /** Size of each loaded room's snapshot (with the log, it decides where compaction runs). */
  private readonly snapshotBytes = new Map<string, number>()
  private readonly worker = new CompactWorker()

  constructor(
    private readonly dataDir: string,
    private readonly opts: FileDocStoreOptions = {},
  ) {
    this.fs = opts.fs ?? nodeFs
  }

  private roomDir(room: string) {
    return path.join(this.dataDir, 'rooms', room)
  }

  async load(room: string): Promise<Uint8Array[]> {
    await this.compactions.get(room)
    const dir = this.roomDir(room)
    const updates: Uint8Array[] = []
    // The snapshot is read while the folder is listed (a cold join waits for both: one
    // thread-pool round trip fewer in its path).
    const [snapshot, gens] = await Promise.all([
      readIfExists(this.fs, path.join(dir, 'snapshot')),
      listLogGenerations(this.fs, dir),
    ])
    if (snapshot) updates.push(decodeSnapshot(room, snapshot))
    this.snapshotBytes.set(room, snapshot?.length ?? 0)
    let size = 0
    let lastValid = 0
    for (const gen of gens) {
      const file = path.join(dir, logName(gen))
      const log = (await readIfExists(this.fs, file)) ?? Buffer.alloc(0)
      const { records, validBytes, skipped } = decodeLog(log)
      updates.push(...records)
      size += validBytes
      lastValid = validBytes
      if (skipped.length === 0 && validBytes === log.length) continue
      // Keep the damaged file as it was before anything rewrites or deletes it.
      const kept = await this.quarantine(room, file, log)
      for (const s of skipped) {
        this.warn(
          `room ${room}: skipped a corrupt record in ${logName(gen)} (${s.length} bytes at offset ${s.offset}); the records after it were read; the file as found is kept in ${kept}`,
        )
      }
      if (validBytes < log.length) {
        this.warn(
          `room ${room}: cut a torn log tail in ${logName(gen)} (${log.length - validBytes} bytes after offset ${validBytes}); the file as found is kept in ${kept}`,
        )
        try {
          await this.fs.truncate(file, validBytes)
        } catch (e) {
          throw new StorageUnavailableError(`room ${room}: cannot cut the torn tail of ${logName(gen)}`, e)
        }
      }
    }
    if (!this.logs.has(room)) {
      const gen = gens.length ? gens[gens.length - 1] : 0
      this.logs.set(room, new RoomLog(this, room, dir, gen, size, lastValid))
    }
    return updates
  }

  /** Copies a damaged log aside (once per distinct content: loading it again adds no copy). */
  private async quarantine(room: string, file: string, content: Buffer): Promise<string> {
    const dir = path.join(this.roomDir(room), 'quarantine')
    const id = `${content.length}-${crc32(content).toString(16).padStart(8, '0')}`
    const target = path.join(dir, `${path.basename(file)}.${id}.damaged`)
    try {
      await this.fs.mkdir(dir)
      if ((await this.fs.readdir(dir)).includes(path.basename(target))) return path.relative(this.dataDir, target)
      await this.fs.copyFile(file, target)
      await this.fs.syncDir(dir)
    } catch (e) {
      throw new StorageUnavailableError(`room ${room}: cannot keep a copy of the damaged ${path.basename(file)}`, e)
    }
    return path.relative(this.dataDir, target)
  }

  get flushIntervalMs() {
    return this.opts.flushIntervalMs ?? 20
  }

  /** @internal the file-system layer, for the logs. */
  get files(): StorageFs {
    return this.fs
  }

  private logFor(room: string): RoomLog {
    let log = this.logs.get(room)
    if (!log) {
      log = new RoomLog(this, room, this.roomDir(room), 0, 0, 0)
      this.logs.set(room, log)
    }
    return log
  }

  append(room: string, update: Uint8Array): void {
    if (this.closed) {
      this.warn(`room ${room}: an update arrived after the store closed; not stored`)
      return
    }
    const log = this.logFor(room)
    if (!log.enqueue(encodeRecord(update))) return
    this.dirty.add(log)
    this.timer ??= setTimeout(this.flushTick, this.flushIntervalMs)
  }

  /** The one flush loop: one durable write per room with queued records. */
  private readonly flushTick = () => {
    this.timer = null
    const batch = [...this.dirty]
    this.dirty.clear()
    for (const log of batch) void log.flush().catch(() => {})
  }

  flush(room?: string): Promise<void> {
    if (room === undefined) return Promise.all([...this.logs.keys()].map((r) => this.flush(r))).then(() => {})
    const log = this.logs.get(room)
    if (!log) return Promise.resolve()
    this.dirty.delete(log)
    return log.flush()
  }

  onFailure(listener: (room: string, error: Error) => void) {
    this.listeners.push(listener)
  }

  /** @internal called by a room's log when a write or fsync failed. */
  reportFailure(room: string, error: Error) {
    const log = this.logs.get(room)
    if (log) log.broken = true
    this.warn(`room ${room}: persisting updates failed (${String(error)}); the room stops accepting edits`)
    for (const l of this.listeners) l(room, error)
  }

  async checkWritable(room: string): Promise<void> {
    const dir = this.roomDir(room)
    const probe = path.join(dir, '.probe')
    try {
      // The same calls a log flush makes: open for appending durably, one durable append.
      await this.fs.mkdir(dir)
      const handle = await this.fs.open(probe, 'ad')
      try {
        await handle.append(Buffer.alloc(this.opts.probeBytes ?? 64 * 1024))
      } finally {
        await handle.close().catch(() => {})
      }
      await this.fs.rm(probe)
    } catch (e) {
      await this.fs.rm(probe).catch(() => {})
      throw new StorageUnavailableError(`room ${room}: the disk still refuses writes`, e)
    }
  }

  pendingLogBytes(room: string): number {
    return this.logs.get(room)?.size ?? 0
  }

  /**
   * `state` may be a function: it is then called (synchronously, now) only for a small room.
   * A room whose snapshot and retiring log together pass `inlineCompactBytes` is rebuilt from
   * disk in the compaction worker instead, so encoding its state never blocks the event loop for
   * long — unless its last snapshot is under a quarter of that (its log then mostly overwrites):
   * encoded here (its new snapshot's size then decides the next time).
   */
  compact(room: string, state: Uint8Array | (() => Uint8Array)): Promise<number | undefined> {
    const dir = this.roomDir(room)
    // Synchronously, before any await: later appends go to the next generation.
    const log = this.logFor(room)
    const snapshot = this.snapshotBytes.get(room) ?? 0
    const limit = this.opts.inlineCompactBytes ?? 1024 * 1024
    // The log overstates the state when it holds overwrites (a tldraw record is rewritten whole on
    // every change: 1 MiB of log may be a 5 KiB document, which the worker would rebuild by
    // replaying every record, seconds of a core). So a room whose last snapshot (its exact state
    // then) is small and whose log is not huge is encoded here: at most 2.25 × the limit of state
    // (tens of ms per MiB on this machine), once — its next snapshot then says how big it is.
    const inline =
      typeof state !== 'function' || snapshot + log.size < limit || (snapshot < limit / 4 && log.size <= 2 * limit)
    let captured: Uint8Array | null = typeof state === 'function' ? null : state
    if (typeof state === 'function' && inline) captured = state()
    const olderGens = listUpTo(log.gen)
    const older = log.rotate()
    const keepFrom = log.gen
    // Snapshot writes of one room are serialised (they share the temp file name).
    const done = (this.compactions.get(room) ?? Promise.resolve()).then(async () => {
      // The retiring generation is complete on disk (or failed, then kept) before it goes.
      await older.closed
      await this.fs.mkdir(dir)
      const snapshot = path.join(dir, 'snapshot')
      const bytes =
        captured ??
        (await this.worker.rebuild(
          room,
          snapshot,
          (await listLogGenerations(this.fs, dir)).filter((g) => olderGens(g)).map((g) => path.join(dir, logName(g))),
        ))
      const encoded = encodeSnapshot(bytes)
      await writeFileDurably(this.fs, snapshot, encoded)
      this.snapshotBytes.set(room, encoded.length)
      for (const gen of await listLogGenerations(this.fs, dir)) {
        if (gen < keepFrom) await this.fs.rm(path.join(dir, logName(gen)))
      }
      // The caller never saw a state the worker rebuilt: tell it how big it is.
      return captured ? undefined : bytes.length
    })
    const settled = done.then(
      () => {},
      () => {},
    )
    this.compactions.set(room, settled)
    void settled.then(() => {
      if (this.compactions.get(room) === settled) this.compactions.delete(room)
    })
    return done
  }

  async release(room: string): Promise<void> {
    const log = this.logs.get(room)
    if (log) {
      this.logs.delete(room)
      this.dirty.delete(log)
      await log.close()
    }
    await this.compactions.get(room)
  }

  async remove(room: string): Promise<void> {
    await this.compactions.get(room)
    await this.fs.rm(this.roomDir(room))
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await Promise.all([...this.logs.keys()].map((room) => this.release(room)))
    await Promise.all([...this.compactions.values()])
    await this.worker.terminate()
  }

  warn(msg: string) {
    ;(this.opts.log ?? console.warn)(`[storage] ${msg}`)
  }
}

/** Generations up to and including `last` (those a compaction retires). */
const listUpTo = (last: number) => (gen: number) => gen <= last

/** The compaction worker thread (server/storage/compactWorker.ts). */
class CompactWorker {
  private readonly thread = new IdleWorker<CompactRequest, CompactReply>(
    new URL('./compactWorker.boot.mjs', import.meta.url),
  )

  /** The state of a room rebuilt from its snapshot and these log files, off the event loop. */
  async rebuild(room: string, snapshot: string, logs: string[]): Promise<Uint8Array> {
    const reply = await this.thread.request({ room, snapshot, logs })
    if (reply.ok) return reply.state
    const error = new Error(`room ${room}: compaction failed: ${reply.error}`) as NodeJS.ErrnoException
    if ('code' in reply) error.code = reply.code
    throw error
  }

  terminate() {
    return this.thread.terminate()
  }
}

const SNAPSHOT_MAGIC = Buffer.from('WRS1')
const HEADER = 8

const logName = (gen: number) => `log-${String(gen).padStart(10, '0')}`

async function listLogGenerations(fsl: StorageFs, dir: string): Promise<number[]> {
  let names: string[]
  try {
    names = await fsl.readdir(dir)
  } catch (e) {
    if (isMissing(e)) return []
    throw e
  }
  return names
    .map((n) => /^log-(\d{10})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
}

function encodeRecord(update: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(HEADER + update.length)
  buf.writeUInt32LE(update.length, 0)
  buf.writeUInt32LE(crc32(update), 4)
  buf.set(update, HEADER)
  return buf
}

/** The record at `off` if it is whole and passes its checksum: its total length, else 0. */
function recordAt(buf: Buffer, off: number): number {
  if (off + HEADER > buf.length) return 0
  const len = buf.readUInt32LE(off)
  if (len === 0 || off + HEADER + len > buf.length) return 0
  if (crc32(buf.subarray(off + HEADER, off + HEADER + len)) !== buf.readUInt32LE(off + 4)) return 0
  return HEADER + len
}

/**
 * Reads every valid record. A damaged stretch followed by a valid record is skipped (the
 * reader resynchronises byte by byte on the next record whose length and checksum hold);
 * a damaged stretch with no valid record after it is a torn tail: `validBytes` ends before it.
 */
export function decodeLog(buf: Buffer): {
  records: Uint8Array[]
  /** End of the last valid record. */
  validBytes: number
  /** Damaged stretches with valid records after them. */
  skipped: { offset: number; length: number }[]
} {
  const records: Uint8Array[] = []
  const skipped: { offset: number; length: number }[] = []
  let off = 0
  let validBytes = 0
  while (off + HEADER <= buf.length) {
    const n = recordAt(buf, off)
    if (n > 0) {
      records.push(new Uint8Array(buf.subarray(off + HEADER, off + n)))
      off += n
      validBytes = off
      continue
    }
    let next = -1
    for (let p = off + 1; p + HEADER <= buf.length; p++) {
      if (recordAt(buf, p) > 0) {
        next = p
        break
      }
    }
    if (next < 0) break
    skipped.push({ offset: off, length: next - off })
    off = next
  }
  return { records, validBytes, skipped }
}

function encodeSnapshot(state: Uint8Array): Buffer {
  return Buffer.concat([SNAPSHOT_MAGIC, encodeRecord(state)])
}

export function decodeSnapshot(room: string, buf: Buffer): Uint8Array {
  if (buf.length < SNAPSHOT_MAGIC.length + HEADER || !buf.subarray(0, 4).equals(SNAPSHOT_MAGIC)) {
    throw new RoomDataError(room, 'snapshot has no valid header')
  }
  const body = buf.subarray(4)
  const n = recordAt(body, 0)
  if (n === 0 || n !== body.length) throw new RoomDataError(room, 'snapshot fails its checksum')
  // A view, not a copy: the file's buffer is the snapshot's own (a megabyte copy less per load).
  return new Uint8Array(body.buffer, body.byteOffset + HEADER, n - HEADER)
}

/**
 * One log file generation. Records are queued by append and written by the store's flush
 * loop: one durable write per flush (the file is opened `O_DSYNC`), serialised so records never
 * interleave. After a failed write the file is cut back to `goodOffset` (the end of the last record known
 * durable) and the log refuses further records until the room is released and loaded again.
 */
class LogFile {
  private handle: StorageFileHandle | null = null
  private queue: Buffer[] = []
  private chain: Promise<void> = Promise.resolve()
  failed: Error | null = null

  constructor(
    private readonly store: FileDocStore,
    private readonly room: string,
    readonly file: string,
    /** Bytes of whole, durable records at the start of the file. */
    private goodOffset: number,
  ) {}

  enqueue(buf: Buffer): boolean {
    if (this.failed) return false
    this.queue.push(buf)
    return true
  }

  private async open(): Promise<StorageFileHandle> {
    if (this.handle) return this.handle
    const fsl = this.store.files
    await fsl.mkdir(path.dirname(this.file))
    const h = await fsl.open(this.file, 'ad')
    try {
      // A new log file needs its directory entry durable too.
      await fsl.syncDir(path.dirname(this.file))
    } catch (e) {
      await h.close().catch(() => {})
      throw e
    }
    this.handle = h
    return h
  }

  /** Writes everything queued, durably; rejects if this batch (or an earlier one) failed. */
  flush(): Promise<void> {
    const batch = this.queue
    this.queue = []
    const run = this.chain.then(async () => {
      if (this.failed) throw this.failed
      if (batch.length === 0) return
      const data = batch.length === 1 ? batch[0] : Buffer.concat(batch)
      try {
        const handle = await this.open()
        // Durable when it resolves: the handle is O_DSYNC (no separate fdatasync round trip).
        await handle.append(data)
        this.goodOffset += data.length
      } catch (e) {
        await this.fail(e instanceof Error ? e : new Error(String(e)))
        throw this.failed
      }
    })
    this.chain = run.catch(() => {})
    return run
  }

  /** Cuts what the failed write left, so nothing good is ever written behind a torn record. */
  private async fail(error: Error) {
    this.failed = error
    this.queue = []
    const handle = this.handle
    this.handle = null
    if (handle) {
      try {
        await handle.truncate(this.goodOffset)
        await handle.datasync()
      } catch (e) {
        // The next load cuts the torn tail (nothing is ever appended to this file again
        // before that load).
        this.store.warn(`room ${this.room}: cutting ${path.basename(this.file)} back failed too: ${String(e)}`)
      }
      await handle.close().catch(() => {})
    }
    this.store.reportFailure(this.room, error)
  }

  /** Flushes what is queued (unless the log failed) and closes the file. */
  async close() {
    await this.flush().catch(() => {})
    await this.chain
    const handle = this.handle
    this.handle = null
    if (handle) await handle.close().catch(() => {})
  }
}

/** A room's log: the current generation plus those being retired by a compaction. */
class RoomLog {
  private current: LogFile
  /** A write of this room failed: nothing more is taken until the room is loaded again. */
  broken = false

  constructor(
    private readonly store: FileDocStore,
    private readonly room: string,
    private readonly dir: string,
    public gen: number,
    /** Bytes logged since the last compaction (for compaction decisions). */
    public size: number,
    currentValidBytes: number,
  ) {
    this.current = new LogFile(store, room, path.join(dir, logName(gen)), currentValidBytes)
  }

  /** Queues a record; false when the log failed and takes nothing until the room reloads. */
  enqueue(buf: Buffer): boolean {
    if (this.broken || !this.current.enqueue(buf)) return false
    this.size += buf.length
    return true
  }

  /** Starts the next generation; returns the retiring one, already flushing and closing. */
  rotate(): { closed: Promise<void> } {
    const old = this.current
    this.gen += 1
    this.size = 0
    this.current = new LogFile(this.store, this.room, path.join(this.dir, logName(this.gen)), 0)
    const closed = (async () => {
      await old.close()
      // A generation whose last write failed is not retired: it may be all that holds its records.
      if (old.failed) throw old.failed
    })()
    return { closed }
  }

  flush() {
    return this.current.flush()
  }

  close() {
    return this.current.close()
  }
}
