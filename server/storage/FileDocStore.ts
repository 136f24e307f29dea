import { promises as fs, constants as fsc } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { type DocStore, RoomDataError } from './DocStore.ts'

/**
 * Embedded, crash-safe Yjs storage: per room an append-only update log plus a
 * compacted snapshot.
 *
 * - `rooms/<id>/log-<gen>`: records of `[length u32][crc32 u32][update bytes]`. Appends are
 *   grouped and fsynced every `flushIntervalMs`, so an accepted update is on disk within
 *   that window plus one fsync. A torn or corrupt tail (a crash mid-write) is cut off on
 *   load with a warning.
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
  private closed = false

  constructor(
    private readonly dataDir: string,
    private readonly opts: { flushIntervalMs?: number; log?: (msg: string) => void } = {},
  ) {}

  private roomDir(room: string) {
    return path.join(this.dataDir, 'rooms', room)
  }

  async load(room: string): Promise<Uint8Array[]> {
    const dir = this.roomDir(room)
    const updates: Uint8Array[] = []
    const snapshot = await readIfExists(path.join(dir, 'snapshot'))
    if (snapshot) updates.push(decodeSnapshot(room, snapshot))
    const gens = await listLogGenerations(dir)
    let size = 0
    for (const gen of gens) {
      const file = path.join(dir, logName(gen))
      const log = (await readIfExists(file)) ?? Buffer.alloc(0)
      const { records, validBytes } = decodeLog(log)
      updates.push(...records)
      size += validBytes
      if (validBytes < log.length) {
        this.warn(
          `room ${room}: skipped a torn or corrupt log tail in ${logName(gen)} (${log.length - validBytes} bytes after offset ${validBytes})`,
        )
        await fs.truncate(file, validBytes)
      }
    }
    if (!this.logs.has(room)) {
      const gen = gens.length ? gens[gens.length - 1] : 0
      this.logs.set(room, new RoomLog(dir, gen, size, this.flushInterval))
    }
    return updates
  }

  private get flushInterval() {
    return this.opts.flushIntervalMs ?? 20
  }

  private logFor(room: string): RoomLog {
    let log = this.logs.get(room)
    if (!log) {
      log = new RoomLog(this.roomDir(room), 0, 0, this.flushInterval)
      this.logs.set(room, log)
    }
    return log
  }

  append(room: string, update: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store closed'))
    return this.logFor(room).append(update)
  }

  pendingLogBytes(room: string): number {
    return this.logs.get(room)?.size ?? 0
  }

  compact(room: string, state: Uint8Array): Promise<void> {
    const dir = this.roomDir(room)
    // Synchronously, before any await: later appends go to the next generation.
    const log = this.logFor(room)
    const older = log.rotate()
    const keepFrom = log.gen
    // Snapshot writes of one room are serialised (they share the temp file name).
    const done = (this.compactions.get(room) ?? Promise.resolve()).then(async () => {
      await older.flushed
      await fs.mkdir(dir, { recursive: true })
      const tmp = path.join(dir, 'snapshot.tmp')
      const handle = await fs.open(tmp, 'w')
      try {
        await handle.writeFile(encodeSnapshot(state))
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.rename(tmp, path.join(dir, 'snapshot'))
      await fsyncDir(dir)
      for (const gen of await listLogGenerations(dir)) {
        if (gen < keepFrom) await fs.rm(path.join(dir, logName(gen)), { force: true })
      }
    })
    const settled = done.catch(() => {})
    this.compactions.set(room, settled)
    void settled.then(() => {
      if (this.compactions.get(room) === settled) this.compactions.delete(room)
    })
    return done
  }

  async release(room: string): Promise<void> {
    const log = this.logs.get(room)
    if (!log) return
    this.logs.delete(room)
    await log.close()
    await this.compactions.get(room)
  }

  async remove(room: string): Promise<void> {
    await this.compactions.get(room)
    await fs.rm(this.roomDir(room), { recursive: true, force: true })
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.logs.keys()].map((room) => this.release(room)))
  }

  private warn(msg: string) {
    ;(this.opts.log ?? console.warn)(`[storage] ${msg}`)
  }
}

const SNAPSHOT_MAGIC = Buffer.from('WRS1')
const HEADER = 8

const logName = (gen: number) => `log-${String(gen).padStart(10, '0')}`

async function listLogGenerations(dir: string): Promise<number[]> {
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
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

/** Reads log records up to the first torn or corrupt one. */
export function decodeLog(buf: Buffer): { records: Uint8Array[]; validBytes: number } {
  const records: Uint8Array[] = []
  let off = 0
  while (off + HEADER <= buf.length) {
    const len = buf.readUInt32LE(off)
    const sum = buf.readUInt32LE(off + 4)
    if (len === 0 || off + HEADER + len > buf.length) break
    const body = buf.subarray(off + HEADER, off + HEADER + len)
    if (crc32(body) !== sum) break
    records.push(new Uint8Array(body))
    off += HEADER + len
  }
  return { records, validBytes: off }
}

