/**
 * The records store's contract (server/db/Records.ts), on both implementations: the embedded
 * lowdb store and PostgreSQL (server/pg/PgRecords.ts, real PostgreSQL). Then what only the shared
 * store has: two nodes on one database (races on the invariants, changes seen at once, deletions,
 * the change feed lost and found again).
 */
import { describe, expect, it } from 'vitest'
import { Database, type DbData, type UserRecord } from '../../server/db/Database.ts'
import { InvariantError, type Records, type RecordsDiff } from '../../server/db/Records.ts'
import { migrate } from '../../server/pg/migrate.ts'
import { PgRecords } from '../../server/pg/PgRecords.ts'
import { createPool, type Pool } from '../../server/pg/pool.ts'
import { StorageUnavailableError } from '../../server/storage/DocStore.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { eventually, tempDataDir } from '../helpers/server.ts'

const engines = fileEngines()

/** A fresh, migrated database and a pool on it. */
async function freshDatabase(): Promise<{ url: string; pool: Pool }> {
  const url = await engines.database('records')
  const pool = createPool(url)
  engines.cleanup(() => pool.end())
  await migrate(pool)
  return { url, pool }
}

interface Store {
  records: Records
  /** The same store opened again (a restarted node): what was committed is there. */
  reopen(): Promise<Records>
}

const kinds: Record<string, () => Promise<Store>> = {
  lowdb: async () => {
    const data = tempDataDir()
    engines.cleanup(() => data.remove())
    return { records: await Database.open(data.dir), reopen: () => Database.open(data.dir) }
  },
  postgres: async () => {
    const { pool } = await freshDatabase()
    const open = async () => {
      const r = await PgRecords.open(pool)
      engines.cleanup(() => r.close())
      return r
    }
    return { records: await open(), reopen: open }
  },
}

const at = '2026-12-01T10:00:00.000Z'
const user = (id: string, role: UserRecord['role'] = 'member', extra: Partial<UserRecord> = {}): UserRecord => ({
  id,
  email: `${id}@example.com`,
  name: id,
  role,
  passwordHash: `scrypt$hash-of-${id}`,
  disabled: false,
  createdAt: at,
  updatedAt: at,
  ...extra,
})
const addUsers = (records: Records, users: UserRecord[]) =>
  records.update((d) => {
    for (const u of users) d.users[u.id] = u
  })
const activeAdminsOf = (d: DbData) => Object.values(d.users).filter((u) => u.role === 'admin' && !u.disabled)

