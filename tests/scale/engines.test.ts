import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../server/pg/migrate.ts'
import { createPool } from '../../server/pg/pool.ts'
import { redisClient } from '../helpers/engines.ts'
import { fileEngines } from '../helpers/fileEngines.ts'

const engines = fileEngines({ redis: true })

describe('the real engines the multi-node tests run on', () => {
  it('a Redis restarted on its port comes back empty (it is fan-out, not storage)', async () => {
    const client = redisClient(engines.redis.url, { maxRetriesPerRequest: 50, retryStrategy: () => 50 })
    await client.set('k', 'v')
    expect(await client.get('k')).toBe('v')
    await engines.redis.stop()
    await engines.redis.start()
    expect(await client.get('k')).toBeNull()
    client.disconnect()
  })
})

describe('schema migrations', () => {
  it('the repository migrations apply to an empty database, and a second run applies none', async () => {
    const url = await engines.pg.createDatabase('repo_migrations')
    const pool = createPool(url)
    try {
      const versions = readMigrations().map((m) => m.version)
      expect(await migrate(pool)).toEqual(versions)
      expect(await migrate(pool)).toEqual([])
    } finally {
      await pool.end()
    }
  })

  it('nodes starting together apply each migration once; a failing one is rolled back and named', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'warroom-migrations-'))
    const url = await engines.pg.createDatabase('concurrent_migrations')
    const pools = [createPool(url), createPool(url), createPool(url)]
    try {
      writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE t1 (id int PRIMARY KEY); INSERT INTO t1 VALUES (1);')
      writeFileSync(path.join(dir, '002_second.sql'), 'ALTER TABLE t1 ADD COLUMN note text;')
      const results = await Promise.all(pools.map((p) => migrate(p, readMigrations(dir))))
      expect(results.flat().sort()).toEqual([1, 2])
      const rows = await pools[0].query('SELECT id, note FROM t1')
      expect(rows.rows).toEqual([{ id: 1, note: null }])

      writeFileSync(path.join(dir, '003_broken.sql'), 'CREATE TABLE t3 (id int); SELECT no_such_function();')
      await expect(migrate(pools[0], readMigrations(dir))).rejects.toThrow(/migration 3_broken failed/)
      const t3 = await pools[0].query("SELECT to_regclass('t3') AS t")
      expect(t3.rows[0].t).toBeNull()
      const versions = await pools[0].query('SELECT version FROM schema_migrations ORDER BY version')
      expect(versions.rows.map((r) => r.version)).toEqual([1, 2])
    } finally {
      await Promise.all(pools.map((p) => p.end()))
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
