/**
 * Expired sessions are deleted by a periodic sweep (SESSION_SWEEP_MS, server/server.ts), not only
 * when someone signs in — on the embedded records (db.json) and on PostgreSQL (the sessions table),
 * with two nodes sweeping the same table.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'
import { api, setupAdmin, userWithSession } from '../helpers/auth.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { eventually, startTestServer, type TestServer, tempDataDir } from '../helpers/server.ts'

const engines = fileEngines({ redis: true })

// Long enough for the sessions to be used once on a loaded machine; the sweep runs every 200 ms.
const TTL = 3000
const SWEEP = 200

async function start(extra: Record<string, unknown> = {}): Promise<TestServer> {
  const data = tempDataDir()
  onTestFinished(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, sessionTtlMs: TTL, sessionSweepMs: SWEEP, ...extra })
  onTestFinished(() => server.close())
  return server
}

describe('expired sessions are swept', () => {
  it('embedded records: deleted from db.json with nobody signing in', async () => {
    const server = await start()
    const admin = await setupAdmin(server)
    await userWithSession(server, admin, 'ann@example.com')
    expect((await api(server, 'GET', '/api/me', { cookie: admin })).status).toBe(200)
    expect(Object.keys(server.db.data.sessions).length).toBe(2)
    await eventually(() => expect(Object.keys(server.db.data.sessions)).toEqual([]), 20_000)
    // The file follows once the sweep's write is done (the records in memory change first).
    await eventually(() => {
      const file = JSON.parse(readFileSync(path.join(server.config.dataDir, 'db.json'), 'utf8')) as {
        sessions: Record<string, unknown>
      }
      expect(file.sessions).toEqual({})
    })
    expect((await api(server, 'GET', '/api/me', { cookie: admin })).status).toBe(401)
  })

  it('PostgreSQL, two nodes sweeping one table: the rows go, on both nodes', async () => {
    const url = await engines.pg.createDatabase('sweep')
    const a = await start({ databaseUrl: url, redisUrl: engines.redis.url, nodeId: 'a' })
    const b = await start({ databaseUrl: url, redisUrl: engines.redis.url, nodeId: 'b' })
    const admin = await setupAdmin(a)
    await userWithSession(b, admin, 'ann@example.com')
    const count = async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      try {
        return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions')).rows[0].n
      } finally {
        await c.end()
      }
    }
    expect(await count()).toBe(2)
    await eventually(async () => expect(await count()).toBe(0), 20_000)
    // Both mirrors follow (the sweep's change reached the other node through the change feed).
    await eventually(() => {
      expect(Object.keys(a.db.data.sessions)).toEqual([])
      expect(Object.keys(b.db.data.sessions)).toEqual([])
    })
    expect((await api(b, 'GET', '/api/me', { cookie: admin })).status).toBe(401)
  })
})