function encodeSnapshot(state: Uint8Array): Buffer {
  return Buffer.concat([SNAPSHOT_MAGIC, encodeRecord(state)])
}

function decodeSnapshot(room: string, buf: Buffer): Uint8Array {
  if (buf.length < SNAPSHOT_MAGIC.length + HEADER || !buf.subarray(0, 4).equals(SNAPSHOT_MAGIC)) {
    throw new RoomDataError(room, 'snapshot has no valid header')
  }
  const { records, validBytes } = decodeLog(buf.subarray(4))
  if (records.length !== 1 || validBytes !== buf.length - 4) {
    throw new RoomDataError(room, 'snapshot fails its checksum')
  }
  return records[0]
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

async function fsyncDir(dir: string) {
  const handle = await fs.open(dir, fsc.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** One log file generation with grouped appends: one write + one fsync per flush window. */
class LogFile {
  private handle: Promise<FileHandle> | null = null
  private queue: { buf: Buffer; resolve: () => void; reject: (e: unknown) => void }[] = []
  private timer: NodeJS.Timeout | null = null
  /** Settles when everything handed to flush() so far is written (or failed). */
  flushed: Promise<void> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly flushIntervalMs: number,
  ) {}

  append(buf: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ buf, resolve, reject })
      this.timer ??= setTimeout(() => void this.flush(), this.flushIntervalMs)
    })
  }

  private open(): Promise<FileHandle> {
    this.handle ??= (async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true })
      const h = await fs.open(this.file, 'a')
      // A new log file needs its directory entry durable too.
      await fsyncDir(path.dirname(this.file))
      return h
    })()
    return this.handle
  }

  /** Writes and fsyncs everything queued; serialised so records never interleave. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const batch = this.queue
    this.queue = []
    this.flushed = this.flushed.then(async () => {
      if (batch.length === 0) return
      try {
        const handle = await this.open()
        await handle.writeFile(Buffer.concat(batch.map((b) => b.buf)))
        await handle.datasync()
        for (const b of batch) b.resolve()
      } catch (e) {
        for (const b of batch) b.reject(e)
      }
    })
    return this.flushed
  }

  async close() {
    await this.flush()
    if (this.handle) await (await this.handle).close()
    this.handle = null
  }
}

/** A room's log: the current generation plus those being retired by a compaction. */
class RoomLog {
  private current: LogFile

  constructor(
    private readonly dir: string,
    public gen: number,
    /** Bytes logged since the last compaction (for compaction decisions). */
    public size: number,
    private readonly flushIntervalMs: number,
  ) {
    this.current = new LogFile(path.join(dir, logName(gen)), flushIntervalMs)
  }

  append(update: Uint8Array): Promise<void> {
    const buf = encodeRecord(update)
    this.size += buf.length
    return this.current.append(buf)
  }

  /** Starts the next generation; returns the retiring one, already flushing and closing. */
  rotate(): { flushed: Promise<void> } {
    const old = this.current
    this.gen += 1
    this.size = 0
    this.current = new LogFile(path.join(this.dir, logName(this.gen)), this.flushIntervalMs)
    return { flushed: old.close() }
  }

  flush() {
    return this.current.flush()
  }

  close() {
    return this.current.close()
  }
}
