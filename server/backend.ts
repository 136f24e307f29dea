/**
 * Where this server keeps what must last: the embedded default (files under `DATA_DIR`, locked
 * against a second process) or PostgreSQL (`DATABASE_URL`, docs/scale-out.md). server/server.ts
 * opens one `Backend` and hands its stores to the services; the multi-node parts (records store,
 * fan-out) plug in here too.
 */
import type { ServerConfig } from './config.ts'
import type { Records } from './db/Records.ts'
import type { Pool } from './pg/pool.ts'
import { openPostgresStores } from './pg/stores.ts'
import { lockDataDir } from './storage/DataDirLock.ts'
import type { DocStore } from './storage/DocStore.ts'
import { FileDocStore } from './storage/FileDocStore.ts'
import type { StorageFs } from './storage/fsLayer.ts'

export interface Backend {
  mode: 'files' | 'postgres'
  docs: DocStore
  /** The PostgreSQL pool (postgres mode), for the other stores of that mode; null with files. */
  pool: Pool | null
  /** The records (users, sessions, accounts, members) in PostgreSQL; null with files (lowdb's db.json). */
  records: Records | null
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
    const pg = await openPostgresStores(config, { log: options.log })
    const docs = options.docs ?? pg.docs
    return {
      mode: 'postgres',
      docs,
      pool: pg.pool,
      records: pg.records,
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
  return {
    mode: 'files',
    docs,
    pool: null,
    records: null,
    async close() {
      try {
        await docs.close()
      } finally {
        lock.release()
      }
    },
  }
}
