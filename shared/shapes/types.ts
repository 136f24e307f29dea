/**
 * The War Room shape contract: type names, enumerations and props of the four
 * structured shapes. These names are a public document format
 * (docs/document-format.md): props may be added through migrations, never renamed
 * or dropped. Validators and migrations live beside this file.
 */

export const STAKEHOLDER_ROLES = ['kdm', 'ki', 'ku', 'gatekeeper', 'other'] as const
export type StakeholderRole = (typeof STAKEHOLDER_ROLES)[number]

/** CR1 firm supporter … CR5 firm opponent (五个客户关系等级). */
export const RELATIONSHIP_LEVELS = ['cr1', 'cr2', 'cr3', 'cr4', 'cr5', 'unknown'] as const
export type RelationshipLevel = (typeof RELATIONSHIP_LEVELS)[number]

export const INFLUENCE_LEVELS = ['high', 'medium', 'low'] as const
export type InfluenceLevel = (typeof INFLUENCE_LEVELS)[number]

export const FACTION_STANCES = ['ally', 'neutral', 'hostile'] as const
export type FactionStance = (typeof FACTION_STANCES)[number]

export const BLOCKER_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type BlockerSeverity = (typeof BLOCKER_SEVERITIES)[number]

export const BLOCKER_STATUSES = ['open', 'attacking', 'cleared'] as const
export type BlockerStatus = (typeof BLOCKER_STATUSES)[number]

/** Funnel stages P0 territory … P6 closed (销售漏斗). */
export const FUNNEL_STAGES = ['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6'] as const
export type FunnelStage = (typeof FUNNEL_STAGES)[number]

export const DEPARTMENTS = ['sales', 'presales', 'delivery', 'product', 'marketing', 'management'] as const
export type Department = (typeof DEPARTMENTS)[number]

export const ACTION_STATUSES = ['planned', 'in-progress', 'done', 'failed', 'dropped'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

/** Statuses of a "live" action: one that is still being fought. */
export const LIVE_ACTION_STATUSES: readonly ActionStatus[] = ['planned', 'in-progress']

export const REVIEW_CAUSES = ['', 'judgement', 'execution'] as const
export type ReviewCause = (typeof REVIEW_CAUSES)[number]

/** `YYYY-MM-DD` or empty. */
export type IsoDateOrEmpty = string

export interface StakeholderProps {
  w: number
  h: number
  name: string
  title: string
  department: string
  role: StakeholderRole
  relationship: RelationshipLevel
  influence: InfluenceLevel
  concern: string
  champion: boolean
  contact: string
  lastContact: IsoDateOrEmpty
  /**
   * Added in stakeholder props v1: the competitor this person backs (mostly for CR4,
   * 对手铁杆支持者), or empty. Optional so records written to the v0 contract stay valid.
   */
  competitor?: string
}

export interface FactionProps {
  w: number
  h: number
  name: string
  stance: FactionStance
  /** A stakeholder shape id, or empty. */
  leader: string
  strategy: string
}

export interface BlockerProps {
  w: number
  h: number
  title: string
  detail: string
  severity: BlockerSeverity
  status: BlockerStatus
  stage: FunnelStage | ''
}

export interface ActionProps {
  w: number
  h: number
  title: string
  owner: string
  department: Department
  resources: string
  due: IsoDateOrEmpty
  checkpoint: string
  status: ActionStatus
  reviewCause: ReviewCause
  reviewNote: string
}

export const WAR_ROOM_SHAPE_TYPES = ['stakeholder', 'faction', 'blocker', 'action'] as const
export type WarRoomShapeType = (typeof WAR_ROOM_SHAPE_TYPES)[number]

export interface WarRoomShapePropsMap {
  stakeholder: StakeholderProps
  faction: FactionProps
  blocker: BlockerProps
  action: ActionProps
}

/** Relation kinds carried by an arrow's `meta.relation`. */
export const RELATION_KINDS = ['reports-to', 'influences', 'targets', 'held-by'] as const
export type RelationKind = (typeof RELATION_KINDS)[number]
