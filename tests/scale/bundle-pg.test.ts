/**
 * The bundled server — `npm start`'s dist/server/main.mjs, built by server/build.mjs — on a fresh
 * PostgreSQL: it applies every migration of server/pg/migrations (copied beside the bundle), serves
 * a room whose edits land in doc_updates, compacts through the bundled rebuild worker, stops on
 * SIGTERM, and starts again on the migrated database. The other multi-node tests run the server
 * from source (tsx); the bundle once looked for its migrations in the wrong directory (06de49a).
 */
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { type ChildServer, startChildServer } from '../helpers/childServer.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { eventually, tempDataDir } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const root = path.resolve(import.meta.dirname, '../..')
const engines = fileEngines({ pg: { database: 'bundle' } })
beforeAll(async () => {
  // What `npm start` does before it runs the bundle.
  await promisify(execFile)(process.execPath, [path.join(root, 'server/build.mjs')], { cwd: root })
}, 120_000)

async function query<T>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: engines.pg.url })
  await c.connect()
  try {
    return (await c.query(sql)).rows as T[]
  } finally {
    await c.end()
  }
}

async function stop(server: ChildServer) {
  server.proc.kill('SIGTERM')
  return server.exited
}

describe('the bundled server on PostgreSQL', () => {
  it('migrates a fresh database, serves a room, and starts again on the migrated database', async () => {
    const data = tempDataDir()
    onTestFinished(() => data.remove())
    // Compaction only when the room unloads, over more than 1 MB: rebuilt in the bundled worker thread.
    const env = { DATA_DIR: data.dir, DATABASE_URL: engines.pg.url, COMPACT_LOG_BYTES: String(256 * 1024 * 1024) }
    const first = await startChildServer(env, 'bundle')
    onTestFinished(() => {
      first.proc.kill('SIGKILL')
    })
    // Every migration in the repository, applied once.
    const versions = readdirSync(path.join(root, 'server/pg/migrations'))
      .flatMap((f) => /^(\d+)_.*\.sql$/.exec(f)?.[1] ?? [])
      .map(Number)
      .sort((a, b) => a - b)
    expect(versions.length).toBeGreaterThanOrEqual(3)
    const applied = await query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    expect(applied.map((r) => Number(r.version))).toEqual(versions)
    const health = await fetch(`http://127.0.0.1:${first.port}/healthz`)
    expect(health.status).toBe(200)

    const cookie = await first.signIn(['acme'])
    const writer = connectClient(`ws://127.0.0.1:${first.port}/sync`, 'acme', undefined, { cookie })
    onTestFinished(() => writer.destroy())
    await whenSynced(writer.provider)
    const EDITS = 30
    for (let i = 0; i < EDITS; i++) writer.doc.getArray<string>('a').push([`edit ${i} ${'x'.repeat(40_000)}`])
    await eventually(async () => {
      const [row] = await query<{ n: number }>("SELECT count(*)::int AS n FROM doc_updates WHERE room = 'acme'")
      expect(row.n).toBeGreaterThanOrEqual(EDITS)
    }, 20_000)
    writer.destroy()
    expect(await stop(first)).toBe(0)
    expect(first.output()).not.toMatch(/Cannot find|ENOENT|ERR_MODULE_NOT_FOUND|failed/)
    // Compacted on shutdown into one snapshot of more than 1 MB, no update rows left.
    const [stored] = await query<{ updates: number; snapshot: number }>(
      "SELECT (SELECT count(*)::int FROM doc_updates WHERE room = 'acme') AS updates, (SELECT length(data) FROM doc_snapshots WHERE room = 'acme') AS snapshot",
    )
    expect(stored.updates).toBe(0)
    expect(stored.snapshot).toBeGreaterThan(EDITS * 40_000)

    // Started again on the same database: nothing to migrate, the room is all there.
    const second = await startChildServer(env, 'bundle')
    onTestFinished(() => {
      second.proc.kill('SIGKILL')
    })
    expect(
      (await query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)).sort(),
    ).toEqual(versions)
    const again = await second.signIn()
    const reader = connectClient(`ws://127.0.0.1:${second.port}/sync`, 'acme', undefined, { cookie: again })
    onTestFinished(() => reader.destroy())
    await whenSynced(reader.provider)
    expect(reader.doc.getArray('a').length).toBe(EDITS)
    reader.destroy()
    expect(await stop(second)).toBe(0)
  })
})
