/**
 * The real server in the PostgreSQL mode (DATABASE_URL): documents survive a restart from the
 * database, a second node without REDIS_URL is refused, and a database that refuses writes gives
 * the same "cannot save" behaviour as a full disk (close code 4507, nothing silently lost).
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'
import WebSocket from 'ws'
import { NODE_LOCK, NodeLockedError } from '../../server/pg/stores.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { api } from '../helpers/auth.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { closed, eventually, opened, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const engines = fileEngines()

async function database() {
  const url = await engines.database('server')
  return { name: url.slice(url.lastIndexOf('/') + 1), url }
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

  it('assets, reviews, the audit log and votes are kept in the database and served after a restart', async () => {
    const { url } = await database()
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    let server = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    onTestFinished(() => server.close())
    const cookie = server.cookie
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256)),
    ])
    const form = new FormData()
    form.set('file', new File([new Uint8Array(png)], 'pasted.png', { type: 'image/png' }))
    const uploaded = await fetch(`${server.url}/api/accounts/acme/assets`, {
      method: 'POST',
      body: form,
      headers: { cookie },
    })
    expect(uploaded.status).toBe(201)
    const { url: assetUrl } = (await uploaded.json()) as { url: string }
    const taken = await api(server, 'POST', '/api/accounts/acme/reviews', { cookie, body: { title: '十一月复盘' } })
    expect(taken.status, await taken.clone().text()).toBe(201)
    const { review } = (await taken.json()) as { review: { id: string } }
    const opened = await api(server, 'POST', '/api/accounts/acme/votes', {
      cookie,
      body: { question: '先攻哪个阻碍？', shapeTypes: ['blocker'], votesPerPerson: 2 },
    })
    expect(opened.status, await opened.clone().text()).toBe(201)
    await server.close()

    // Nothing of it is in DATA_DIR: a node with another (or an empty) DATA_DIR serves the same.
    for (const f of ['assets', 'reviews', 'audit.log', 'votes.json'])
      expect(existsSync(path.join(data.dir, f)), f).toBe(false)
    const counts = await query(
      url,
      `SELECT (SELECT count(*) FROM assets)::int AS assets, (SELECT count(*) FROM reviews)::int AS reviews,
              (SELECT count(*) FROM votes)::int AS votes, (SELECT count(*) FROM audit_log WHERE action = 'review.take')::int AS audit`,
    )
    expect(counts[0]).toEqual({ assets: 1, reviews: 1, votes: 1, audit: 1 })

    server = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    const again = server.cookie
    const asset = await fetch(`${server.url}${assetUrl}`, { headers: { cookie: again } })
    expect(asset.status).toBe(200)
    expect(Buffer.from(await asset.arrayBuffer()).equals(png)).toBe(true)
    const list = (await (await api(server, 'GET', '/api/accounts/acme/reviews', { cookie: again })).json()) as {
      reviews: { id: string; title: string }[]
    }
    expect(list.reviews.map((r) => [r.id, r.title])).toEqual([[review.id, '十一月复盘']])
    const one = await api(server, 'GET', `/api/accounts/acme/reviews/${review.id}`, { cookie: again })
    expect(one.status).toBe(200)
    const doc = await api(server, 'GET', `/api/accounts/acme/reviews/${review.id}/document`, { cookie: again })
    expect(doc.status).toBe(200)
    const audit = (await (await api(server, 'GET', '/api/audit?action=review.take', { cookie: again })).json()) as {
      entries: { action: string; target?: Record<string, string> }[]
    }
    expect(audit.entries).toHaveLength(1)
    const votes = (await (await api(server, 'GET', '/api/accounts/acme/votes', { cookie: again })).json()) as {
      votes: { question: string; status: string }[]
    }
    expect(votes.votes).toMatchObject([{ question: '先攻哪个阻碍？', status: 'open' }])
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

  it('a WebSocket upgrade still waiting for the records catch-up when the server closes does not hold the close', async () => {
    const { url } = await database()
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    const server = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    // The catch-up before /sync reads records_state: held behind a lock, the upgrade waits in it.
    const locker = new pg.Client({ connectionString: url })
    await locker.connect()
    onTestFinished(() => locker.end())
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE records_state IN ACCESS EXCLUSIVE MODE')
    const ws = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie: server.cookie } })
    ws.on('error', () => {})
    onTestFinished(() => ws.terminate())
    const opened: string[] = []
    ws.on('open', () => opened.push('open'))
    const ended = new Promise<void>((resolve) => ws.once('close', () => resolve()))
    await eventually(async () => {
      const rows = await query(
        url,
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%records_state%'",
      )
      expect(rows.length).toBeGreaterThan(0)
    }, 20_000)
    const closing = server.close()
    // The catch-up completes after close began (before the fix the socket then opened, no
    // longer tracked, and server.close waited for the client to leave).
    await new Promise((r) => setImmediate(r))
    await locker.query('COMMIT')
    await closing
    await ended
    expect(opened).toEqual([])
    expect(server.rooms.peek('acme')).toBeNull()
  })

  it('a node whose lock another node took while it had lost it stops serving (1013, 503) until it holds the lock again', async () => {
    const { url } = await database()
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    const node = await startTestServer({ dataDir: data.dir, databaseUrl: url, accounts: ['acme'] })
    onTestFinished(() => node.close())
    const editor = connectClient(wsUrl(node), 'acme', undefined, { cookie: node.cookie })
    onTestFinished(() => editor.destroy())
    const editorCloses: number[] = []
    editor.provider.on('connection-close', (event) => event && editorCloses.push(event.code))
    await whenSynced(editor.provider)
    editor.doc.getMap('m').set('before', 1)
    const socket = new WebSocket(`${wsUrl(node)}/acme`, { headers: { cookie: node.cookie } })
    await opened(socket)
    const socketClosed = closed(socket)
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ ok: true, rooms: 1 })

    // "Another node without Redis": the lock's connection is terminated and the lock taken by
    // someone else before this node's next attempt (it retries every second).
    const taker = new pg.Client({ connectionString: url })
    await taker.connect()
    onTestFinished(() => taker.end())
    await taker.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'war-room node lock' AND datname = current_database()",
    )
    await taker.query('SELECT pg_advisory_lock($1)', [NODE_LOCK])

    // Before the fix the node went on serving and only logged.
    expect((await socketClosed).code).toBe(CloseCode.TryAgainLater)
    await eventually(async () => {
      const res = await fetch(`${node.url}/healthz`)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ ok: false, nodeLock: 'taken' })
    })
    const refused = await api(node, 'GET', '/api/accounts', { cookie: node.cookie })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    const late = new WebSocket(`${wsUrl(node)}/acme`, { headers: { cookie: node.cookie } })
    expect((await closed(late)).code).toBe(CloseCode.TryAgainLater)
    expect(editorCloses).toContain(CloseCode.TryAgainLater)

    // The other node goes: this one takes the lock again and serves; its client reconnects.
    await taker.query('SELECT pg_advisory_unlock($1)', [NODE_LOCK])
    await eventually(async () => {
      const res = await fetch(`${node.url}/healthz`)
      expect(res.status).toBe(200)
      expect((await res.json()).nodeLock).toBeUndefined()
    }, 20_000)
    expect((await api(node, 'GET', '/api/accounts', { cookie: node.cookie })).status).toBe(200)
    await eventually(() => expect(editor.provider.synced && editor.provider.wsconnected).toBe(true), 20_000)
    editor.doc.getMap('m').set('after', 2)
    const reader = connectClient(wsUrl(node), 'acme', undefined, { cookie: node.cookie })
    onTestFinished(() => reader.destroy())
    await eventually(() => expect(reader.doc.getMap('m').toJSON()).toEqual({ before: 1, after: 2 }))
  })

  // Last in this file: it restarts the PostgreSQL server the other tests use.
  it('the node lock is taken again after a PostgreSQL restart: a second node without Redis is still refused', async () => {
    const { url } = await database()
    const [d1, d2] = [tempDataDir(), tempDataDir()]
    onTestFinished(() => {
      d1.remove()
      d2.remove()
    })
    const first = await startTestServer({ dataDir: d1.dir, databaseUrl: url, accounts: ['acme'] })
    onTestFinished(() => first.close())
    const lockHolders = async () =>
      (
        await query(
          url,
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${NODE_LOCK} AND granted`,
        )
      )[0].n as number
    expect(await lockHolders()).toBe(1)
    await engines.pg.stop()
    await engines.pg.start()
    // Before the fix the lock went with the restart and nothing took it again.
    await eventually(async () => expect(await lockHolders()).toBe(1), 20_000)
    await expect(startTestServer({ dataDir: d2.dir, databaseUrl: url })).rejects.toBeInstanceOf(NodeLockedError)
    // And the first node still serves (its pool reconnects by itself).
    await eventually(
      async () => expect((await api(first, 'GET', '/api/accounts', { cookie: first.cookie })).status).toBe(200),
      20_000,
    )
  })
})
