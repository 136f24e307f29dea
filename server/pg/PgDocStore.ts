import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import { type DocStore, RoomDataError, StorageUnavailableError } from '../storage/DocStore.ts'
import { IdleWorker } from '../storage/IdleWorker.ts'
import type { Pool, PoolClient } from './pool.ts'
import { rebuildState } from './rebuild.ts'
import type { RebuildReply, RebuildRequest } from './rebuildWorker.ts'

export interface PgDocStoreOptions {
  /** Group-commit window: an accepted update is committed within this plus one INSERT (default 20 ms). */
  flushIntervalMs?: number
  log?: (msg: string) => void
  /** Rooms stored in fewer bytes are rebuilt on the event loop (a few ms); bigger ones in a worker thread. */
  inlineCompactBytes?: number
}

interface Queued {
  room: string
  data: Uint8Array
}

/** What this store knows of one room it holds (created by load or the first append). */
interface RoomState {
  /** Bytes appended (or loaded as log rows) since the last compaction. */
  size: number
  /** Updates queued for the next batch. */
  queued: number
  /** The batch that holds this room's latest rows (settles when they are committed or failed). */
  inflight: Promise<void> | null
  /** A batch with this room's rows failed: nothing more is taken until the room is loaded again. */
  broken: Error | null
}

/** A batch waiting for the one writer; it takes everything queued when it starts. */
interface Batch {
  done: Promise<void>
}

/**
 * Yjs documents in PostgreSQL (docs/scale-out.md "Documents", tables in
 * server/pg/migrations/001_documents.sql), for the multi-node mode.
 *
 * - `append` queues; every flush window ONE multi-row `INSERT … ON CONFLICT (room, digest) DO
 *   NOTHING` commits what all rooms queued (one writer: batches never overlap, so a room's rows
 *   keep their append order). The digest (SHA-1) makes an update persisted by two nodes one row.
 * - `load` reads the snapshot and the rows in ONE statement, so it sees one MVCC snapshot: two
 *   reads could straddle another node's compaction (old snapshot, then rows already folded
 *   into the new one and deleted) and lose edits.
 * - `compact` ignores the in-memory state it is given: another node's rows may not have reached
 *   this node's document yet. Under `pg_try_advisory_xact_lock` (another node compacting: skip)
 *   it rebuilds exactly the rows it read and deletes exactly their ids.
 * - A batch that fails (database down, read-only, full) is reported to the onFailure listeners
 *   for every room in it; those rooms take no more updates until loaded again, and
 *   `checkWritable` commits a probe row to say when that can be.
 */
export class PgDocStore implements DocStore {
  private readonly rooms = new Map<string, RoomState>()
  private readonly listeners: ((room: string, error: Error) => void)[] = []
  private readonly compactions = new Map<string, Promise<void>>()
  private queue: Queued[] = []
  private timer: NodeJS.Timeout | null = null
  /** The one writer: batches run one after the other. */
  private chain: Promise<void> = Promise.resolve()
  private waiting: Batch | null = null
  private closed = false
  private readonly worker = new RebuildWorker()

  constructor(
    private readonly pool: Pool,
    private readonly opts: PgDocStoreOptions = {},
  ) {}

  get flushIntervalMs() {
    return this.opts.flushIntervalMs ?? 20
  }

  private stateOf(room: string): RoomState {
    let state = this.rooms.get(room)
    if (!state) {
      state = { size: 0, queued: 0, inflight: null, broken: null }
      this.rooms.set(room, state)
    }
    return state
  }

