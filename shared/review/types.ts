/**
 * The review contract (复盘): a review freezes an account's plan record and document at a moment;
 * a change list says what moved between two plan records. Shared by the server's review routes,
 * the Markdown report and the client's review panel (docs/api.md, "Reviews").
 */
import type { Bilingual } from '../plan/labels'
import type { FindingCode, FindingSeverity, PlanRecord } from '../plan/schema'

/** Every code diffPlans can emit. Stable: clients and reports key on them. */
export const CHANGE_CODES = [
  'account.stage.changed',
  'account.tier.changed',
  'account.owner.changed',
  'account.goal.changed',
  'stakeholder.added',
  'stakeholder.removed',
  'stakeholder.renamed',
  'stakeholder.relationship.changed',
  'stakeholder.role.changed',
  'stakeholder.influence.changed',
  'stakeholder.champion.changed',
  'stakeholder.faction.changed',
  'faction.added',
  'faction.removed',
  'faction.renamed',
  'faction.stance.changed',
  'blocker.added',
  'blocker.removed',
  'blocker.renamed',
  'blocker.status.changed',
  'blocker.severity.changed',
  'action.added',
  'action.removed',
  'action.renamed',
  'action.status.changed',
  'action.due.changed',
  'action.owner.changed',
  'action.overdue',
  'finding.added',
  'finding.resolved',
] as const
export type ChangeCode = (typeof CHANGE_CODES)[number]

export const CHANGE_ENTITIES = ['account', 'stakeholder', 'faction', 'blocker', 'action', 'finding'] as const
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number]

export type ChangeValue = string | boolean | null

export interface Change {
  code: ChangeCode
  entity: ChangeEntity
  /**
   * The shape id; the account field name for `account.*`; for `finding.*` the shape id or account
   * field the finding is about ("" for a finding about the whole plan, e.g. no KDM).
   */
  id: string
  /** The shape's name (its old name when it was removed), or the account's name for account fields. */
  name: string
  from?: ChangeValue
  to?: ChangeValue
  /** `stakeholder.faction.changed`: the factions' names beside their ids. */
  fromName?: string
  toName?: string
  /** `finding.*`: which finding. */
  finding?: { code: FindingCode; severity: FindingSeverity }
  message: Bilingual
}

export interface ChangeSummary {
  /** Blockers added open or under attack, and cleared blockers reopened. */
  blockersOpened: number
  /** Blockers whose status moved to cleared. */
  blockersCleared: number
  /** Actions whose status moved to done / failed. */
  actionsDone: number
  actionsFailed: number
  /** `action.overdue` changes. */
  actionsOverdue: number
  /** Relationship levels that moved toward CR1 / toward CR5 ("unknown" on either side counts as neither). */
  relationshipsImproved: number
  relationshipsWorsened: number
  findingsAdded: number
  findingsResolved: number
  stage: { from: string; to: string }
  score: { from: number; to: number }
}

export interface PlanDiff {
  summary: ChangeSummary
  changes: Change[]
}

/** Who took a review. */
export interface ReviewAuthor {
  id: string
  name: string
}

/** A review as the API returns it (the frozen Yjs state is served separately as a document). */
export interface Review {
  id: string
  accountId: string
  /** ISO timestamp of the moment the review was taken. */
  at: string
  title: string
  note: string
  createdBy: ReviewAuthor
  /** The plan record derived from the live document at that moment. */
  plan: PlanRecord
}

/** A row of the review list. */
export interface ReviewListItem {
  id: string
  at: string
  title: string
  createdBy: ReviewAuthor
  /** The frozen plan's health score and number of findings. */
  score: number
  findings: number
}

/** The answer of `GET /api/accounts/:id/changes`. */
export interface ChangesResponse extends PlanDiff {
  since: { id: string; at: string }
  until: { id: string; at: string } | { live: true; at: string }
}
