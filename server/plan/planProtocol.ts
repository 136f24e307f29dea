/** Messages between PlanService (the event loop) and the plan worker thread, and the plan summary. */
import type { PlanRecord } from '../../shared/plan/schema.ts'

/** What account lists need of a plan (kept in memory for every account; the full plan is on disk). */
export interface PlanSummary {
  account: { name: string; tier: PlanRecord['account']['tier']; owner: string; stage: PlanRecord['account']['stage'] }
  health: { score: number; findings: number; errors: number; warnings: number }
  asOf: string
  /** When the document last changed (as far as derivations saw). */
  lastActivityAt: string
}

export function summarize(plan: PlanRecord, lastActivityAt: string): PlanSummary {
  return {
    account: {
      name: plan.account.name,
      tier: plan.account.tier,
      owner: plan.account.owner,
      stage: plan.account.stage,
    },
    health: {
      score: plan.metrics.healthScore,
      findings: plan.findings.length,
      errors: plan.metrics.findings.error,
      warnings: plan.metrics.findings.warning,
    },
    asOf: plan.asOf,
    lastActivityAt,
  }
}

export type PlanWorkerRequest =
  | { op: 'open'; room: string; updates: Uint8Array[] }
  | { op: 'apply'; room: string; updates: Uint8Array[] }
  | { op: 'close'; room: string }
  | {
      op: 'derive'
      id: number
      room: string
      today: string
      staleContactDays?: number
      lastActivityAt: string
      /** Send the plan file's content back (bytes, transferred), for the event loop to write. */
      wantFile: boolean
      /** Send the whole plan back as JSON (on request paths only; lists use the summary). */
      wantPlan: boolean
    }

export type PlanWorkerReply =
  | {
      id: number
      ok: true
      summary: PlanSummary
      json?: string
      /** The plan file's content, when asked for. */
      file?: Uint8Array
      ms: number
      threadId: number
      /** Bugs derivePlan reported through onError (the plan is still whole). */
      bugs: string[]
    }
  | { id: number; ok: false; error: string; threadId: number }
