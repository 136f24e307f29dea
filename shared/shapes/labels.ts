import { labelTable } from '../i18n'
import type {
  ActionStatus,
  BlockerSeverity,
  BlockerStatus,
  Department,
  FactionStance,
  InfluenceLevel,
  RelationKind,
  RelationshipLevel,
  ReviewCause,
  StakeholderRole,
  WarRoomShapeType,
} from './types'

/**
 * Display names of the contract's values in both UI languages, with the domain
 * guide's terms. Plain data, so the client's panels and the server's exports
 * (Markdown, CSV) name things the same way.
 */
export interface Label {
  zh: string
  en: string
}

export const SHAPE_TYPE_LABELS: Record<WarRoomShapeType, Label> = labelTable('label.shapeType', [
  'stakeholder',
  'faction',
  'blocker',
  'action',
])

/** Long names of the roles in the decision (三大关键用户 + 技术把关者). */
export const ROLE_LABELS: Record<StakeholderRole, Label> = labelTable('label.role', [
  'kdm',
  'ki',
  'ku',
  'gatekeeper',
  'other',
])

/** Short badges for the cards: readable from across a room. */
export const ROLE_BADGES: Record<StakeholderRole, Label> = labelTable('label.roleBadge', [
  'kdm',
  'ki',
  'ku',
  'gatekeeper',
  'other',
])

/** 五个客户关系等级. */
export const RELATIONSHIP_LABELS: Record<RelationshipLevel, Label> = labelTable('label.relationship', [
  'cr1',
  'cr2',
  'cr3',
  'cr4',
  'cr5',
  'unknown',
])

export const INFLUENCE_LABELS: Record<InfluenceLevel, Label> = labelTable('label.influence', ['high', 'medium', 'low'])

export const STANCE_LABELS: Record<FactionStance, Label> = labelTable('label.stance', ['ally', 'neutral', 'hostile'])

export const SEVERITY_LABELS: Record<BlockerSeverity, Label> = labelTable('label.severity', [
  'critical',
  'high',
  'medium',
  'low',
])

export const BLOCKER_STATUS_LABELS: Record<BlockerStatus, Label> = labelTable('label.blockerStatus', [
  'open',
  'attacking',
  'cleared',
])

/** 销售漏斗. */
export const STAGE_LABELS: Record<'P0' | 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6', Label> = labelTable('label.stage', [
  'P0',
  'P1',
  'P2',
  'P3',
  'P4',
  'P5',
  'P6',
])

export const DEPARTMENT_LABELS: Record<Department, Label> = labelTable('label.department', [
  'sales',
  'presales',
  'delivery',
  'product',
  'marketing',
  'management',
])

export const ACTION_STATUS_LABELS: Record<ActionStatus, Label> = labelTable('label.actionStatus', [
  'planned',
  'in-progress',
  'done',
  'failed',
  'dropped',
])

export const REVIEW_CAUSE_LABELS: Record<ReviewCause, Label> = labelTable('label.reviewCause', [
  '',
  'judgement',
  'execution',
])

export const RELATION_LABELS: Record<RelationKind, Label> = labelTable('label.relation', [
  'reports-to',
  'influences',
  'targets',
  'held-by',
])
