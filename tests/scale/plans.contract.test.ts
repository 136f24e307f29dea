/**
 * The plan store's contract (server/plan/PlanStore.ts) on plan files and on PostgreSQL's `plans`
 * table (real PostgreSQL, tests/helpers/engines.ts). "Reopen" is a second instance on the same
 * data directory or database, as after a restart or on another node.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { PgPlanStore } from '../../server/pg/PgPlanStore.ts'
import { FilePlanStore, type PlanStore } from '../../server/plan/PlanStore.ts'
import { summarize } from '../../server/plan/planProtocol.ts'
import { StorageUnavailableError } from '../../server/storage/DocStore.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { goodDoc, TODAY } from '../../shared/plan/testing/builders.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { tempDataDir } from '../helpers/server.ts'

const engines = fileEngines()

interface Backing {
  open(): PlanStore
  /** Makes the account exist (PostgreSQL writes plans of existing accounts only). */
  account(id: string): Promise<void>
  /** The account is deleted (records). */
  dropAccount(id: string): Promise<void>
}

interface Impl {
  name: string
  shared: boolean
  backing(): Promise<Backing>
}

const files: Impl = {
  name: 'files',
  shared: false,
  async backing() {
    const dir = tempDataDir()
    onTestFinished(() => dir.remove())
    return { open: () => new FilePlanStore(dir.dir), account: async () => {}, dropAccount: async () => {} }
  },
}

const postgresImpl: Impl = {
  name: 'PostgreSQL',
  shared: true,
  async backing() {
    const { admin, pool } = await engines.migrated('plans')
    return {
      open: () => new PgPlanStore(pool()),
      account: async (id) => {
        await admin.query('INSERT INTO accounts (id, created_at, last_activity_at) VALUES ($1, now(), now())', [id])
      },
      dropAccount: async (id) => {
        await admin.query('DELETE FROM accounts WHERE id = $1', [id])
      },
    }
  },
}

/** A plan file's content as the plan worker encodes it. */
function encoded(name: string, lastActivityAt = '2026-11-22T08:00:00.000Z') {
  const plan = derivePlan(goodDoc({ account: { name } }), { today: TODAY })
  const summary = summarize(plan, lastActivityAt)
  const content = new TextEncoder().encode(
    `{"format":"war-room-plan","version":1,"summary":${JSON.stringify(summary)},"plan":${JSON.stringify(plan)}}`,
  )
  return { plan, summary, content }
}

const log = () => {}

for (const impl of [files, postgresImpl]) {
  describe(`PlanStore contract: ${impl.name}`, () => {
    it('an empty store has no plans', async () => {
      const store = (await impl.backing()).open()
      expect((await store.loadAll(log)).size).toBe(0)
      expect(await store.read('acme')).toBeNull()
      expect((await store.summaries(['acme'])).size).toBe(0)
      expect(store.shared).toBe(impl.shared)
    })

    it('keeps a written plan across instances: summary and whole plan', async () => {
      const b = await impl.backing()
      await b.account('acme')
      const first = encoded('华东电网 <b>集团</b>')
      await b.open().write('acme', first.content)
      const other = b.open()
      expect(await other.read('acme')).toEqual({ summary: first.summary, plan: first.plan })
      const all = await other.loadAll(log)
      expect([...all.keys()]).toEqual(['acme'])
      expect(all.get('acme')?.summary).toEqual(first.summary)
      expect(await other.summaries(['acme', 'nobody'])).toEqual(new Map([['acme', first.summary]]))
    })

    it('a write replaces the plan; summaries lists only the accounts asked for', async () => {
      const b = await impl.backing()
      await b.account('acme')
      await b.account('beta')
      const store = b.open()
      await store.write('acme', encoded('第一版').content)
      const second = encoded('第二版', '2026-11-22T09:00:00.000Z')
      await store.write('acme', second.content)
      await store.write('beta', encoded('乙').content)
      const other = b.open()
      expect((await other.read('acme'))?.plan.account.name).toBe('第二版')
      expect(await other.summaries(['acme'])).toEqual(new Map([['acme', second.summary]]))
      expect([...(await other.loadAll(log)).keys()].sort()).toEqual(['acme', 'beta'])
    })

    it('remove forgets the plan (and removing a missing one is no error)', async () => {
      const b = await impl.backing()
      await b.account('acme')
      const store = b.open()
      await store.write('acme', encoded('甲').content)
      await store.remove('acme')
      await store.remove('acme')
      await store.remove('never')
      const other = b.open()
      expect(await other.read('acme')).toBeNull()
      expect((await other.loadAll(log)).size).toBe(0)
    })
  })
}

describe('PlanStore on PostgreSQL only', () => {
  it('two nodes writing at once leave one whole plan (files: one process per DATA_DIR)', async () => {
    const b = await postgresImpl.backing()
    await b.account('acme')
    const [x, y] = [b.open(), b.open()]
    const plans = Array.from({ length: 10 }, (_, i) => encoded(`版本 ${i}`))
    await Promise.all(plans.map((p, i) => (i % 2 ? x : y).write('acme', p.content)))
    const stored = await b.open().read('acme')
    const i = plans.findIndex((p) => p.plan.account.name === stored?.plan.account.name)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(stored).toEqual({ summary: plans[i].summary, plan: plans[i].plan })
  })

  it('a plan of an account that no longer exists is not written (deleted on another node meanwhile)', async () => {
    const b = await postgresImpl.backing()
    await b.account('acme')
    const store = b.open()
    await store.write('acme', encoded('甲').content)
    await b.dropAccount('acme')
    await store.remove('acme')
    // The node that was deriving it writes afterwards: nothing comes back.
    await store.write('acme', encoded('迟到的').content)
    expect(await store.read('acme')).toBeNull()
    // A new account with the same id starts without the old one's plan.
    await b.account('acme')
    expect((await store.summaries(['acme'])).size).toBe(0)
  })

  it('a refused write (read-only database) rejects with StorageUnavailableError and keeps the stored plan', async () => {
    const { url, admin, pool: another } = await engines.migrated('plans')
    const name = url.slice(url.lastIndexOf('/') + 1)
    await admin.query("INSERT INTO accounts (id, created_at, last_activity_at) VALUES ('acme', now(), now())")
    await new PgPlanStore(admin).write('acme', encoded('甲').content)
    await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`)
    const store = new PgPlanStore(another())
    await expect(store.write('acme', encoded('乙').content)).rejects.toBeInstanceOf(StorageUnavailableError)
    expect((await store.read('acme'))?.plan.account.name).toBe('甲')
  })
})