for (const [kind, open] of Object.entries(kinds)) {
  describe(`the records contract: ${kind}`, () => {
    it('a change is read at once and is there after a restart', async () => {
      const { records, reopen } = await open()
      await addUsers(records, [user('ann', 'admin', { department: 'sales' })])
      await records.update((d) => {
        d.sessions.k1 = { userId: 'ann', createdAt: at, expiresAt: '2026-12-02T10:00:00.000Z' }
        d.accounts.acme = {
          id: 'acme',
          createdAt: at,
          lastActivityAt: at,
          name: 'Acme 银行',
          createdBy: 'ann',
          archivedAt: null,
        }
        d.memberships.acme = { ann: 'owner' }
      })
      expect(records.data.users.ann.department).toBe('sales')
      const again = await reopen()
      expect(again.data.users.ann).toEqual(records.data.users.ann)
      expect(again.data.sessions.k1).toEqual({ userId: 'ann', createdAt: at, expiresAt: '2026-12-02T10:00:00.000Z' })
      expect(again.data.accounts.acme).toMatchObject({ name: 'Acme 银行', createdBy: 'ann', archivedAt: null })
      expect(again.data.memberships.acme).toEqual({ ann: 'owner' })
    })

    it('deletions are durable: a session ended, an account and its members removed', async () => {
      const { records, reopen } = await open()
      await addUsers(records, [user('ann', 'admin'), user('bob')])
      await records.update((d) => {
        d.sessions.k1 = { userId: 'ann', createdAt: at, expiresAt: at }
        d.sessions.k2 = { userId: 'bob', createdAt: at, expiresAt: at }
        d.accounts.acme = { id: 'acme', createdAt: at, lastActivityAt: at }
        d.memberships.acme = { ann: 'owner', bob: 'editor' }
      })
      await records.update((d) => {
        delete d.sessions.k1
        delete d.accounts.acme
        delete d.memberships.acme
      })
      const again = await reopen()
      expect(Object.keys(again.data.sessions)).toEqual(['k2'])
      expect(again.data.accounts.acme).toBeUndefined()
      expect(again.data.memberships.acme ?? {}).toEqual({})
    })

    it('updateUser applies a patch, answers null for an unknown user, and refuses to leave no active administrator', async () => {
      const { records, reopen } = await open()
      await addUsers(records, [user('ann', 'admin'), user('bob')])
      const renamed = await records.updateUser('bob', { name: 'Bob 李', department: 'delivery' })
      expect(renamed).toMatchObject({ id: 'bob', name: 'Bob 李', department: 'delivery' })
      expect(renamed!.updatedAt > at).toBe(true)
      expect(await records.updateUser('nobody', { name: 'x' })).toBeNull()
      for (const patch of [{ role: 'member' as const }, { disabled: true }]) {
        const refused = await records.updateUser('ann', patch).catch((e) => e)
        expect(refused).toBeInstanceOf(InvariantError)
        expect((refused as InvariantError).rule).toBe('last-admin')
      }
      // With a second administrator the first may step down.
      await records.updateUser('bob', { role: 'admin' })
      await records.updateUser('ann', { disabled: true })
      const again = await reopen()
      expect(activeAdminsOf(again.data).map((u) => u.id)).toEqual(['bob'])
      expect(again.data.users.bob.name).toBe('Bob 李')
    })

    it('three administrators demoted at once: two succeed, one is refused, one administrator is left', async () => {
      const { records, reopen } = await open()
      const ids = ['a', 'b', 'c']
      await addUsers(
        records,
        ids.map((id) => user(id, 'admin')),
      )
      const results = await Promise.allSettled(ids.map((id) => records.updateUser(id, { role: 'member' })))
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected'])
      expect(activeAdminsOf((await reopen()).data)).toHaveLength(1)
    })

    it('members: the previous role is returned; the last owner can be neither demoted nor removed', async () => {
      const { records, reopen } = await open()
      await addUsers(records, [user('ann'), user('bob'), user('cat')])
      await records.update((d) => {
        d.accounts.acme = { id: 'acme', createdAt: at, lastActivityAt: at }
        d.memberships.acme = { ann: 'owner' }
      })
      expect(await records.setMemberRole('acme', 'bob', 'editor')).toBeNull()
      expect(await records.setMemberRole('acme', 'bob', 'viewer')).toBe('editor')
      await expect(records.setMemberRole('acme', 'ann', 'editor')).rejects.toMatchObject({ rule: 'last-owner' })
      await expect(records.removeMember('acme', 'ann')).rejects.toMatchObject({ rule: 'last-owner' })
      expect(await records.removeMember('acme', 'cat')).toBeNull()
      expect(await records.removeMember('acme', 'bob')).toBe('viewer')
      // Two owners stepping down at once: one stays.
      await records.setMemberRole('acme', 'cat', 'owner')
      const both = await Promise.allSettled([
        records.setMemberRole('acme', 'ann', 'editor'),
        records.removeMember('acme', 'cat'),
      ])
      expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      const again = await reopen()
      expect(Object.values(again.data.memberships.acme).filter((r) => r === 'owner')).toHaveLength(1)
      expect(again.data.memberships.acme.bob).toBeUndefined()
    })

    it('touchAccount creates the record and only moves activity forward', async () => {
      const { records, reopen } = await open()
      await records.touchAccount('acme', new Date('2026-12-01T10:00:00.000Z'))
      await records.touchAccount('acme', new Date('2026-12-01T12:00:00.000Z'))
      await records.touchAccount('acme', new Date('2026-12-01T11:00:00.000Z'))
      await records.close() // writes what is coalesced
      const again = await reopen()
      expect(again.data.accounts.acme).toMatchObject({
        id: 'acme',
        createdAt: '2026-12-01T10:00:00.000Z',
        lastActivityAt: '2026-12-01T12:00:00.000Z',
      })
    })
  })
}

