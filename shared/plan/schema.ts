/**
 * The PlanRecord: the structured projection of an account's canvas, shared by the server's API
 * and stored copy, the exports, and the client's plan panel. Its zod schema is the contract;
 * the TypeScript types are inferred from it.
 */
import { z } from 'zod'
import { accountFieldsSchema } from '../account'
import {
  ACTION_STATUSES,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  DEPARTMENTS,
  FACTION_STANCES,
  FUNNEL_STAGES,
  INFLUENCE_LEVELS,
  RELATION_KINDS,
  RELATIONSHIP_LEVELS,
  REVIEW_CAUSES,
  STAKEHOLDER_ROLES,
} from '../shapes/types'
import { isIsoDate } from './dates'
import { planVoteSchema } from './votes'

/** Bumped when the PlanRecord changes incompatibly. */
export const PLAN_RECORD_VERSION = 1

export const FINDING_SEVERITIES = ['error', 'warning', 'info'] as const
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number]

/** Every code derivePlan can emit. Stable: the client and stored reviews key on them. */
export const FINDING_CODES = [
  'account.owner.missing',
  'account.owner.multiple',
  'account.tier.missing',
  'account.goal.incomplete',
  'account.window.missing',
  'account.field.invalid',
  'chain.kdm.missing',
  'stakeholder.relationship.unknown',
  'chain.kdm.uncovered',
  'stakeholder.contact.stale',
  'champion.missing',
  'opponent.unaddressed',
  'blocker.untargeted',
  'action.untargeted',
  'action.owner.missing',
  'action.owner.multiple',
  'action.resources.missing',
  'action.due.missing',
  'action.checkpoint.missing',
  'action.overdue',
  'record.invalid',
  'relation.invalid',
  'plan.derivation.failed',
] as const
export type FindingCode = (typeof FINDING_CODES)[number]

const shapeId = z.string()
const isoDateOrEmpty = z.string().refine((s) => s === '' || isIsoDate(s), 'expected YYYY-MM-DD or empty')

export const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity: z.enum(FINDING_SEVERITIES),
  message: z.object({ zh: z.string(), en: z.string() }),
  /** The shape (or arrow) the finding is about, when it is about one. */
  shapeId: shapeId.optional(),
  /** The account field or shape prop the finding is about, when it is about one. */
  field: z.string().optional(),
})
export type Finding = z.infer<typeof findingSchema>

export const planStakeholderSchema = z.object({
  id: shapeId,
  name: z.string(),
  title: z.string(),
  department: z.string(),
  role: z.enum(STAKEHOLDER_ROLES),
  relationship: z.enum(RELATIONSHIP_LEVELS),
  influence: z.enum(INFLUENCE_LEVELS),
  concern: z.string(),
  champion: z.boolean(),
  contact: z.string(),
  lastContact: isoDateOrEmpty,
  /**
   * Who last set each stance field and when (the shape's `meta.provenance`, see
   * docs/document-format.md). Optional so plan records stored before it stay valid.
   */
  provenance: z
    .partialRecord(
      z.enum(['relationship', 'role', 'influence', 'champion']),
      z.object({ by: z.string(), byName: z.string(), at: z.string() }),
    )
    .optional(),
  /** The nearest enclosing faction, or null. */
  faction: shapeId.nullable(),
  /** Stakeholders this one reports to (汇报). */
  reportsTo: z.array(shapeId),
  /** Stakeholders this one influences (影响). */
  influences: z.array(shapeId),
  /** Actions aimed at this stakeholder. */
  targetedBy: z.array(shapeId),
})
export type PlanStakeholder = z.infer<typeof planStakeholderSchema>

export const planFactionSchema = z.object({
  id: shapeId,
  name: z.string(),
  stance: z.enum(FACTION_STANCES),
  /** The leader's stakeholder id when it names an existing stakeholder, else null. */
  leader: shapeId.nullable(),
  strategy: z.string(),
  members: z.array(shapeId),
})
export type PlanFaction = z.infer<typeof planFactionSchema>

