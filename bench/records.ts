/**
 * `npx tsx bench/records.ts [requests]`: the records store's cost per request, PostgreSQL
 * (server/pg/PgRecords.ts, DATABASE_URL, two nodes with REDIS_URL) against the embedded lowdb
 * store (the reference) in the same run, over real HTTP on 127.0.0.1:
 *
 * - `GET /api/me`: an authenticated read (PostgreSQL: plus the catch-up query before it);
 * - `PATCH /api/me`: an authenticated write (lowdb: db.json written durably; PostgreSQL: one
 *   transaction under the records lock, NOTIFY);
 * - `POST /api/login`: sign-in (scrypt at N = 2^14, the tests' cost, plus the session write and,
 *   with Redis, the throttle's Lua script);
 * - PostgreSQL only: a session made on node A, its first request on node B.
 *
 * Medians and p90 in ms, over `requests` (default 200) after 20 warm-up requests, sequential.
 */
import { performance } from 'node:perf_hooks'
import { api, login, setupAdmin } from '../tests/helpers/auth'
import { startPostgres, startRedis } from '../tests/helpers/engines'
import { startTestServer, type TestServer, tempDataDir } from '../tests/helpers/server'

const N = Number(process.argv[2] ?? 200)
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}
async function time(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await run(-1 - i)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await run(i)
    out.push(performance.now() - t)
  }
  return out
}
const ok = async (res: Promise<Response>) => {
  const r = await res
  if (!r.ok) throw new Error(`HTTP ${r.status}`)
  await r.arrayBuffer()
}

async function measure(server: TestServer, cookie: string) {
  return {
    'GET /api/me': await time(N, () => ok(api(server, 'GET', '/api/me', { cookie }))),
    'PATCH /api/me': await time(N, (i) =>
      ok(api(server, 'PATCH', '/api/me', { cookie, body: { name: `管理员 ${i}` } })),
    ),
    'POST /api/login': await time(Math.min(N, 100), () => login(server, 'admin@example.com')),
  }
}

const pg = await startPostgres()
const redis = await startRedis()
const dirs = [tempDataDir(), tempDataDir(), tempDataDir()]
try {
  const lowdb = await startTestServer({ dataDir: dirs[0].dir })
  const lowCookie = await setupAdmin(lowdb)
  const reference = await measure(lowdb, lowCookie)
  await lowdb.close()

  const url = await pg.createDatabase('bench_records')
  const a = await startTestServer({ dataDir: dirs[1].dir, databaseUrl: url, redisUrl: redis.url, nodeId: 'a' })
  const b = await startTestServer({ dataDir: dirs[2].dir, databaseUrl: url, redisUrl: redis.url, nodeId: 'b' })
  const cookie = await setupAdmin(a)
  const postgres = await measure(a, cookie)
  // Only the first request on B is timed (the sign-in on A is not).
  const crossNode: number[] = []
  for (let i = 0; i < Math.min(N, 100); i++) {
    const fresh = await login(a, 'admin@example.com')
    const t = performance.now()
    await ok(api(b, 'GET', '/api/me', { cookie: fresh }))
    crossNode.push(performance.now() - t)
  }
  await a.close()
  await b.close()

  console.log(`records benchmark: ${N} requests each, sequential; medians (p90) in ms`)
  console.log('| request | lowdb (reference) | PostgreSQL | ratio |')
  console.log('| --- | --- | --- | --- |')
  for (const key of Object.keys(reference) as (keyof typeof reference)[]) {
    const [l, p] = [reference[key], postgres[key]]
    console.log(
      `| ${key} | ${quantile(l, 0.5).toFixed(2)} (${quantile(l, 0.9).toFixed(2)}) | ${quantile(p, 0.5).toFixed(2)} (${quantile(p, 0.9).toFixed(2)}) | ${(quantile(p, 0.5) / quantile(l, 0.5)).toFixed(2)}× |`,
    )
  }
  console.log(
    `| session made on A: its first GET /api/me on B | — | ${quantile(crossNode, 0.5).toFixed(2)} (${quantile(crossNode, 0.9).toFixed(2)}) | — |`,
  )
} finally {
  for (const d of dirs) d.remove()
  await redis.destroy()
  await pg.destroy()
}
