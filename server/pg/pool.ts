/**
 * The PostgreSQL connection pool of the multi-node mode (`DATABASE_URL`, docs/scale-out.md), through
 * `pg` (node-postgres). Every store of that mode shares one pool per process.
 */
import pg from 'pg'

export type Pool = pg.Pool
export type PoolClient = pg.PoolClient

export interface PoolOptions {
  /** Most connections this process opens (default 10). */
  max?: number
  /** Called with errors of idle connections (the server restarted, the network broke): logged, not fatal. */
  onError?: (error: Error) => void
}

export function createPool(url: string, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A statement that hangs (a lock held by a dead node's transaction) fails instead of blocking the node.
    statement_timeout: 15_000,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'war-room',
  })
  // Without a listener, an idle connection's error (PostgreSQL restarted) would crash the process.
  pool.on('error', (e) => options.onError?.(e))
  // pg-pool listens only while a connection is idle: one checked out and between two statements
  // (a transaction while its JavaScript runs) that PostgreSQL terminates (restart, failover,
  // pg_terminate_backend) emitted an unhandled 'error' and crashed the process (seen in
  // tests/scale/pg-server.test.ts). Its next statement fails on its own; the error is only logged.
  pool.on('connect', (client) => {
    client.on('error', (e) => options.onError?.(e))
  })
  return pool
}

/** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK on any error). */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {})
    throw e
  } finally {
    client.release()
  }
}
