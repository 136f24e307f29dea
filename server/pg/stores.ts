/**
 * Everything the PostgreSQL mode (`DATABASE_URL`, docs/scale-out.md) keeps in the database, opened
 * together on one pool: migrations applied first, then the stores. `close` flushes the stores, then
 * ends the pool.
 */
import pg from 'pg'
import type { ServerConfig } from '../config.ts'
import { migrate } from './migrate.ts'
import { PgAssetStore, PgAuditLog, PgReviewStore, PgVoteStore } from './PgContentStores.ts'
import { PgDocStore } from './PgDocStore.ts'
import { PgPlanStore } from './PgPlanStore.ts'
import { PgRecords } from './PgRecords.ts'
import { createPool, type Pool } from './pool.ts'

export interface PostgresStores {
  pool: Pool
  docs: PgDocStore
  /** Users, sessions, accounts, members (server/pg/PgRecords.ts). */
  records: PgRecords
  reviews: PgReviewStore
  assets: PgAssetStore
  audit: PgAuditLog
  votes: PgVoteStore
  plans: PgPlanStore
  /** Flushes and closes the stores, releases the node lock, ends the pool. */
  close(): Promise<void>
}

/** Advisory lock key of "a node runs on this database" (shared: with Redis; exclusive: without). */
export const NODE_LOCK = 7_347_015

/** A second node on the same database cannot run safely (no fan-out between them). */
export class NodeLockedError extends Error {
  constructor(withRedis: boolean) {
    super(
      withRedis
        ? 'Another War Room node runs on this DATABASE_URL without REDIS_URL: nodes without fan-out would serve diverging rooms. ' +
            'Stop it, or restart it with REDIS_URL like this one.'
        : 'Another War Room node already runs on this DATABASE_URL. Several nodes need REDIS_URL (the fan-out between them) on every node; ' +
            'without it only one node may run, as with one DATA_DIR.',
    )
    this.name = 'NodeLockedError'
  }
}

export interface OpenOptions {
  /** Warnings of the stores (and errors of idle connections). */
  log?: (msg: string) => void
}

export async function openPostgresStores(config: ServerConfig, options: OpenOptions = {}): Promise<PostgresStores> {
  const log = options.log ?? ((msg: string) => console.warn(msg))
  const pool = createPool(config.databaseUrl, {
    onError: (e) => log(`[postgres] idle connection failed: ${e.message}`),
  })
  let lock: pg.Client | null = null
  try {
    await migrate(pool)
    lock = await takeNodeLock(config.databaseUrl, Boolean(config.redisUrl), log)
    const docs = new PgDocStore(pool, { flushIntervalMs: config.flushIntervalMs, log })
    const records = await PgRecords.open(pool, { url: config.databaseUrl, log })
    const audit = new PgAuditLog(pool, log)
    let closing: Promise<void> | null = null
    const held = lock
    return {
      pool,
      docs,
      records,
      reviews: new PgReviewStore(pool),
      assets: new PgAssetStore(pool),
      audit,
      votes: new PgVoteStore(pool),
      plans: new PgPlanStore(pool),
      close() {
        closing ??= (async () => {
          await docs.close()
          await audit.close()
          await records.close()
          await held.end().catch(() => {})
          await pool.end()
        })()
        return closing
      },
    }
  } catch (e) {
    await lock?.end().catch(() => {})
    await pool.end().catch(() => {})
    throw e
  }
}

/**
 * Holds the node lock for the life of the process on a connection of its own (session level: it
 * ends with the connection, so a killed node's lock goes with it). Without Redis the lock is
 * exclusive (one node); with Redis shared (any number), which still refuses a mix of both.
 */
async function takeNodeLock(url: string, withRedis: boolean, log: (msg: string) => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'war-room node lock' })
  client.on('error', (e) => log(`[postgres] the node lock's connection failed: ${e.message}`))
  await client.connect()
  try {
    const fn = withRedis ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'
    const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}($1) AS ok`, [NODE_LOCK])
    if (!rows[0].ok) throw new NodeLockedError(withRedis)
    return client
  } catch (e) {
    await client.end().catch(() => {})
    throw e
  }
}
