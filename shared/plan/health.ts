/**
 * The plan's health score (0–100): how much of the methodology's checklist the plan answers,
 * not merely how few problems it shows. An empty canvas has no problems to find and still has
 * no plan; a freshly inserted template has tidy placeholder cards and nobody has met anyone. So
 * the score is the mean of eleven questions, each answered with a share from 0 to 1, minus a
 * small deduction for records the plan could not read. docs/health-score.md explains each
 * question and why; the ordering test in health.test.ts holds empty < template < a real map.
 */
import type { AccountFields } from '../account'
import { analyzeOwner } from './owners'
import type { Finding, PlanAction, PlanBlocker, PlanStakeholder } from './schema'

export interface HealthInput {
  account: AccountFields
  stakeholders: readonly PlanStakeholder[]
  blockers: readonly PlanBlocker[]
  actions: readonly PlanAction[]
  findings: readonly Pick<Finding, 'code' | 'shapeId'>[]
}

/** The questions, in the order docs/health-score.md lists them. */
export const HEALTH_QUESTIONS = [
  'owner',
  'tier',
  'goal',
  'roles',
  'relationships',
  'champion',
  'contact',
  'factions',
  'opponents',
  'blockers',
  'actions',
] as const
export type HealthQuestion = (typeof HEALTH_QUESTIONS)[number]

/** Points off per finding about unreadable data (record.invalid, account.field.invalid), at most HEALTH_DATA_CAP. */
export const HEALTH_DATA_PENALTY = 5
export const HEALTH_DATA_CAP = 20

const blank = (s: string) => s.trim() === ''
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole)

/** Each question's answer, 0 (not at all) to 1 (fully). */
export function healthBreakdown(plan: HealthInput): Record<HealthQuestion, number> {
  const { account, stakeholders, blockers, actions } = plan
  const live = new Set(actions.filter((a) => a.live).map((a) => a.id))
  const aimedAt = (ids: readonly string[]) => ids.some((id) => live.has(id))
  const key = stakeholders.filter((s) => s.role === 'kdm' || s.role === 'ki')
  const uncontacted = new Set(
    plan.findings
      .filter((f) => f.code === 'chain.kdm.uncovered' || f.code === 'stakeholder.contact.stale')
      .map((f) => f.shapeId),
  )
  const has = (role: PlanStakeholder['role']) => (stakeholders.some((s) => s.role === role) ? 1 : 0)
  const opponents = stakeholders.filter(
    (s) => s.influence === 'high' && (s.relationship === 'cr4' || s.relationship === 'cr5'),
  )
  const open = blockers.filter((b) => b.status !== 'cleared')
  const liveActions = actions.filter((a) => a.live)
  // An action counts when it answers all four questions of seed 000 and is not overdue.
  const ready = (a: PlanAction) =>
    a.targets.length > 0 &&
    analyzeOwner(a.owner).kind === 'single' &&
    !blank(a.resources) &&
    a.due !== '' &&
    !blank(a.checkpoint) &&
    !a.overdue

  return {
    owner: analyzeOwner(account.owner).kind === 'single' ? 1 : 0,
    tier: account.tier === '' ? 0 : account.tier === 'breakthrough' && account.window === '' ? 0.5 : 1,
    goal: (['goal', 'target', 'deadline'] as const).filter((f) => !blank(account[f])).length / 3,
    roles: (has('kdm') + has('ki') + has('ku')) / 3,
    relationships: share(key.filter((s) => s.relationship !== 'unknown').length, key.length),
    champion: stakeholders.some((s) => s.champion) ? 1 : 0,
    // Covered by one of ours and met within the freshness limit (shared/plan/contacts.ts says which are not).
    contact: share(key.filter((s) => s.lastContact !== '' && !uncontacted.has(s.id)).length, key.length),
    factions: share(stakeholders.filter((s) => s.faction !== null).length, stakeholders.length),
    opponents:
      stakeholders.length === 0
        ? 0
        : opponents.length === 0
          ? 1
          : share(opponents.filter((s) => aimedAt(s.targetedBy)).length, opponents.length),
    blockers:
      blockers.length === 0
        ? 0
        : open.length === 0
          ? 1
          : share(open.filter((b) => aimedAt(b.targetedBy)).length, open.length),
    actions: share(liveActions.filter(ready).length, liveActions.length),
  }
}

/** The score: 100 × the mean answer, minus the unreadable-data deduction; 0 if derivation failed. */
export function healthScore(plan: HealthInput): number {
  if (plan.findings.some((f) => f.code === 'plan.derivation.failed')) return 0
  const answers = Object.values(healthBreakdown(plan))
  const mean = answers.reduce((a, b) => a + b, 0) / answers.length
  const unreadable = plan.findings.filter((f) => f.code === 'record.invalid' || f.code === 'account.field.invalid')
  const deduction = Math.min(HEALTH_DATA_CAP, unreadable.length * HEALTH_DATA_PENALTY)
  return Math.max(0, Math.min(100, Math.round(100 * mean - deduction)))
}
