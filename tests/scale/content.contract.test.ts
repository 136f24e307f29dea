/**
 * The content stores' contracts — reviews, assets, the audit log, votes — run on the embedded
 * file stores and on the PostgreSQL ones (real PostgreSQL, tests/helpers/engines.ts). "Reopen"
 * is a second instance on the same data directory or database, as after a restart or on another
 * node.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { type AssetStore, FileAssetStore } from '../../server/assets/AssetStore.ts'
import { AuditLog, type AuditStore } from '../../server/audit/AuditLog.ts'
import type { StoredVote } from '../../server/live/VoteService.ts'
import { FileVoteStore, type VoteStore } from '../../server/live/VoteStore.ts'
import { PgAssetStore, PgAuditLog, PgReviewStore, PgVoteStore } from '../../server/pg/PgContentStores.ts'
import type { Pool } from '../../server/pg/pool.ts'
import { FileReviewStore } from '../../server/reviews/FileReviewStore.ts'
import { newReviewId } from '../../server/reviews/ReviewService.ts'
import type { ReviewStore, StoredReview } from '../../server/reviews/ReviewStore.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { goodDoc, TODAY } from '../../shared/plan/testing/builders.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { eventually, tempDataDir } from '../helpers/server.ts'

const engines = fileEngines()

interface Stores {
  reviews: ReviewStore
  assets: AssetStore
  audit: AuditStore
  votes: VoteStore
}

interface Impl {
  name: string
  shared: boolean
  /** A fresh back end; `open` gives a new set of stores on it (a restart, another node). */
  backing(): Promise<{ open(): Stores }>
}

const files: Impl = {
  name: 'files',
  shared: false,
  async backing() {
    const dir = tempDataDir()
    onTestFinished(() => dir.remove())
    return {
      open: () => ({
        reviews: new FileReviewStore(dir.dir),
        assets: new FileAssetStore(dir.dir),
        audit: new AuditLog(dir.dir),
        votes: new FileVoteStore(dir.dir),
      }),
    }
  },
}

const postgresImpl: Impl = {
  name: 'PostgreSQL',
  shared: true,
  async backing() {
    const db = await engines.migrated('content')
    return {
      open: () => {
        const pool = db.pool()
        return {
          reviews: new PgReviewStore(pool),
          assets: new PgAssetStore(pool),
          audit: new PgAuditLog(pool),
          votes: new PgVoteStore(pool),
        }
      },
    }
  },
}

function review(at: string, title = '复盘', accountId = 'acme'): StoredReview {
  return {
    id: newReviewId(new Date(at)),
    accountId,
    at,
    title,
    note: '',
    createdBy: { id: 'u1', name: '张三' },
    plan: derivePlan(goodDoc(), { today: TODAY }),
    state: new Uint8Array([1, 2, 3, 250]),
  }
}

function vote(id: string, accountId = 'acme'): StoredVote {
  return {
    id,
    accountId,
    accountCreatedAt: '2026-11-01T00:00:00.000Z',
    question: '哪个阻碍最要紧？',
    shapeTypes: ['blocker'],
    votesPerPerson: 3,
    status: 'open',
    openedAt: new Date().toISOString(),
    openedBy: { id: 'u1', name: '张三' },
    closedAt: null,
    closedBy: null,
    ballots: {},
    eligible: [],
  }
}

/** PNG-signed bytes covering every byte value (bytea must keep them all). */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)),
])

