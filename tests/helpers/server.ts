import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { type RunningServer, type StartOptions, startServer } from '../../server/server.ts'
import { ensureAccount, signInAsAdmin } from './auth.ts'

/** A fresh temporary data directory, removed by the returned cleanup. */
export function tempDataDir(prefix = 'war-room-test-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface TestServerOptions extends StartOptions {
  dataDir: string
  /**
   * Sign in as the first administrator (set up on a fresh data directory, logged in on a
   * restart) and make sure these accounts exist; the server then carries the admin's `cookie`.
   */
  accounts?: string[]
}

export type TestServer = RunningServer & { logs: string[]; cookie: string; ensureAccount(id: string): Promise<void> }

/**
 * Starts a real server on 127.0.0.1, port 0, quiet unless WAR_ROOM_TEST_LOG is set. Password
 * hashing is cheaper than in production (scrypt N = 2^14) and no demo account is created
 * unless asked for.
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const { accounts, ...startOptions } = options
  const logs: string[] = []
  const databaseUrl = startOptions.databaseUrl ?? (await suiteDatabaseFor(options.dataDir))
  if (databaseUrl) startOptions.databaseUrl = databaseUrl
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    roomUnloadGraceMs: 200,
    passwordScryptLogN: 14,
    seedDemo: false,
    log: (msg) => {
      logs.push(msg)
      if (process.env.WAR_ROOM_TEST_LOG) console.log(msg)
    },
    ...startOptions,
  })
  const cookie = accounts ? await signInAsAdmin(server, accounts) : ''
  return Object.assign(server, {
    logs,
    cookie,
    /** Creates an account (as the admin) unless it exists; needs `accounts` at start. */
    ensureAccount: (id: string) => ensureAccount(server, cookie, id),
  })
}

/**
 * The integration-pg and faults-pg projects (tests/helpers/pgGlobalSetup.ts) run the suite on
 * PostgreSQL: each data directory gets a database of its own (made from the migrated template on
 * first use, the same one again on a restart or in a child process). Undefined elsewhere (the
 * embedded files).
 */
export async function suiteDatabaseFor(dataDir: string): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined
  const { inject } = await import('vitest')
  const base = inject('warRoomPostgres') as string | undefined
  if (!base) return undefined
  const name = `t_${createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 24)}`
  const client = new pg.Client({ connectionString: `${base}/postgres` })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) {
      // On PostgreSQL runs only (engines.ts loads pg's and Redis's helpers).
      const { createDatabaseStatement } = await import('./engines.ts')
      await client.query(createDatabaseStatement(name, 'warroom_template'))
    }
  } finally {
    await client.end()
  }
  return `${base}/${name}`
}

export const wsUrl = (server: { port: number }) => `ws://127.0.0.1:${server.port}/sync`

/** Polls an assertion until it passes (instead of fixed sleeps). */
export async function eventually(
  assertion: () => void | Promise<void>,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await assertion()
      return
    } catch (e) {
      if (Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  }
}

/** Closes with code and reason, as a promise (raw ws sockets). */
export function closed(ws: import('ws').WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

export function opened(ws: import('ws').WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}
