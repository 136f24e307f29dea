/**
 * Derived plan records in PostgreSQL (the multi-node mode; table `plans` in
 * server/pg/migrations/003_content.sql), behind the interface the plan files implement
 * (server/plan/PlanStore.ts). Whichever node derives a plan upserts it; every node reads the
 * summaries for its lists and the plans from here, so a plan derived on node A shows on node B.
 */

import type { PlanLeases, PlanStore, StoredPlan } from '../plan/PlanStore.ts'
import type { PlanSummary } from '../plan/planProtocol.ts'
import { guarded } from './PgContentStores.ts'
import type { Pool } from './pool.ts'

export class PgPlanStore implements PlanStore {
  readonly shared = true
  readonly what = 'the plan row'

  /**
   * `leases`: several nodes (REDIS_URL): one node per room derives its plan
   * (server/pg/PlanLeases.ts); null: this node is the only one.
   */
  constructor(
    private readonly pool: Pool,
    readonly leases: PlanLeases | null = null,
  ) {}

  loadAll() {
    return guarded('read the plans', async () => {
      const { rows } = await this.pool.query<{ account_id: string; summary: PlanSummary }>(
        'SELECT account_id, summary FROM plans',
      )
      return new Map(rows.map((r) => [r.account_id, { summary: r.summary }]))
    })
  }

  summaries(ids: string[]) {
    if (ids.length === 0) return Promise.resolve(new Map<string, PlanSummary>())
    return guarded('read plan summaries', async () => {
      const { rows } = await this.pool.query<{ account_id: string; summary: PlanSummary }>(
        'SELECT account_id, summary FROM plans WHERE account_id = ANY($1::text[])',
        [ids],
      )
      return new Map(rows.map((r) => [r.account_id, r.summary]))
    })
  }

  read(accountId: string) {
    return guarded('read a plan', async () => {
      const { rows } = await this.pool.query<StoredPlan>('SELECT summary, plan FROM plans WHERE account_id = $1', [
        accountId,
      ])
      return rows[0] ? { summary: rows[0].summary, plan: rows[0].plan } : null
    })
  }

  /**
   * One upsert; PostgreSQL parses the encoded file (the event loop does not). A plan of an account
   * that no longer exists (deleted on another node while this one derived it) is not written, so a
   * later account with the same id never shows the old one's plan.
   */
  write(accountId: string, content: Uint8Array) {
    const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8')
    return guarded('store a plan', async () => {
      await this.pool.query(
        `INSERT INTO plans (account_id, summary, plan, updated_at)
         SELECT $1, d -> 'summary', d -> 'plan', now() FROM (SELECT $2::jsonb AS d) s
         WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1)
         ON CONFLICT (account_id) DO UPDATE SET summary = EXCLUDED.summary, plan = EXCLUDED.plan, updated_at = now()`,
        [accountId, text],
      )
    })
  }

  remove(accountId: string) {
    return guarded('remove a plan', async () => {
      await this.pool.query('DELETE FROM plans WHERE account_id = $1', [accountId])
    })
  }

  async close() {}
}
