/**
 * Where this server keeps what must last: the embedded default (files under `DATA_DIR`, locked
 * against a second process) or PostgreSQL (`DATABASE_URL`, docs/scale-out.md). server/server.ts
 * opens one `Backend` and hands its stores to the services; the multi-node parts (records store,
 * fan-out) plug in here too.
 */
import { type AssetStore, FileAssetStore } from './assets/AssetStore.ts'
import { AuditLog, type AuditStore } from './audit/AuditLog.ts'
import type { ServerConfig } from './config.ts'
import type { Records } from './db/Records.ts'
import { FileVoteStore, type VoteStore } from './live/VoteStore.ts'
import type { Pool } from './pg/pool.ts'
import { FilePlanStore, type PlanStore } from './plan/PlanStore.ts'
import { FileReviewStore } from './reviews/FileReviewStore.ts'
import type { ReviewStore } from './reviews/ReviewStore.ts'
import { lockDataDir } from './storage/DataDirLock.ts'
import type { DocStore } from './storage/DocStore.ts'
import { FileDocStore } from './storage/FileDocStore.ts'
import type { StorageFs } from './storage/fsLayer.ts'

/**
 * The PostgreSQL mode's node lock as the server sees it (server/pg/stores.ts `NodeLock`): fenced
 * while another node holds the lock this one lost — the server then stops serving.
 */
export interface NodeFence {
  /** Whether this node holds the lock right now (false for a moment after its connection was lost). */
  readonly held: boolean
  /** Since when another node holds the lock (null: this node may serve). */
  readonly fencedSince: Date | null
  /** Told `true` when fenced, `false` when the lock is held again; returns the unsubscribe. */
  onChange(listener: (fenced: boolean) => void): () => void
}

export interface Backend {
  mode: 'files' | 'postgres'
  docs: DocStore
  reviews: ReviewStore
  assets: AssetStore
  audit: AuditStore
  votes: VoteStore
  /** Derived plan records (files under DATA_DIR/plans, or the `plans` table shared by every node). */
  plans: PlanStore
  /** The PostgreSQL pool (postgres mode), for the other stores of that mode; null with files. */
  pool: Pool | null
  /** The records (users, sessions, accounts, members) in PostgreSQL; null with files (lowdb's db.json). */
  records: Records | null
  /** The node lock (postgres mode); null with files (DATA_DIR's lock is taken once, at start). */
  fence: NodeFence | null
  /** Closes the stores and releases the data directory's lock or the database. */
  close(): Promise<void>
}

export interface BackendOptions {
  /** A document store to use instead of the configured one (tests). */
  docs?: DocStore
  /** File-system layer of the embedded store (fault-injection tests). */
  fs?: StorageFs
  /** Warnings of the stores. */
  log: (msg: string) => void
}

export async function openBackend(config: ServerConfig, options: BackendOptions): Promise<Backend> {
  if (config.databaseUrl) {
    // Loaded only in this mode: pg, ioredis and immer cost an embedded server ~10 MB idle (issue 11).
    const { openPostgresStores } = await import('./pg/stores.ts')
    const pg = await openPostgresStores(config, { log: options.log })
    const docs = options.docs ?? pg.docs
    return {
      mode: 'postgres',
      docs,
      reviews: pg.reviews,
      assets: pg.assets,
      audit: pg.audit,
      votes: pg.votes,
      plans: pg.plans,
      pool: pg.pool,
      records: pg.records,
      fence: pg.lock,
      async close() {
        if (docs !== pg.docs) await docs.close()
        await pg.close()
      },
    }
  }
  const lock = lockDataDir(config.dataDir)
  const docs =
    options.docs ??
    new FileDocStore(config.dataDir, { flushIntervalMs: config.flushIntervalMs, log: options.log, fs: options.fs })
  const reviews = new FileReviewStore(config.dataDir, options.log)
  const audit = new AuditLog(config.dataDir, options.log, {
    fs: options.fs,
    rotateBytes: config.auditRotateBytes,
    spillDir: config.auditSpillDir,
  })
  return {
    mode: 'files',
    docs,
    reviews,
    assets: new FileAssetStore(config.dataDir),
    audit,
    votes: new FileVoteStore(config.dataDir, options.fs),
    plans: new FilePlanStore(config.dataDir, options.fs),
    pool: null,
    records: null,
    fence: null,
    async close() {
      try {
        await docs.close()
        await reviews.close()
        await audit.close()
      } finally {
        lock.release()
      }
    },
  }
}
