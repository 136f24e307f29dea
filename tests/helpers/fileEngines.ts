/**
 * The real engines of one test file (tests/helpers/engines.ts): PostgreSQL and/or Redis started
 * in the file's `beforeAll` and stopped in its `afterAll`, after the file's own clean-ups (newest
 * first). Every multi-node test file used to write these hooks itself.
 *
 *   const engines = fileEngines({ redis: true })
 *   it('…', async () => { const url = await engines.database('fanout'); … })
 */
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import { migrate } from '../../server/pg/migrate.ts'
import { createPool, type Pool } from '../../server/pg/pool.ts'
import { type Postgres, type PostgresOptions, type Redis, startPostgres, startRedis } from './engines.ts'

export interface FileEngines {
  /** This file's PostgreSQL (unless started with `pg: false`). */
  readonly pg: Postgres
  /** This file's Redis (when started with `redis: true`). */
  readonly redis: Redis
  /** Run after the file's tests (newest first), before the engines stop. */
  cleanup(...fns: (() => unknown)[]): void
  /** A fresh, empty database `<prefix>_<n>` on this file's PostgreSQL; its URL. */
  database(prefix: string): Promise<string>
  /**
   * A fresh database with the repository's migrations applied: `admin` is a pool on it, `pool()`
   * opens another one (another node, a restart). Every pool ends when the test does.
   */
  migrated(prefix: string): Promise<{ url: string; admin: Pool; pool(): Pool }>
}

export function fileEngines(options: { pg?: boolean | PostgresOptions; redis?: boolean } = {}): FileEngines {
  const wantPg = options.pg ?? true
  let pg: Postgres | undefined
  let redis: Redis | undefined
  const cleanups: (() => unknown)[] = []
  let databases = 0
  beforeAll(async () => {
    ;[pg, redis] = await Promise.all([
      wantPg ? startPostgres(typeof wantPg === 'object' ? wantPg : {}) : undefined,
      options.redis ? startRedis() : undefined,
    ])
  })
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
    await Promise.all([pg?.destroy(), redis?.destroy()])
  })
  const engines: FileEngines = {
    get pg() {
      if (!pg) throw new Error('PostgreSQL is not started in this file (fileEngines: pg)')
      return pg
    },
    get redis() {
      if (!redis) throw new Error('Redis is not started in this file (fileEngines({ redis: true }))')
      return redis
    },
    cleanup(...fns) {
      cleanups.push(...fns)
    },
    database(prefix) {
      return engines.pg.createDatabase(`${prefix}_${++databases}`)
    },
    async migrated(prefix) {
      const url = await engines.database(prefix)
      const pools: Pool[] = []
      onTestFinished(async () => {
        await Promise.all(pools.map((p) => p.end()))
      })
      const pool = () => {
        const p = createPool(url)
        pools.push(p)
        return p
      }
      const admin = pool()
      await migrate(admin)
      return { url, admin, pool }
    },
  }
  return engines
}