  async load(room: string): Promise<Uint8Array[]> {
    await this.compactions.get(room)
    let rows: { kind: number; data: Buffer; digest: Buffer | null }[]
    try {
      // One statement, one snapshot of the database (see the class comment).
      const result = await this.pool.query<{ kind: number; data: Buffer; digest: Buffer | null }>(
        `SELECT 0 AS kind, 0::bigint AS id, data, digest FROM doc_snapshots WHERE room = $1
         UNION ALL
         SELECT 1 AS kind, id, data, digest FROM doc_updates WHERE room = $1
         ORDER BY kind, id`,
        [room],
      )
      rows = result.rows
    } catch (e) {
      throw new StorageUnavailableError(`room ${room}: cannot read the document from PostgreSQL`, e)
    }
    // As the file store's checksums: bytes that are not what was written (damaged, edited by hand)
    // make the room unreadable — refused, never handed to the document or to a client (a damaged
    // snapshot used to throw inside Yjs on a timer: an uncaught exception that stopped the node).
    for (const r of rows)
      if (r.digest && !createHash('sha1').update(r.data).digest().equals(r.digest))
        throw new RoomDataError(
          room,
          `a stored ${r.kind === 0 ? 'snapshot' : 'update'} fails its digest; left as it is`,
        )
    // A snapshot compacted before migration 004 has no digest: it is checked by decoding it once
    // (bytes that are not a Yjs update make the room unreadable, as a failed digest does), and
    // its digest is stored then, so damage after this read is found like any other row's.
    const legacy = rows.find((r) => r.kind === 0 && !r.digest)
    if (legacy) await this.checkLegacySnapshot(room, legacy.data)
    const state = this.stateOf(room)
    state.size = rows.reduce((n, r) => n + (r.kind === 1 ? r.data.length : 0), 0)
    return rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.length))
  }

  private async checkLegacySnapshot(room: string, data: Buffer) {
    try {
      Y.decodeUpdate(data)
    } catch (e) {
      throw new RoomDataError(
        room,
        `a stored snapshot from before digests is not a document (${String(e)}); left as it is`,
      )
    }
    const digest = createHash('sha1').update(data).digest()
    // Only the row read (a compaction on another node may have replaced it meanwhile, with its digest).
    await this.pool
      .query('UPDATE doc_snapshots SET digest = $2 WHERE room = $1 AND digest IS NULL AND data = $3', [
        room,
        digest,
        data,
      ])
      .catch((e) =>
        this.warn(`room ${room}: storing the digest of its snapshot failed (checked again next load): ${String(e)}`),
      )
  }

  append(room: string, update: Uint8Array): void {
    if (this.closed) {
      this.warn(`room ${room}: an update arrived after the store closed; not stored`)
      return
    }
    const state = this.stateOf(room)
    if (state.broken) return
    this.queue.push({ room, data: update })
    state.queued++
    state.size += update.length
    this.timer ??= setTimeout(() => {
      this.timer = null
      void this.startBatch().catch(() => {})
    }, this.flushIntervalMs)
  }

  /** The batch that will write everything queued now (and whatever is queued until it starts). */
  private startBatch(): Promise<void> {
    if (this.waiting) return this.waiting.done
    const batch: Batch = { done: Promise.resolve() }
    batch.done = this.chain.then(async () => {
      if (this.waiting === batch) this.waiting = null
      const items = this.queue
      this.queue = []
      if (items.length === 0) return
      const rooms = new Set<string>()
      for (const item of items) {
        const state = this.rooms.get(item.room)
        if (state) {
          state.queued = 0
          state.inflight = batch.done
        }
        rooms.add(item.room)
      }
      await this.write(items, rooms)
    })
    this.waiting = batch
    this.chain = batch.done.catch(() => {})
    return batch.done
  }

  private async write(items: Queued[], rooms: Set<string>) {
    // The same update twice in one statement is one row (ON CONFLICT would skip it anyway).
    // Append order is kept: applied in any other order, most of a client's updates would wait
    // in the document as pending updates, retried on every later one (500 updates in digest
    // order took ~4.7 s to rebuild).
    const seen = new Set<string>()
    const room: string[] = []
    const data: Buffer[] = []
    const digest: Buffer[] = []
    for (const item of items) {
      const d = createHash('sha1').update(item.data).digest()
      const key = `${item.room}\0${d.toString('hex')}`
      if (seen.has(key)) continue
      seen.add(key)
      room.push(item.room)
      data.push(Buffer.from(item.data.buffer, item.data.byteOffset, item.data.length))
      digest.push(d)
    }
    // Two nodes inserting the same relayed updates in different orders would take the unique
    // index's row locks in different orders and deadlock (40P01). So each batch first takes a
    // write lock per room, in one order every node agrees on (the lock keys, sorted): writers of
    // one room take turns, and the inserts never wait on each other.
    const locks = [...new Set(rooms)].map(roomLockKey).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    let client: PoolClient | null = null
    try {
      client = await this.pool.connect()
      await client.query('BEGIN')
      await client.query(
        'SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, n) ORDER BY n',
        [locks.map(String)],
      )
      await client.query(
        `INSERT INTO doc_updates (room, data, digest)
         SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[])
         ON CONFLICT (room, digest) DO NOTHING`,
        [room, data, digest],
      )
      await client.query('COMMIT')
      client.release()
    } catch (e) {
      // A connection that refused a write (read-only session, broken link) is not handed out again.
      client?.release(e instanceof Error ? e : new Error(String(e)))
      const error = new StorageUnavailableError(`PostgreSQL refused ${data.length} document updates`, e)
      for (const r of rooms) this.reportFailure(r, error)
      throw error
    }
  }

  private reportFailure(room: string, error: Error) {
    const state = this.rooms.get(room)
    if (state) {
      state.broken = error
      // What this room still has queued would be written behind the lost rows: dropped too.
      this.queue = this.queue.filter((q) => q.room !== room)
      state.queued = 0
    }
    this.warn(
      `room ${room}: persisting updates failed (${String(error.cause ?? error)}); the room stops accepting edits`,
    )
    for (const l of this.listeners) l(room, error)
  }

  async flush(room?: string): Promise<void> {
    if (room === undefined) {
      await Promise.all([...this.rooms.keys()].map((r) => this.flush(r)))
      return
    }
    const state = this.rooms.get(room)
    if (!state) return
    if (state.queued > 0) await this.startBatch().catch(() => {})
    else await state.inflight?.catch(() => {})
    if (state.broken) throw state.broken
  }

  onFailure(listener: (room: string, error: Error) => void) {
    this.listeners.push(listener)
  }

  async checkWritable(room: string): Promise<void> {
    const client = await this.pool.connect().catch((e) => {
      throw new StorageUnavailableError(`room ${room}: PostgreSQL is unreachable`, e)
    })
    let failed: unknown = null
    try {
      // The write a flush makes (a row of doc_updates: whatever refuses those refuses this), and
      // its removal, in one committed transaction: no other reader ever sees the row.
      await client.query('BEGIN')
      await client.query(
        `INSERT INTO doc_updates (room, data, digest) VALUES ($1, '\\x00', '\\x00')
         ON CONFLICT (room, digest) DO NOTHING`,
        [room],
      )
      await client.query("DELETE FROM doc_updates WHERE room = $1 AND digest = '\\x00'", [room])
      await client.query('COMMIT')
    } catch (e) {
      failed = e
      throw new StorageUnavailableError(`room ${room}: PostgreSQL still refuses writes`, e)
    } finally {
      client.release(failed instanceof Error ? failed : undefined)
    }
  }

  pendingLogBytes(room: string): number {
    return this.rooms.get(room)?.size ?? 0
  }

  compact(room: string, _state: Uint8Array | (() => Uint8Array)): Promise<void> {
    const previous = this.compactions.get(room) ?? Promise.resolve()
    const done = previous.then(() => this.compactNow(room))
    const settled = done.catch(() => {})
    this.compactions.set(room, settled)
    void settled.then(() => {
      if (this.compactions.get(room) === settled) this.compactions.delete(room)
    })
    return done
  }

  private async compactNow(room: string): Promise<void> {
    // What this node queued goes into the compaction (an unload leaves one snapshot row).
    await this.flush(room)
    const state = this.rooms.get(room)
    const sizeBefore = state?.size ?? 0
    let client: PoolClient
    try {
      client = await this.pool.connect()
    } catch (e) {
      throw new StorageUnavailableError(`room ${room}: PostgreSQL is unreachable`, e)
    }
    let failed: Error | undefined
    try {
      await client.query('BEGIN')
      const locked = await client.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtext('doc:' || $1::text)) AS ok",
        [room],
      )
      if (!locked.rows[0].ok) {
        // Another node is compacting this room: its compaction covers what we would fold.
        await client.query('ROLLBACK')
        if (state) state.size = Math.max(0, state.size - sizeBefore)
        return
      }
      const snapshot = await client.query<{ data: Buffer }>('SELECT data FROM doc_snapshots WHERE room = $1', [room])
      const rows = await client.query<{ id: string; data: Buffer }>(
        'SELECT id, data FROM doc_updates WHERE room = $1 ORDER BY id',
        [room],
      )
      if (rows.rows.length === 0) {
        await client.query('ROLLBACK')
        if (state) state.size = Math.max(0, state.size - sizeBefore)
        return
      }
      const parts = [...snapshot.rows, ...rows.rows].map((r) => new Uint8Array(r.data))
      const bytes = parts.reduce((n, p) => n + p.length, 0)
      const merged =
        bytes < (this.opts.inlineCompactBytes ?? 1024 * 1024) ? rebuildState(parts) : await this.worker.rebuild(parts)
      const snapshotBytes = Buffer.from(merged.buffer, merged.byteOffset, merged.length)
      await client.query(
        `INSERT INTO doc_snapshots (room, data, digest) VALUES ($1, $2, $3)
         ON CONFLICT (room) DO UPDATE SET data = excluded.data, digest = excluded.digest, updated_at = now()`,
        [room, snapshotBytes, createHash('sha1').update(snapshotBytes).digest()],
      )
      // Exactly the rows read: a row with a lower id may commit after the read (never `id <= max`).
      await client.query('DELETE FROM doc_updates WHERE id = ANY($1::bigint[])', [rows.rows.map((r) => r.id)])
      await client.query('COMMIT')
      if (state) state.size = Math.max(0, state.size - sizeBefore)
    } catch (e) {
      failed = e instanceof Error ? e : new Error(String(e))
      await client.query('ROLLBACK').catch(() => {})
      throw new StorageUnavailableError(`room ${room}: compaction failed in PostgreSQL`, e)
    } finally {
      client.release(failed)
    }
  }

  async release(room: string): Promise<void> {
    await this.flush(room).catch(() => {})
    await this.compactions.get(room)
    this.rooms.delete(room)
  }

  async remove(room: string): Promise<void> {
    await this.compactions.get(room)
    this.queue = this.queue.filter((q) => q.room !== room)
    this.rooms.delete(room)
    const client = await this.pool.connect().catch((e) => {
      throw new StorageUnavailableError(`room ${room}: PostgreSQL is unreachable`, e)
    })
    let failed: Error | undefined
    try {
      await client.query('BEGIN')
      // Waits for another node's compaction of the room, which would write its snapshot back.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('doc:' || $1::text))", [room])
      await client.query('DELETE FROM doc_updates WHERE room = $1', [room])
      await client.query('DELETE FROM doc_snapshots WHERE room = $1', [room])
      await client.query('COMMIT')
    } catch (e) {
      failed = e instanceof Error ? e : new Error(String(e))
      await client.query('ROLLBACK').catch(() => {})
      throw new StorageUnavailableError(`room ${room}: cannot delete the document in PostgreSQL`, e)
    } finally {
      client.release(failed)
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await Promise.all([...this.rooms.keys()].map((room) => this.release(room)))
    this.closed = true
    await Promise.all([...this.compactions.values()])
    await this.worker.terminate()
  }

  private warn(msg: string) {
    ;(this.opts.log ?? console.warn)(`[storage] ${msg}`)
  }
}

/** The advisory lock key (a signed 64-bit integer) under which a node writes a room's rows. */
function roomLockKey(room: string): bigint {
  return createHash('sha1').update(`docw:${room}`).digest().readBigInt64BE(0)
}

/** The compaction worker thread (server/pg/rebuildWorker.ts). */
class RebuildWorker {
  private readonly thread = new IdleWorker<RebuildRequest, RebuildReply>(
    new URL('./rebuildWorker.boot.mjs', import.meta.url),
  )

  async rebuild(parts: Uint8Array[]): Promise<Uint8Array> {
    const reply = await this.thread.request({ parts })
    if (reply.ok) return reply.state
    throw new Error(`compaction failed: ${reply.error}`)
  }

  terminate() {
    return this.thread.terminate()
  }
}