describe('two nodes on one PostgreSQL database', () => {
  async function twoNodes(options: { reconnectMs?: number } = {}) {
    const { pool, url } = await freshDatabase()
    const poolB = createPool(url)
    engines.cleanup(() => poolB.end())
    const a = await PgRecords.open(pool, options)
    const b = await PgRecords.open(poolB, options)
    engines.cleanup(
      () => a.close(),
      () => b.close(),
    )
    const seen: RecordsDiff[] = []
    b.onRemoteChange((diff) => seen.push(diff))
    return { a, b, pool, poolB, seen }
  }

  it('a session created on one node is valid on the other at once (catch-up before the request)', async () => {
    const { a, b } = await twoNodes()
    await addUsers(a, [user('ann', 'admin')])
    for (let i = 0; i < 20; i++) {
      const key = `session-${i}`
      await a.update((d) => {
        d.sessions[key] = { userId: 'ann', createdAt: at, expiresAt: '2027-01-01T00:00:00.000Z' }
      })
      // No waiting for the change feed: the catch-up's one query finds the mirror behind.
      await b.catchUp()
      expect(b.data.sessions[key]?.userId).toBe('ann')
    }
    expect(b.data.users.ann.email).toBe('ann@example.com')
  })

  it('concurrent catch-ups share queries, yet one asked after a commit always sees it', async () => {
    const { a, b } = await twoNodes()
    await addUsers(a, [user('ann', 'admin')])
    for (let i = 0; i < 15; i++) {
      const key = `s-${i}`
      // Catch-ups already in flight (their query may be sent before the commit) …
      const before = Array.from({ length: 10 }, () => b.catchUp())
      await a.update((d) => {
        d.sessions[key] = { userId: 'ann', createdAt: at, expiresAt: '2027-01-01T00:00:00.000Z' }
      })
      // … do not answer for a request that arrives after it.
      const after = Array.from({ length: 10 }, () => b.catchUp().then(() => b.data.sessions[key]?.userId))
      expect(await Promise.all(after)).toEqual(Array(10).fill('ann'))
      await Promise.all(before)
    }
  })

  it('without a request, the change feed brings changes and deletions; the other node is told what changed', async () => {
    const { a, b, seen } = await twoNodes()
    await addUsers(a, [user('ann', 'admin'), user('bob')])
    await a.update((d) => {
      d.sessions.kb = { userId: 'bob', createdAt: at, expiresAt: '2027-01-01T00:00:00.000Z' }
      d.accounts.acme = { id: 'acme', createdAt: at, lastActivityAt: at }
      d.memberships.acme = { ann: 'owner', bob: 'editor' }
    })
    await eventually(() => expect(b.data.memberships.acme?.bob).toBe('editor'))
    seen.length = 0
    await a.updateUser('bob', { disabled: true })
    await a.update((d) => {
      delete d.sessions.kb
    })
    await a.removeMember('acme', 'bob')
    await a.update((d) => {
      delete d.accounts.acme
      delete d.memberships.acme
    })
    await eventually(() => expect(b.data.accounts.acme).toBeUndefined())
    expect(b.data.sessions.kb).toBeUndefined()
    expect(b.data.users.bob.disabled).toBe(true)
    expect(b.data.memberships.acme).toBeUndefined()
    const all = {
      users: seen.flatMap((d) => d.users),
      sessions: seen.flatMap((d) => d.sessions),
      accounts: seen.flatMap((d) => d.accounts),
      memberships: seen.flatMap((d) => d.memberships),
    }
    expect(all.users).toContainEqual(
      expect.objectContaining({
        id: 'bob',
        before: expect.objectContaining({ disabled: false }),
        after: expect.objectContaining({ disabled: true }),
      }),
    )
    expect(all.sessions).toContainEqual(expect.objectContaining({ key: 'kb', after: undefined }))
    expect(all.memberships).toContainEqual({ accountId: 'acme', userId: 'bob', before: 'editor', after: undefined })
    expect(all.accounts).toContainEqual(expect.objectContaining({ id: 'acme', after: undefined }))
  })

  it('two nodes demoting the last two administrators at once: exactly one is refused, every round', async () => {
    const { a, b } = await twoNodes()
    for (let round = 0; round < 8; round++) {
      const [x, y] = [`x${round}`, `y${round}`]
      await addUsers(a, [user(x, 'admin'), user(y, 'admin')])
      // Everyone else steps down first, so x and y are the last two.
      for (const u of Object.values(a.data.users))
        if (u.role === 'admin' && u.id !== x && u.id !== y) await a.updateUser(u.id, { role: 'member' })
      await b.catchUp()
      const results = await Promise.allSettled([
        a.updateUser(x, round % 2 ? { disabled: true } : { role: 'member' }),
        b.updateUser(y, { role: 'member' }),
      ])
      expect(results.map((r) => r.status).sort(), `round ${round}`).toEqual(['fulfilled', 'rejected'])
      const refusal = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
      expect(refusal.reason).toBeInstanceOf(InvariantError)
      const rows = await (a as unknown as { pool: Pool }).pool.query(
        "SELECT id FROM users WHERE role = 'admin' AND NOT disabled",
      )
      expect(rows.rows).toHaveLength(1)
    }
  })

  it('two nodes stepping the last two owners down at once: one owner is left', async () => {
    const { a, b } = await twoNodes()
    await addUsers(a, [user('ann'), user('bob')])
    for (let round = 0; round < 6; round++) {
      const id = `acct-${round}`
      await a.update((d) => {
        d.accounts[id] = { id, createdAt: at, lastActivityAt: at }
        d.memberships[id] = { ann: 'owner', bob: 'owner' }
      })
      await b.catchUp()
      const results = await Promise.allSettled([a.setMemberRole(id, 'ann', 'viewer'), b.removeMember(id, 'bob')])
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      await a.catchUp()
      expect(Object.values(a.data.memberships[id]).filter((r) => r === 'owner')).toHaveLength(1)
    }
  })

  it('the rules are checked on the table rows, not only on a mirror', async () => {
    const { a, pool } = await twoNodes()
    await addUsers(a, [user('ann', 'admin'), user('bob', 'admin')])
    // Behind every mirror's back (no version bump): bob is no longer an administrator.
    await pool.query("UPDATE users SET role = 'member' WHERE id = 'bob'")
    expect(a.data.users.bob.role).toBe('admin')
    await expect(a.updateUser('ann', { role: 'member' })).rejects.toMatchObject({ rule: 'last-admin' })
    expect((await pool.query("SELECT role FROM users WHERE id = 'ann'")).rows[0].role).toBe('admin')
  })

  it('a user created with a taken email on another node is refused (409), not a server error', async () => {
    const { a, b } = await twoNodes()
    await addUsers(a, [user('ann', 'admin')])
    // b has not caught up: its handler's duplicate check would pass.
    const refused = await b
      .update((d) => {
        d.users.other = user('other', 'member', { email: 'ann@example.com' })
      })
      .catch((e) => e)
    expect(refused).toMatchObject({ status: 409 })
    expect(b.data.users.other).toBeUndefined()
  })

  it('a lost change feed reconnects, reloads, and reports what it missed', async () => {
    const { a, b, pool, seen } = await twoNodes({ reconnectMs: 1000 })
    await addUsers(a, [user('ann', 'admin'), user('bob')])
    await a.update((d) => {
      d.sessions.kb = { userId: 'bob', createdAt: at, expiresAt: '2027-01-01T00:00:00.000Z' }
    })
    await eventually(() => expect(b.data.sessions.kb).toBeDefined())
    seen.length = 0
    // The feed's connection dies (PostgreSQL restarted, a network cut), and changes happen meanwhile.
    await pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'war-room-records-feed'",
    )
    await a.update((d) => {
      delete d.sessions.kb
    })
    await eventually(() => expect(b.data.sessions.kb).toBeUndefined(), 10_000)
    expect(seen.flatMap((d) => d.sessions)).toContainEqual(expect.objectContaining({ key: 'kb', after: undefined }))
  })
})

