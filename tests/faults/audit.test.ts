/**
 * The audit log against a real server: every sign-in, failure, user, role, member and account
 * change is appended to DATA_DIR/audit.log with who, when and from which address; only
 * administrators read it (GET /api/audit); it survives a restart and a torn last line.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type AuditEntry, AuditLog, auditSpillFile } from '../../server/audit/AuditLog.ts'
import {
  addMember,
  api,
  createAccount,
  createUser,
  login,
  setupAdmin,
  TEST_PASSWORD,
  userWithSession,
} from '../helpers/auth.ts'
import { startChildServer } from '../helpers/childServer.ts'
import { eventually, startTestServer, tempDataDir } from '../helpers/server.ts'
import { onPostgres, storedAuditLines, suiteAuditLog } from '../helpers/suiteStores.ts'
import { FaultFs } from './faultFs.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

type Entry = AuditEntry & { seq: number }
const read = async (server: { url: string }, cookie: string, query = '') => {
  const res = await api(server, 'GET', `/api/audit${query}`, { cookie })
  expect(res.status).toBe(200)
  return (await res.json()) as { entries: Entry[]; more: boolean }
}

// On PostgreSQL (faults-pg) the first two run on the audit_log table; the others are about
// audit.log itself — a torn last line, rotation into kept files, a refused append on a failing
// disk and its spill file — and skip there. Their PostgreSQL side: the AuditStore contract in
// tests/scale/content.contract.test.ts and tests/scale/pg-server.test.ts (kept across a restart).
describe('audit log', () => {
  it('records who did what, when and from where; administrators read it, nobody else', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const server = await startTestServer({ dataDir: data.dir, trustProxy: 1 })
    cleanups.push(() => server.close())
    const from = (address: string) => ({ 'x-forwarded-for': address })
    const started = new Date().toISOString()

    const admin = await setupAdmin(server)
    const memberId = await createUser(server, admin, { email: 'mei@example.com' })
    expect(
      (
        await api(server, 'POST', '/api/login', {
          body: { email: 'mei@example.com', password: 'wrong-password' },
          headers: from('10.9.8.7'),
        })
      ).status,
    ).toBe(401)
    const mei = await login(server, 'mei@example.com')
    await createAccount(server, mei, { id: 'acme', name: '华东电网' })
    await createUser(server, admin, { email: 'li@example.com' })
    await addMember(server, mei, 'acme', 'li@example.com', 'editor')
    await addMember(server, mei, 'acme', 'li@example.com', 'viewer')
    await api(server, 'DELETE', '/api/accounts/acme/members?email=li@example.com', { cookie: mei })
    const review = await api(server, 'POST', '/api/accounts/acme/reviews', { cookie: mei, body: { title: '月度复盘' } })
    expect(review.status).toBe(201)
    const reviewId = ((await review.json()) as { review: { id: string } }).review.id
    await api(server, 'PATCH', '/api/accounts/acme', { cookie: mei, body: { archived: true } })
    await api(server, 'PATCH', '/api/accounts/acme', { cookie: mei, body: { archived: false } })
    await api(server, 'PATCH', `/api/users/${memberId}`, { cookie: admin, body: { role: 'admin' } })
    await api(server, 'PATCH', `/api/users/${memberId}`, { cookie: admin, body: { password: 'reset-by-admin-1' } })
    await api(server, 'DELETE', '/api/accounts/acme', { cookie: admin })
    await api(server, 'POST', '/api/logout', { cookie: admin })

    const admin2 = await login(server, 'admin@example.com')
    const { entries } = await read(server, admin2, '?limit=1000')
    const actions = entries.map((e) => e.action).reverse()
    expect(actions).toEqual([
      'setup',
      'user.create',
      'auth.login.failed',
      'auth.login',
      'account.create',
      'user.create',
      'member.set',
      'member.set',
      'member.remove',
      'review.take',
      'account.archive',
      'account.unarchive',
      'user.update',
      'user.update',
      'account.delete',
      'auth.logout',
      'auth.login',
    ])
    for (const e of entries) {
      expect(e.at >= started, e.action).toBe(true)
      expect(e.address, e.action).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1|10\.9\.8\.7)$/)
    }
    const byAction = (a: string) => entries.filter((e) => e.action === a)
    const failed = byAction('auth.login.failed')[0]
    expect(failed).toMatchObject({ actor: null, address: '10.9.8.7', target: { email: 'mei@example.com' } })
    expect(failed.detail).toEqual({ reason: 'wrong password' })
    expect(byAction('account.create')[0]).toMatchObject({
      actor: { email: 'mei@example.com' },
      target: { accountId: 'acme' },
    })
    expect(byAction('member.set').map((e) => e.detail)).toEqual([
      { role: { from: 'editor', to: 'viewer' } },
      { role: { from: null, to: 'editor' } },
    ])
    expect(byAction('user.update').map((e) => e.detail)).toEqual([
      { passwordReset: true },
      { role: { from: 'member', to: 'admin' } },
    ])
    expect(byAction('review.take')[0]).toMatchObject({
      actor: { email: 'mei@example.com' },
      target: { accountId: 'acme', reviewId },
    })
    expect(byAction('account.delete')[0]).toMatchObject({
      actor: { email: 'admin@example.com' },
      target: { accountId: 'acme' },
    })
    // No secret ever reaches the log (audit.log, or the audit_log rows).
    const stored = await storedAuditLines(server)
    for (const secret of [TEST_PASSWORD, 'wrong-password', 'reset-by-admin-1', 'scrypt$'])
      expect(stored.join('\n')).not.toContain(secret)
    expect(stored).toHaveLength(entries.length)

    // Paging: newest first, `before` the last seq of a page.
    const page1 = await read(server, admin2, '?limit=5')
    expect(page1.more).toBe(true)
    const page2 = await read(server, admin2, `?limit=5&before=${page1.entries.at(-1)!.seq}`)
    expect(page2.entries.map((e) => e.seq)).toEqual(entries.slice(5, 10).map((e) => e.seq))
    expect((await read(server, admin2, '?action=member.set')).entries).toHaveLength(2)
    expect((await api(server, 'GET', '/api/audit?limit=0', { cookie: admin2 })).status).toBe(400)

    // Members and strangers may not read it.
    const plain = await userWithSession(server, admin2, 'plain@example.com')
    expect((await api(server, 'GET', '/api/audit', { cookie: plain.cookie })).status).toBe(403)
    expect((await api(server, 'GET', '/api/audit')).status).toBe(401)
  })

  it('entries recorded while a write is in flight are all written (none dropped with the batch before them)', async () => {
    const { dir, remove } = tempDataDir()
    cleanups.push(remove)
    const { audit, storedLines, close } = await suiteAuditLog(dir)
    // One entry at a time, each while earlier ones are still being written (as sign-ins arrive).
    const recorded: Promise<void>[] = []
    for (let i = 0; i < 60; i++) {
      recorded.push(audit.record({ action: 'auth.login.failed', actor: null, address: '127.0.0.1', detail: { i } }))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(recorded)
    const { entries } = await audit.read({ limit: 1000 })
    expect(entries.map((e) => (e.detail as { i: number }).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    )
    expect(await storedLines()).toHaveLength(60)
    await close()
  })

  it.skipIf(onPostgres)(
    'is append-only across restarts, and a torn last line (a crash mid-append) is skipped',
    async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const first = await startTestServer({ dataDir: data.dir })
      await setupAdmin(first)
      await first.close()
      const file = path.join(data.dir, 'audit.log')
      const before = await fs.readFile(file, 'utf8')
      await fs.appendFile(file, '{"at":"2026-12-01T00:00:00.000Z","action":"auth.lo')
      const second = await startTestServer({ dataDir: data.dir })
      cleanups.push(() => second.close())
      const cookie = await login(second, 'admin@example.com')
      const after = await fs.readFile(file, 'utf8')
      expect(after.startsWith(before)).toBe(true)
      const { entries } = await read(second, cookie)
      expect(entries.map((e) => e.action)).toEqual(['auth.login', 'setup'])
    },
  )

  it.skipIf(onPostgres)(
    'rotates audit.log into kept files; paging and seq run across them and across a restart',
    async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const options = { dataDir: data.dir, auditRotateBytes: 1500 }
      let server = await startTestServer(options)
      const admin = await setupAdmin(server)
      for (let i = 0; i < 12; i++) await login(server, 'admin@example.com')
      await server.close()
      server = await startTestServer(options)
      cleanups.push(() => server.close())
      const cookie = await login(server, 'admin@example.com')
      for (let i = 0; i < 6; i++)
        await api(server, 'POST', '/api/login', { body: { email: 'admin@example.com', password: `wrong-${i}` } })
      void admin
      const names = (await fs.readdir(data.dir)).filter((n) => /^audit/.test(n)).sort()
      const rotated = names.filter((n) => /^audit-\d{12}-\d{12}\.log$/.test(n))
      expect(rotated.length).toBeGreaterThanOrEqual(2)
      expect(names).toContain('audit.log')
      // Every entry once, newest first, seq counting down without a gap, paged 4 at a time.
      const all: Entry[] = []
      let page = await read(server, cookie, '?limit=4')
      all.push(...page.entries)
      while (page.more) {
        page = await read(server, cookie, `?limit=4&before=${all.at(-1)!.seq}`)
        all.push(...page.entries)
      }
      const expected = [
        'setup',
        ...Array(13).fill('auth.login'),
        ...Array(5).fill('auth.login.failed'),
        'auth.login.throttled',
      ]
      expect(all.map((e) => e.action).reverse()).toEqual(expected)
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => all.length - 1 - i))
      // Each rotated file holds exactly the entries its name says.
      for (const name of rotated) {
        const [, first, end] = /^audit-(\d{12})-(\d{12})\.log$/.exec(name)!.map(Number)
        const lines = (await fs.readFile(path.join(data.dir, name), 'utf8')).trim().split('\n')
        expect(lines).toHaveLength(end - first)
      }
    },
  )

  it.skipIf(onPostgres)(
    'a refused append keeps the entry, /healthz says so, and it is written by itself once the disk heals',
    async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const faults = new FaultFs()
      const server = await startTestServer({ dataDir: data.dir, fs: faults })
      cleanups.push(() => server.close())
      const cookie = await setupAdmin(server)
      faults.fail('ENOSPC', ['append', 'datasync'], { match: /audit\.log$/ })
      // Nobody is locked out by an audit outage.
      const refusedLogin = await api(server, 'POST', '/api/login', {
        body: { email: 'admin@example.com', password: 'nope' },
      })
      expect(refusedLogin.status).toBe(401)
      const second = await login(server, 'admin@example.com')
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({
        ok: false,
        storage: { audit: { ok: false, waiting: 2, error: 'ENOSPC' } },
      })
      expect(server.logs.join('\n')).toMatch(/\[audit\] could not append/)
      faults.heal()
      await eventually(async () => expect((await fetch(`${server.url}/healthz`)).status).toBe(200), 30_000, 100)
      const { entries } = await read(server, second)
      expect(entries.map((e) => e.action)).toEqual(['auth.login', 'auth.login.failed', 'setup'])
      // The file has each entry once, whole: the refused half-append was cut back.
      const lines = (await fs.readFile(path.join(data.dir, 'audit.log'), 'utf8')).trim().split('\n')
      expect(lines.map((l) => JSON.parse(l).action)).toEqual(['setup', 'auth.login.failed', 'auth.login'])
      void cookie
    },
  )

  it.skipIf(onPostgres)(
    'kill -9 during an audit outage loses no entry: the waiting ones are in the spill file, and the next start writes them once, in order',
    {
      timeout: 240_000,
    },
    async () => {
      const data = tempDataDir()
      const spill = tempDataDir('war-room-spill-')
      cleanups.push(data.remove, spill.remove)
      // A real refused append in a real process: audit.log is a directory (open fails, EISDIR).
      await fs.mkdir(path.join(data.dir, 'audit.log'))
      const env = { DATA_DIR: data.dir, AUDIT_SPILL_DIR: spill.dir }
      const child = await startChildServer(env)
      cleanups.push(() => {
        child.proc.kill('SIGKILL')
      })
      const server = { url: `http://127.0.0.1:${child.port}` }
      await setupAdmin(server)
      expect(
        (await api(server, 'POST', '/api/login', { body: { email: 'admin@example.com', password: 'wrong-password' } }))
          .status,
      ).toBe(401)
      await login(server, 'admin@example.com')
      // Every answer above came after its entry was durable in the spill file.
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(503)
      expect(((await health.json()) as { storage: { audit: unknown } }).storage.audit).toMatchObject({
        ok: false,
        waiting: 3,
        spilled: 3,
      })
      const spillFile = auditSpillFile(data.dir, spill.dir)
      expect((await fs.readFile(spillFile, 'utf8')).trim().split('\n')).toHaveLength(4)
      child.proc.kill('SIGKILL')
      await child.exited

      // The disk is fixed; the next start writes what the killed process could not.
      await fs.rm(path.join(data.dir, 'audit.log'), { recursive: true })
      const again = await startTestServer({ dataDir: data.dir, auditSpillDir: spill.dir })
      cleanups.push(() => again.close())
      const cookie = await login(again, 'admin@example.com')
      const { entries } = await read(again, cookie)
      expect(entries.map((e) => e.action).reverse()).toEqual(['setup', 'auth.login.failed', 'auth.login', 'auth.login'])
      const lines = (await fs.readFile(path.join(data.dir, 'audit.log'), 'utf8')).trim().split('\n')
      expect(lines.map((l) => JSON.parse(l).action)).toEqual(['setup', 'auth.login.failed', 'auth.login', 'auth.login'])
      await expect(fs.stat(spillFile)).rejects.toMatchObject({ code: 'ENOENT' })
    },
  )

  it.skipIf(onPostgres)(
    'a spill file whose entries were already appended (a crash before it was removed) writes nothing twice',
    async () => {
      const { dir, remove } = tempDataDir()
      const spill = tempDataDir('war-room-spill-')
      cleanups.push(remove, spill.remove)
      const faults = new FaultFs()
      const first = new AuditLog(dir, () => {}, { fs: faults, spillDir: spill.dir, retryMs: 60_000 })
      await first.record({ action: 'setup', actor: null, address: '127.0.0.1' })
      faults.fail('EIO', ['append'], { match: /audit\.log$/ })
      await first.record({ action: 'auth.login.failed', actor: null, address: '127.0.0.1', detail: { i: 1 } })
      await first.record({ action: 'auth.login.failed', actor: null, address: '127.0.0.1', detail: { i: 2 } })
      expect(first.status()).toMatchObject({ ok: false, waiting: 2, spilled: 2, error: 'EIO' })
      const spillFile = auditSpillFile(dir, spill.dir)
      const spilled = await fs.readFile(spillFile, 'utf8')
      // The crash came after the waiting entries reached audit.log, before the spill file went.
      const [, ...entryLines] = spilled.split('\n').filter(Boolean)
      await fs.appendFile(path.join(dir, 'audit.log'), entryLines.map((l) => `${l}\n`).join(''))
      await first.close()

      const second = new AuditLog(dir, () => {}, { spillDir: spill.dir })
      await second.record({ action: 'auth.login', actor: null, address: '127.0.0.1' })
      const { entries } = await second.read()
      expect(entries.map((e) => [e.action, (e.detail as { i?: number } | undefined)?.i]).reverse()).toEqual([
        ['setup', undefined],
        ['auth.login.failed', 1],
        ['auth.login.failed', 2],
        ['auth.login', undefined],
      ])
      await expect(fs.stat(spillFile)).rejects.toMatchObject({ code: 'ENOENT' })
      await second.close()
    },
  )

  it.skipIf(onPostgres)('a refused spill path too is reported: the entries wait in memory only', async () => {
    const { dir, remove } = tempDataDir()
    cleanups.push(remove)
    const faults = new FaultFs()
    const spillDir = path.join(dir, 'spill')
    const audit = new AuditLog(dir, () => {}, { fs: faults, spillDir, retryMs: 60_000 })
    faults.fail('ENOSPC', ['append', 'write'])
    await audit.record({ action: 'setup', actor: null, address: '127.0.0.1' })
    expect(audit.status()).toMatchObject({ ok: false, waiting: 1, spilled: 0, error: 'ENOSPC', spillError: 'ENOSPC' })
    faults.heal()
    await audit.record({ action: 'auth.login', actor: null, address: '127.0.0.1' })
    expect(audit.status()).toEqual({ ok: true, waiting: 0 })
    expect((await audit.read()).entries.map((e) => e.action)).toEqual(['auth.login', 'setup'])
    await audit.close()
  })
})