export const planBlockerSchema = z.object({
  id: shapeId,
  title: z.string(),
  detail: z.string(),
  severity: z.enum(BLOCKER_SEVERITIES),
  status: z.enum(BLOCKER_STATUSES),
  stage: z.enum([...FUNNEL_STAGES, '']),
  /** Stakeholders the blocker sits with (卡在谁那里). */
  heldBy: z.array(shapeId),
  /** Actions aimed at the blocker, live or not. */
  targetedBy: z.array(shapeId),
})
export type PlanBlocker = z.infer<typeof planBlockerSchema>

export const planActionSchema = z.object({
  id: shapeId,
  title: z.string(),
  owner: z.string(),
  department: z.enum(DEPARTMENTS),
  resources: z.string(),
  due: isoDateOrEmpty,
  checkpoint: z.string(),
  status: z.enum(ACTION_STATUSES),
  reviewCause: z.enum(REVIEW_CAUSES),
  reviewNote: z.string(),
  /** Blockers and stakeholders the action is aimed at. */
  targets: z.array(shapeId),
  /** Status is planned or in-progress. */
  live: z.boolean(),
  /** Live and due before the plan's date. */
  overdue: z.boolean(),
})
export type PlanAction = z.infer<typeof planActionSchema>

export const planRelationSchema = z.object({
  /** The arrow shape that carries the relation. */
  id: shapeId,
  kind: z.enum(RELATION_KINDS),
  /** Normalised direction: subordinate → boss, influencer → influenced, action → target, blocker → stakeholder. */
  from: shapeId,
  to: shapeId,
})
export type PlanRelation = z.infer<typeof planRelationSchema>

const count = z.number().int().nonnegative()

export const planMetricsSchema = z.object({
  counts: z.object({
    stakeholders: count,
    factions: count,
    blockers: count,
    actions: count,
    relations: count,
  }),
  decisionChain: z.object({
    kdm: count,
    ki: count,
    ku: count,
    gatekeeper: count,
    /** Whether each of the three key roles (三大关键用户) appears at least once. */
    rolesPresent: z.object({ kdm: z.boolean(), ki: z.boolean(), ku: z.boolean() }),
    /** Share (0–1) of KDM and KI stakeholders whose relationship level is known; null without any. */
    keyRelationshipCoverage: z.number().min(0).max(1).nullable(),
    champions: count,
    /** CR1 and CR2. */
    supporters: count,
    /** CR4 and CR5. */
    opponents: count,
    /** Stakeholders in no faction. */
    unaffiliated: count,
  }),
  /** Open and attacking blockers. */
  openBlockers: count,
  /** Open or attacking blockers that no live action targets. */
  untargetedBlockers: count,
  liveActions: count,
  overdueActions: count,
  findings: z.object({ error: count, warning: count, info: count }),
  /** 0–100: shared/plan/health.ts, explained in docs/health-score.md. */
  healthScore: z.number().int().min(0).max(100),
})
export type PlanMetrics = z.infer<typeof planMetricsSchema>

export const planRecordSchema = z.object({
  version: z.literal(PLAN_RECORD_VERSION),
  /** The date the plan was derived for (drives the overdue check). */
  asOf: z.string(),
  account: accountFieldsSchema,
  stakeholders: z.array(planStakeholderSchema),
  factions: z.array(planFactionSchema),
  blockers: z.array(planBlockerSchema),
  actions: z.array(planActionSchema),
  relations: z.array(planRelationSchema),
  metrics: planMetricsSchema,
  findings: z.array(findingSchema),
  /** Dot votes held in this account's sessions (shared/plan/votes.ts); absent in older records. */
  votes: z.array(planVoteSchema).optional(),
})
export type PlanRecord = z.infer<typeof planRecordSchema>
