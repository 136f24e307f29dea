/**
 * The portfolio for the monthly review meeting: every row gets the health of its plan (derived
 * now when no plan was ever stored, so no row says "not derived yet"), its last review and what
 * moved since.
 */
import type { AccountSummary } from '../../shared/accounts.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import type { PlanService } from '../plan/PlanService.ts'
import type { ReviewService } from './ReviewService.ts'

function healthOf(plan: PlanRecord): NonNullable<AccountSummary['health']> {
  return {
    score: plan.metrics.healthScore,
    findings: plan.findings.length,
    errors: plan.metrics.findings.error,
    warnings: plan.metrics.findings.warning,
  }
}

export function portfolioRows(deps: { plans: PlanService; reviews: ReviewService; log: (msg: string) => void }) {
  return async (rows: AccountSummary[]): Promise<AccountSummary[]> => {
    const out: AccountSummary[] = []
    // One account at a time: a first listing after an upgrade may load many rooms.
    for (const row of rows) {
      let plan: PlanRecord | null
      try {
        plan = await deps.plans.stored(row.id)
      } catch (e) {
        // A plan the store refuses to read: the row keeps what the list knows (its summary).
        deps.log(`[portfolio] the stored plan of ${row.id} cannot be read: ${String(e)}`)
        out.push({ ...row, lastReview: null, sinceLastReview: null })
        continue
      }
      let next = row
      if (!plan) {
        try {
          plan = await deps.plans.current(row.id)
          next = {
            ...row,
            name: plan.account.name || row.name,
            tier: plan.account.tier,
            owner: plan.account.owner,
            stage: plan.account.stage,
            health: healthOf(plan),
          }
        } catch (e) {
          // An unreadable room keeps its row (health null) rather than failing the whole list.
          deps.log(`[portfolio] the plan of ${row.id} could not be derived: ${String(e)}`)
        }
      }
      try {
        out.push({ ...next, ...(await deps.reviews.portfolioInfo(row.id, plan)) })
      } catch (e) {
        deps.log(`[portfolio] the reviews of ${row.id} could not be read: ${String(e)}`)
        out.push({ ...next, lastReview: null, sinceLastReview: null })
      }
    }
    return out
  }
}
