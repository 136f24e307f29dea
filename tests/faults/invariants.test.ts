/**
 * Last administrator, last owner: checked and applied in one step inside the store, so racing
 * requests cannot both pass the check. And the operator's way back in: `npm run admin -- reset`
 * on a stopped server, refused clearly while a server holds the data directory.
 */
import { spawn } from 'node:child_process'
import { promises as fs, realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { Database } from '../../server/db/Database.ts'
import { addMember, api, createAccount, login, setupAdmin, TEST_PASSWORD, userWithSession } from '../helpers/auth.ts'
import { startTestServer, suiteDatabaseFor, tempDataDir } from '../helpers/server.ts'
import { onPostgres, serverEnv } from '../helpers/suiteStores.ts'

const root = path.resolve(import.meta.dirname, '../..')
const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function fresh() {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir })
  cleanups.push(() => server.close())
  const first = await setupAdmin(server)
  return { data, server, first }
}

/** Disables every user of a stopped server's records (db.json, or the users table). */
async function disableEveryone(dataDir: string) {
  const databaseUrl = await suiteDatabaseFor(dataDir)
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      expect((await client.query('UPDATE users SET disabled = true')).rowCount).toBeGreaterThan(0)
    } finally {
      await client.end()
    }
    return
  }
  const dbFile = path.join(dataDir, 'db.json')
  const stored = JSON.parse(await fs.readFile(dbFile, 'utf8'))
  for (const u of Object.values(stored.users) as PublicUser[]) u.disabled = true
  await fs.writeFile(dbFile, JSON.stringify(stored))
}

interface PublicUser {
  id: string
  email: string
  role: string
  disabled: boolean
}
const usersOf = async (server: { url: string }, cookie: string) =>
  ((await (await api(server, 'GET', '/api/users', { cookie })).json()) as { users: PublicUser[] }).users

describe('the last administrator', () => {
  for (const change of [{ role: 'member' }, { disabled: true }] as const) {
    it(`two administrators ${'role' in change ? 'demoting' : 'disabling'} each other at once leave one administrator`, async () => {
      const { server, first } = await fresh()
      const a = { cookie: first, id: (await usersOf(server, first))[0].id }
      const b = await userWithSession(server, first, 'second-admin@example.com', 'admin')
      // A new password in the same request makes the server hash (await) between its check and the change.
      const body = { ...change, password: 'a-new-password-1' }
      const [ab, ba] = await Promise.all([
        api(server, 'PATCH', `/api/users/${b.id}`, { cookie: a.cookie, body }),
        api(server, 'PATCH', `/api/users/${a.id}`, { cookie: b.cookie, body }),
      ])
      expect([ab.status, ba.status].sort()).toEqual([200, 409])
      const loser = ab.status === 409 ? ab : ba
      const refusal = (await loser.json()) as { error: string; message: { zh: string; en: string } }
      expect(refusal.error).toMatch(/last active administrator/)
      expect(refusal.message.zh).toBe('这是最后一位在用的管理员')
      // The store agrees: exactly one active administrator, who can still manage users.
      const db = server.db.data
      expect(Object.values(db.users).filter((u) => u.role === 'admin' && !u.disabled)).toHaveLength(1)
      const survivor = ab.status === 200 ? a : b
      expect((await api(server, 'GET', '/api/users', { cookie: survivor.cookie })).status).toBe(200)
    })
  }

  // Files only: lowdb's Database itself. PgRecords' twin (the rule checked inside its transaction,
  // three demotions at once) is tests/scale/records.test.ts's records contract.
  it.skipIf(onPostgres)(
    'the store refuses, inside one update, any interleaving that would leave no administrator',
    async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const db = await Database.open(data.dir)
      const now = new Date().toISOString()
      const ids = ['a', 'b', 'c']
      await db.update((d) => {
        for (const id of ids)
          d.users[id] = {
            id,
            email: `${id}@x.y`,
            name: id,
            role: 'admin',
            passwordHash: 'x',
            disabled: false,
            createdAt: now,
            updatedAt: now,
          }
      })
      const results = await Promise.allSettled(ids.map((id) => db.updateUser(id, { role: 'member' })))
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected'])
      const reread = await Database.open(data.dir)
      expect(Object.values(reread.data.users).filter((u) => u.role === 'admin')).toHaveLength(1)
    },
  )
})

