/**
 * The real server in the PostgreSQL mode (DATABASE_URL): documents survive a restart from the
 * database, a second node without REDIS_URL is refused, and a database that refuses writes gives
 * the same "cannot save" behaviour as a full disk (close code 4507, nothing silently lost).
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { NodeLockedError } from '../../server/pg/stores.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { type Postgres, startPostgres } from '../helpers/engines.ts'
import { eventually, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

let postgres: Postgres
beforeAll(async () => {
  postgres = await startPostgres()
})
afterAll(async () => {
  await postgres?.destroy()
})

let databases = 0
async function database() {
  const name = `server_${++databases}`
  return { name, url: await postgres.createDatabase(name) }
}

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

describe('the server on PostgreSQL (DATABASE_URL)', () => {
  it('edits are stored in the database and are there after a restart', async () => {
    const { url } = await database()
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    const server = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    const writer = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    await whenSynced(writer.provider)
    for (let i = 0; i < 50; i++) writer.doc.getArray<number>('a').push([i])
    writer.doc.getMap('m').set('title', '华东大客户')
    await eventually(async () => {
      const rows = await query(url, "SELECT count(*)::int AS n FROM doc_updates WHERE room = 'acme'")
      expect(rows[0].n).toBeGreaterThan(0)
    })
    writer.destroy()
    await server.close()
    // The documents live in PostgreSQL, not in DATA_DIR; the room was compacted on unload.
    expect(existsSync(path.join(data.dir, 'rooms', 'acme'))).toBe(false)
    expect((await query(url, "SELECT count(*)::int AS n FROM doc_snapshots WHERE room = 'acme'"))[0].n).toBe(1)

    const again = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    onTestFinished(() => again.close())
    const reader = connectClient(wsUrl(again), 'acme', undefined, { cookie: again.cookie })
    onTestFinished(() => reader.destroy())
    await whenSynced(reader.provider)
    expect(reader.doc.getArray('a').toArray()).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(reader.doc.getMap('m').get('title')).toBe('华东大客户')
  })

  it('a second node on the same database without REDIS_URL refuses to start, with a clear message', async () => {
    const { url } = await database()
    const [d1, d2] = [tempDataDir(), tempDataDir()]
    onTestFinished(() => {
      d1.remove()
      d2.remove()
    })
    const first = await startTestServer({ dataDir: d1.dir, databaseUrl: url })
    const second = startTestServer({ dataDir: d2.dir, databaseUrl: url })
    await expect(second).rejects.toBeInstanceOf(NodeLockedError)
    await expect(second).rejects.toThrow(/REDIS_URL/)
    // With Redis configured, the node refuses too: the first one has no fan-out.
    await expect(
      startTestServer({ dataDir: d2.dir, databaseUrl: url, redisUrl: 'redis://127.0.0.1:1' }),
    ).rejects.toBeInstanceOf(NodeLockedError)
    await first.close()
    // The lock goes with the node.
    const next = await startTestServer({ dataDir: d2.dir, databaseUrl: url })
    await next.close()
  })

  it('a database that refuses writes closes the room with 4507; once it takes writes, nothing is lost', async () => {
    const { name, url } = await database()
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    const server = await startTestServer({
      dataDir: data.dir,
      databaseUrl: url,
      accounts: ['acme'],
      storageRetryMs: 200,
    })
    onTestFinished(() => server.close())
    const client = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    onTestFinished(() => client.destroy())
    const closes: number[] = []
    client.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closes.push(event.code)
    })
    await whenSynced(client.provider)
    const list = client.doc.getArray<string>('a')
    list.push(['before'])
    await eventually(async () => {
      expect((await query(url, 'SELECT count(*)::int AS n FROM doc_updates'))[0].n).toBeGreaterThan(0)
    })

    const admin = url.replace(/\/[^/]+$/, '/postgres')
    const setReadOnly = async (on: boolean) => {
      await query(admin, `ALTER DATABASE ${name} SET default_transaction_read_only = ${on ? 'on' : 'off'}`)
      await query(admin, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`)
    }
    await setReadOnly(true)
    list.push(['while read-only'])
    await eventually(() => expect(closes).toContain(CloseCode.StorageUnavailable), 10_000)
    await eventually(async () => {
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(503)
    })
    await setReadOnly(false)
    // The client reconnects (y-websocket retries), the room reloads from the database, and the
    // sync exchange sends the edit the database refused.
    await eventually(async () => {
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(200)
    }, 15_000)
    await eventually(() => expect(client.provider.synced).toBe(true), 15_000)
    list.push(['after'])
    const reader = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    onTestFinished(() => reader.destroy())
    await whenSynced(reader.provider)
    await eventually(() => expect(reader.doc.getArray('a').toArray()).toEqual(['before', 'while read-only', 'after']))
    await server.close()
    const stored = await query(
      url,
      'SELECT (SELECT count(*) FROM doc_updates)::int + (SELECT count(*) FROM doc_snapshots)::int AS n',
    )
    expect(stored[0].n).toBeGreaterThan(0)
    const restarted = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    onTestFinished(() => restarted.close())
    const last = connectClient(wsUrl(restarted), 'acme', undefined, { cookie: restarted.cookie })
    onTestFinished(() => last.destroy())
    await whenSynced(last.provider)
    expect(last.doc.getArray('a').toArray()).toEqual(['before', 'while read-only', 'after'])
  })
})