for (const impl of [files, postgresImpl]) {
  describe(`ReviewStore contract: ${impl.name}`, () => {
    it('keeps reviews across instances, newest first, with their state byte for byte', async () => {
      const b = await impl.backing()
      const a = b.open().reviews
      const older = review('2026-10-31T10:00:00.000Z', '10 月')
      const newer = review('2026-11-30T10:00:00.000Z', '11 月')
      await a.put(older)
      await a.put(newer)
      await expect(a.put(newer)).rejects.toThrow(/exists/)
      const other = b.open().reviews
      expect((await other.list('acme')).map((r) => r.title)).toEqual(['11 月', '10 月'])
      expect(await other.get('acme', older.id)).toEqual(older)
      expect(await other.get('other', older.id)).toBeNull()
      expect(await other.get('acme', '../../etc/passwd')).toBeNull()
      expect(await other.list('other')).toEqual([])
    })

    it('deletes one review, and all of an account', async () => {
      const b = await impl.backing()
      const store = b.open().reviews
      const one = review('2026-11-30T10:00:00.000Z')
      const two = review('2026-12-30T10:00:00.000Z')
      const elsewhere = review('2026-12-30T10:00:00.000Z', '别的', 'beta')
      await store.put(one)
      await store.put(two)
      await store.put(elsewhere)
      expect(await store.delete('acme', one.id)).toBe(true)
      expect(await store.delete('acme', one.id)).toBe(false)
      expect((await b.open().reviews.list('acme')).map((r) => r.id)).toEqual([two.id])
      await store.removeAccount('acme')
      expect(await b.open().reviews.list('acme')).toEqual([])
      expect((await b.open().reviews.list('beta')).map((r) => r.id)).toEqual([elsewhere.id])
    })
  })

  describe(`AssetStore contract: ${impl.name}`, () => {
    it('stores assets by name per account, byte for byte; the same upload twice is one asset', async () => {
      const b = await impl.backing()
      const store = b.open().assets
      const name = `${'a'.repeat(64)}.png`
      await store.put('acme', name, PNG)
      await store.put('acme', name, PNG)
      const other = b.open().assets
      expect((await other.get('acme', name))?.equals(PNG)).toBe(true)
      expect(await other.get('beta', name)).toBeNull()
      expect(await other.get('acme', `${'b'.repeat(64)}.png`)).toBeNull()
      await store.put('beta', name, PNG)
      await other.removeAccount('acme')
      expect(await store.get('acme', name)).toBeNull()
      expect((await store.get('beta', name))?.equals(PNG)).toBe(true)
    })
  })

  describe(`AuditStore contract: ${impl.name}`, () => {
    it('reads entries newest first, paged by seq, filtered by action, across instances', async () => {
      const b = await impl.backing()
      const log = b.open().audit
      for (let i = 0; i < 7; i++)
        await log.record({
          action: i % 2 ? 'auth.login' : 'user.create',
          actor: { id: `u${i}`, email: `u${i}@example.com` },
          address: '127.0.0.1',
          target: { userId: `t${i}` },
          detail: { role: { from: 'viewer', to: 'editor' }, list: [1, 2] },
        })
      await log.close()
      const reader = b.open().audit
      const first = await reader.read({ limit: 3 })
      expect(first.more).toBe(true)
      expect(first.entries.map((e) => e.actor?.id)).toEqual(['u6', 'u5', 'u4'])
      expect(first.entries[0]).toMatchObject({
        action: 'user.create',
        address: '127.0.0.1',
        target: { userId: 't6' },
        detail: { role: { from: 'viewer', to: 'editor' }, list: [1, 2] },
      })
      expect(Date.parse(first.entries[0].at)).toBeGreaterThan(0)
      const next = await reader.read({ limit: 3, before: first.entries[2].seq })
      expect(next.entries.map((e) => e.actor?.id)).toEqual(['u3', 'u2', 'u1'])
      const last = await reader.read({ limit: 3, before: next.entries[2].seq })
      expect(last).toMatchObject({ more: false, entries: [{ actor: { id: 'u0' } }] })
      const logins = await reader.read({ action: 'auth.login' })
      expect(logins.entries.map((e) => e.actor?.id)).toEqual(['u5', 'u3', 'u1'])
    })

    it.skipIf(!impl.shared)('two nodes appending at once: every entry kept, each with its own seq', async () => {
      const b = await impl.backing()
      const [n1, n2] = [b.open().audit, b.open().audit]
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? n1 : n2).record({ action: 'auth.login', actor: null, address: `10.0.0.${i}` }),
        ),
      )
      const { entries } = await b.open().audit.read({ limit: 1000 })
      expect(entries).toHaveLength(40)
      expect(new Set(entries.map((e) => e.seq)).size).toBe(40)
      expect(new Set(entries.map((e) => e.address)).size).toBe(40)
    })
  })

  describe.skipIf(!impl.shared)('PgAuditLog when PostgreSQL refuses inserts', () => {
    // A real refusal by PostgreSQL (as a full disk or a read-only standby would answer).
    const refuseInserts = (admin: Pool) =>
      admin.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '53100'; END $$;
        CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log EXECUTE FUNCTION refuse_audit()`)
    const takeInserts = (admin: Pool) => admin.query('DROP TRIGGER refuse_audit ON audit_log')
    const login = (address: string) => ({ action: 'auth.login' as const, actor: null, address })

    it('keeps refused entries (in memory and in the spill file), reports them, and inserts them once, in order, when PostgreSQL takes them', async () => {
      const db = await engines.migrated('audit_refused')
      const dir = tempDataDir()
      onTestFinished(() => dir.remove())
      const spillFile = path.join(dir.dir, 'spill', 'audit.jsonl')
      const log = new PgAuditLog(db.pool(), () => {}, { spillFile, retryMs: 50 })
      onTestFinished(() => log.close())
      await log.record(login('10.0.0.1'))
      await refuseInserts(db.admin)
      await log.record(login('10.0.0.2'))
      await log.record(login('10.0.0.3'))
      // Resolved: durable in the spill file, reported, not in the table.
      expect(log.status()).toMatchObject({ ok: false, waiting: 2, spilled: 2, error: '53100' })
      const spilled = readFileSync(spillFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).address)
      expect(spilled).toEqual(['10.0.0.2', '10.0.0.3'])
      expect((await db.admin.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(1)
      await takeInserts(db.admin)
      await eventually(() => expect(log.status()).toEqual({ ok: true, waiting: 0 }))
      await log.record(login('10.0.0.4'))
      const { entries } = await log.read()
      expect(entries.map((e) => e.address)).toEqual(['10.0.0.4', '10.0.0.3', '10.0.0.2', '10.0.0.1'])
      expect(existsSync(spillFile)).toBe(false)
    })

    it('a node that stopped during the outage: its next start inserts the spilled entries once (one already in the table is not doubled)', async () => {
      const db = await engines.migrated('audit_spill')
      const dir = tempDataDir()
      onTestFinished(() => dir.remove())
      const spillFile = path.join(dir.dir, 'spill', 'audit.jsonl')
      const first = new PgAuditLog(db.pool(), () => {}, { spillFile, retryMs: 60_000 })
      await refuseInserts(db.admin)
      for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) await first.record(login(a))
      expect(first.status()).toMatchObject({ ok: false, waiting: 3, spilled: 3 })
      // The process stops before it retried (as after kill -9: nothing more from it); its first
      // entry had made it in after all.
      await first.close()
      await takeInserts(db.admin)
      const [one] = readFileSync(spillFile, 'utf8').trim().split('\n')
      await db.admin.query(`INSERT INTO audit_log (action, entry) VALUES ('auth.login', $1::jsonb)`, [one])
      const next = new PgAuditLog(db.pool(), () => {}, { spillFile })
      onTestFinished(() => next.close())
      const { entries } = await next.read()
      expect(entries.map((e) => e.address)).toEqual(['10.0.0.3', '10.0.0.2', '10.0.0.1'])
      expect(next.status()).toEqual({ ok: true, waiting: 0 })
      expect(existsSync(spillFile)).toBe(false)
    })
  })

  describe(`VoteStore contract: ${impl.name}`, () => {
    it('keeps votes and ballots; a closed vote takes no ballot; storing a vote keeps its ballots', async () => {
      const b = await impl.backing()
      const store = b.open().votes
      const v = vote('vote-1')
      await store.put(v)
      await store.put(vote('vote-2', 'beta'))
      expect(await store.setBallot('vote-1', 'u1', ['shape:a', 'shape:b'])).toBe(true)
      expect(await store.setBallot('vote-1', 'u2', ['shape:a'])).toBe(true)
      expect(await store.setBallot('vote-1', 'u2', ['shape:c'])).toBe(true)
      expect(await store.setBallot('no-such-vote', 'u2', ['shape:c'])).toBe(false)
      const [stored] = await b.open().votes.list('acme')
      expect(stored).toMatchObject({ id: 'vote-1', question: v.question, status: 'open' })
      expect(stored.ballots).toEqual({ u1: ['shape:a', 'shape:b'], u2: ['shape:c'] })
      // Closing stores the vote's new state; the ballots stay as cast.
      await store.put({
        ...stored,
        status: 'closed',
        closedAt: new Date().toISOString(),
        closedBy: { id: 'u1', name: '张三' },
        eligible: [{ id: 'u1', name: '张三' }],
        ballots: {},
      })
      expect(await store.setBallot('vote-1', 'u3', ['shape:a'])).toBe(false)
      const [closed] = await b.open().votes.list('acme')
      expect(closed).toMatchObject({ status: 'closed', eligible: [{ id: 'u1', name: '张三' }] })
      expect(closed.ballots).toEqual({ u1: ['shape:a', 'shape:b'], u2: ['shape:c'] })
      expect((await b.open().votes.list('beta')).map((x) => x.id)).toEqual(['vote-2'])
    })

    it('removes every vote and ballot of a deleted account, and only those', async () => {
      const b = await impl.backing()
      const store = b.open().votes
      await store.put(vote('vote-1'))
      await store.put(vote('vote-2', 'beta'))
      expect(await store.setBallot('vote-1', 'u1', ['shape:a'])).toBe(true)
      await store.removeAccount('acme')
      await store.removeAccount('nobody')
      const reopened = b.open().votes
      expect(await reopened.list('acme')).toEqual([])
      expect(await reopened.setBallot('vote-1', 'u2', ['shape:a'])).toBe(false)
      expect((await reopened.list('beta')).map((x) => x.id)).toEqual(['vote-2'])
    })

    it.skipIf(!impl.shared)('ballots cast on two nodes at once are all kept', async () => {
      const b = await impl.backing()
      const [n1, n2] = [b.open().votes, b.open().votes]
      await n1.put(vote('vote-1'))
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? n1 : n2).setBallot('vote-1', `u${i}`, [`shape:${i}`])),
      )
      expect(results.every(Boolean)).toBe(true)
      const [stored] = await b.open().votes.list('acme')
      expect(Object.keys(stored.ballots)).toHaveLength(30)
    })
  })
}