describe('the last owner', () => {
  it('two owners stepping down at once leave one owner', async () => {
    const { server, first } = await fresh()
    const x = await userWithSession(server, first, 'x@example.com')
    await userWithSession(server, first, 'y@example.com')
    await createAccount(server, x.cookie, { id: 'acme' })
    await addMember(server, x.cookie, 'acme', 'y@example.com', 'owner')
    // An administrator (manage rights on every account, so neither request is refused for its role)
    // steps both owners down at once. (Today's code also held here: its check and change had no
    // await between them; the rule now lives in the store, where a shared store needs it.)
    const [xs, ys] = await Promise.all([
      api(server, 'PUT', '/api/accounts/acme/members', {
        cookie: first,
        body: { email: 'y@example.com', role: 'editor' },
      }),
      api(server, 'PUT', '/api/accounts/acme/members', {
        cookie: first,
        body: { email: 'x@example.com', role: 'viewer' },
      }),
    ])
    expect([xs.status, ys.status].sort()).toEqual([200, 409])
    expect(Object.values(server.db.data.memberships.acme).filter((r) => r === 'owner')).toHaveLength(1)
    // Removing the remaining owner is refused too.
    const owner = Object.entries(server.db.data.memberships.acme).find(([, r]) => r === 'owner')![0]
    const email = owner === x.id ? 'x@example.com' : 'y@example.com'
    const res = await api(server, 'DELETE', `/api/accounts/acme/members?email=${email}`, { cookie: first })
    expect(res.status).toBe(409)
  })
})

/**
 * The admin command in a child process: from source through tsx, as `npm run admin` runs it
 * (`source`), or from the test run's bundle (tests/helpers/workerBundles.ts), which saves tsx's boot
 * (~1.5 s of CPU) in the runs that test what the command does rather than how it starts.
 */
async function admin(
  args: string[],
  dataDir: string,
  entry: 'run' | 'source' = 'run',
): Promise<{ code: number | null; out: string }> {
  const env = await serverEnv(dataDir, { PASSWORD_SCRYPT_LOG_N: '14' })
  const bundle = process.env.WAR_ROOM_TEST_WORKER_BUNDLES
  const command =
    entry === 'run' && bundle
      ? // Its real path: admin.ts runs only when it is the script node was given (import.meta.filename).
        [realpathSync(fileURLToPath(new URL('admin.mjs', bundle)))]
      : ['--import', 'tsx', path.join(root, 'server/admin.ts')]
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [...command, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.stderr.on('data', (d) => (out += d))
    proc.on('exit', (code) => resolve({ code, out }))
  })
}

describe('npm run admin -- reset <email>', () => {
  it('on a stopped server: the locked-out operator gets back in', async () => {
    const { data, server } = await fresh()
    // Lock everyone out: the only administrator disabled behind the server's back (a bad edit, a
    // lost password) — in db.json, or in the users table.
    await server.close()
    await disableEveryone(data.dir)

    const reset = await admin(['reset', 'admin@example.com', '--password', 'back-in-again-1'], data.dir, 'source')
    expect(reset.code, reset.out).toBe(0)
    expect(reset.out).toMatch(/active administrator again/)
    const made = await admin(['reset', 'ops@example.com'], data.dir)
    expect(made.code, made.out).toBe(0)
    const generated = /new password: (\S+)/.exec(made.out)?.[1]
    expect(generated).toBeTruthy()
    const list = await admin(['list'], data.dir)
    expect(list.out).toMatch(/admin@example.com/)
    expect(list.out).toMatch(/ops@example.com/)

    const again = await startTestServer({ dataDir: data.dir })
    cleanups.push(() => again.close())
    const cookie = await login(again, 'admin@example.com', 'back-in-again-1')
    expect((await api(again, 'GET', '/api/users', { cookie })).status).toBe(200)
    await login(again, 'ops@example.com', generated!)
    expect(
      (await api(again, 'POST', '/api/login', { body: { email: 'admin@example.com', password: TEST_PASSWORD } }))
        .status,
    ).toBe(401)
  })

  // Files only: on PostgreSQL the command runs beside running nodes by design (their mirrors catch
  // up, the user's sockets close): tests/scale/records-nodes.test.ts runs it there.
  it.skipIf(onPostgres)(
    'says clearly that the data directory is locked by a running server, and changes nothing',
    async () => {
      const { data, server } = await fresh()
      const before = await fs.readFile(path.join(data.dir, 'db.json'), 'utf8')
      const res = await admin(['reset', 'admin@example.com', '--password', 'not-while-running'], data.dir)
      expect(res.code).toBe(2)
      expect(res.out).toMatch(new RegExp(`in use by another War Room server \\(pid ${process.pid}\\)`))
      expect(res.out).toMatch(/stop the server/)
      expect(await fs.readFile(path.join(data.dir, 'db.json'), 'utf8')).toBe(before)
      // The running server is untouched and its lock still held.
      await login(server, 'admin@example.com')
      expect(await fs.readFile(path.join(data.dir, 'server.lock'), 'utf8')).toBe(String(process.pid))
    },
  )

  it('explains its usage and refuses bad input', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    for (const args of [[], ['reset'], ['reset', 'not-an-email'], ['frobnicate']]) {
      const res = await admin(args, data.dir)
      expect(res.code, args.join(' ')).toBe(64)
      expect(res.out).toMatch(/usage|not an email/)
    }
  })
})