describe('PostgreSQL unreachable', () => {
  it('a write answers "cannot save" and changes nothing; reads keep working; once back, writes go through', async () => {
    const { pool } = await freshDatabase()
    const logs: string[] = []
    const records = await PgRecords.open(pool, { reconnectMs: 200, log: (m) => logs.push(m) })
    engines.cleanup(() => records.close())
    await addUsers(records, [user('ann', 'admin')])
    await engines.pg.stop()
    try {
      const refused = await records.updateUser('ann', { name: 'changed' }).catch((e) => e)
      expect(refused).toBeInstanceOf(StorageUnavailableError)
      expect(records.data.users.ann.name).toBe('ann')
      expect(records.writeStatus().ok).toBe(false)
      // The catch-up before a request fails quietly (logged); the mirror still answers.
      await records.catchUp()
      expect(records.data.users.ann.email).toBe('ann@example.com')
      expect(logs.join('\n')).toMatch(/catch-up failed/)
    } finally {
      await engines.pg.start()
    }
    await eventually(async () => {
      await records.updateUser('ann', { name: 'changed' })
    }, 15_000)
    expect(records.writeStatus().ok).toBe(true)
    expect((await pool.query("SELECT name FROM users WHERE id = 'ann'")).rows[0].name).toBe('changed')
  })
})
