/**
 * Everything the PostgreSQL mode (`DATABASE_URL`, docs/scale-out.md) keeps in the database, opened
 * together on one pool: migrations applied first, then the stores. `close` flushes the stores, then
 * ends the pool.
 */
import path from 'node:path'
import pg from 'pg'
import { auditSpillFile } from '../audit/AuditLog.ts'
import type { ServerConfig } from '../config.ts'
import { migrate } from './migrate.ts'
import { PgAssetStore, PgAuditLog, PgReviewStore, PgVoteStore } from './PgContentStores.ts'
import { PgDocStore } from './PgDocStore.ts'
import { PgPlanStore } from './PgPlanStore.ts'
import { PgRecords } from './PgRecords.ts'
import { PgPlanLeases } from './PlanLeases.ts'
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
  /** The node lock (its state: /healthz; lost to another node: the server stops serving). */
  lock: NodeLock
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
  let lock: NodeLock | null = null
  try {
    await migrate(pool)
    lock = await NodeLock.take(config.databaseUrl, Boolean(config.redisUrl), log)
    const docs = new PgDocStore(pool, { flushIntervalMs: config.flushIntervalMs, log })
    const records = await PgRecords.open(pool, { url: config.databaseUrl, log })
    // The node's own spill file for entries PostgreSQL refuses (beside the file log's, never the same).
    const audit = new PgAuditLog(pool, log, {
      spillFile: auditSpillFile(path.join(config.dataDir, 'pg'), config.auditSpillDir),
    })
    // Several nodes (Redis): one node per room derives its plan; alone, this node derives them all.
    const leases = config.redisUrl ? new PgPlanLeases(config.databaseUrl, log, config.nodeId) : null
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
      plans: new PgPlanStore(pool, leases),
      lock: held,
      close() {
        closing ??= (async () => {
          await docs.close()
          await audit.close()
          await records.close()
          await leases?.close()
          await held.release()
          await pool.end()
        })()
        return closing
      },
    }
  } catch (e) {
    await lock?.release()
    await pool.end().catch(() => {})
    throw e
  }
}

/**
 * Holds the node lock for the life of the process on a connection of its own (session level: it
 * ends with the connection, so a killed node's lock goes with it). Without Redis the lock is
 * exclusive (one node); with Redis shared (any number), which still refuses a mix of both.
 *
 * The lock goes with its connection on the database's side too: after a PostgreSQL restart (or a
 * network break, or the connection terminated by an operator) this node no longer holds it, and a
 * second node without Redis could start. So a lost connection is reconnected every second and the
 * lock taken again. Until another node holds it, this node goes on serving (a PostgreSQL restart
 * must not take every node out). If another node took it meanwhile (one without Redis, or this one
 * is without Redis), the two would serve diverging rooms: this node is **fenced** — `fencedSince`
 * is set and the `onChange` listeners are told (server/server.ts closes every socket with
 * `CloseCode.TryAgainLater` and refuses to serve, `/healthz` answers 503) — and it keeps trying
 * (logged as an error each time) until it holds the lock again, then it serves again.
 */
export class NodeLock {
  private client: pg.Client | null = null
  private closed = false
  private retry: NodeJS.Timeout | null = null
  /** Whether the lock is held right now (tests, logs). */
  held = false
  /** Since when another node holds the lock this one lost (null: not fenced). */
  fencedSince: Date | null = null
  private readonly listeners = new Set<(fenced: boolean) => void>()

  private constructor(
    private readonly url: string,
    private readonly withRedis: boolean,
    private readonly log: (msg: string) => void,
  ) {}

  static async take(url: string, withRedis: boolean, log: (msg: string) => void): Promise<NodeLock> {
    const lock = new NodeLock(url, withRedis, log)
    await lock.acquire()
    return lock
  }

  /** Told `true` when this node is fenced (another node took the lock), `false` when it holds it again. */
  onChange(listener: (fenced: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private setFenced(fenced: boolean) {
    if (fenced === (this.fencedSince !== null)) return
    this.fencedSince = fenced ? new Date() : null
    for (const listener of this.listeners) {
      try {
        listener(fenced)
      } catch (e) {
        this.log(`[postgres] a node lock listener failed: ${String(e)}`)
      }
    }
  }

  /** Connects and takes the lock; throws NodeLockedError when another node holds it. */
  private async acquire(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'war-room node lock' })
    client.on('error', (e) => this.log(`[postgres] the node lock's connection failed: ${e.message}`))
    await client.connect()
    try {
      const fn = this.withRedis ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'
      const { rows } = await client.query<{ ok: boolean }>(`SELECT ${fn}($1) AS ok`, [NODE_LOCK])
      if (!rows[0].ok) throw new NodeLockedError(this.withRedis)
    } catch (e) {
      await client.end().catch(() => {})
      throw e
    }
    this.client = client
    this.held = true
    client.once('end', () => {
      if (this.client !== client) return
      this.client = null
      this.held = false
      if (this.closed) return
      this.log('[postgres] the node lock was lost with its connection; taking it again')
      this.scheduleRetry()
    })
  }

  private scheduleRetry() {
    if (this.closed || this.retry) return
    this.retry = setTimeout(async () => {
      this.retry = null
      if (this.closed) return
      try {
        await this.acquire()
        if (this.closed) await this.release()
        else {
          this.log('[postgres] the node lock is held again')
          this.setFenced(false)
        }
      } catch (e) {
        if (e instanceof NodeLockedError) {
          this.log(
            `[postgres] ERROR: another node took the node lock while this one had lost it; this node stops serving until it holds it again: ${e.message}`,
          )
          if (!this.closed) this.setFenced(true)
        }
        this.scheduleRetry()
      }
    }, 1000)
    this.retry.unref()
  }

  async release(): Promise<void> {
    this.closed = true
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
    const client = this.client
    this.client = null
    this.held = false
    await client?.end().catch(() => {})
  }
}
