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

export const SHAPE_TYPE_LABELS: Record<WarRoomShapeType, Label> = {
  stakeholder: { zh: '决策链角色', en: 'Stakeholder' },
  faction: { zh: '派系', en: 'Faction' },
  blocker: { zh: '卡点', en: 'Blocker' },
  action: { zh: '行动项', en: 'Action' },
}

/** Long names of the roles in the decision (三大关键用户 + 技术把关者). */
export const ROLE_LABELS: Record<StakeholderRole, Label> = {
  kdm: { zh: '关键决策者', en: 'Key decision maker' },
  ki: { zh: '关键影响者', en: 'Key influencer' },
  ku: { zh: '关键使用者', en: 'Key user' },
  gatekeeper: { zh: '技术把关者', en: 'Technical gatekeeper' },
  other: { zh: '其他', en: 'Other' },
}

/** Short badges for the cards: readable from across a room. */
export const ROLE_BADGES: Record<StakeholderRole, Label> = {
  kdm: { zh: 'KDM', en: 'KDM' },
  ki: { zh: 'KI', en: 'KI' },
  ku: { zh: 'KU', en: 'KU' },
  gatekeeper: { zh: '把关者', en: 'Gatekeeper' },
  other: { zh: '其他', en: 'Other' },
}

/** 五个客户关系等级. */
export const RELATIONSHIP_LABELS: Record<RelationshipLevel, Label> = {
  cr1: { zh: 'CR1 铁杆支持者', en: 'CR1 Firm supporter' },
  cr2: { zh: 'CR2 友善者', en: 'CR2 Friendly' },
  cr3: { zh: 'CR3 中立者', en: 'CR3 Neutral' },
  cr4: { zh: 'CR4 对手铁杆支持者', en: "CR4 Rival's supporter" },
  cr5: { zh: 'CR5 坚决反对者', en: 'CR5 Firm opponent' },
  unknown: { zh: '关系未知', en: 'Relationship unknown' },
}

export const INFLUENCE_LABELS: Record<InfluenceLevel, Label> = {
  high: { zh: '影响力高', en: 'High influence' },
  medium: { zh: '影响力中', en: 'Medium influence' },
  low: { zh: '影响力低', en: 'Low influence' },
}

export const STANCE_LABELS: Record<FactionStance, Label> = {
  ally: { zh: '友方', en: 'Ally' },
  neutral: { zh: '中立', en: 'Neutral' },
  hostile: { zh: '敌对', en: 'Hostile' },
}

export const SEVERITY_LABELS: Record<BlockerSeverity, Label> = {
  critical: { zh: '致命', en: 'Critical' },
  high: { zh: '高', en: 'High' },
  medium: { zh: '中', en: 'Medium' },
  low: { zh: '低', en: 'Low' },
}

export const BLOCKER_STATUS_LABELS: Record<BlockerStatus, Label> = {
  open: { zh: '未突破', en: 'Open' },
  attacking: { zh: '攻坚中', en: 'Under attack' },
  cleared: { zh: '已突破', en: 'Cleared' },
}

/** 销售漏斗. */
export const STAGE_LABELS: Record<'P0' | 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6', Label> = {
  P0: { zh: 'P0 地盘', en: 'P0 Territory' },
  P1: { zh: 'P1 线索', en: 'P1 Lead' },
  P2: { zh: 'P2 商机', en: 'P2 Opportunity' },
  P3: { zh: 'P3 初步认可', en: 'P3 Initial approval' },
  P4: { zh: 'P4 认可/投标', en: 'P4 Approval / bidding' },
  P5: { zh: 'P5 商务', en: 'P5 Commercial' },
  P6: { zh: 'P6 成交', en: 'P6 Closed' },
}

export const DEPARTMENT_LABELS: Record<Department, Label> = {
  sales: { zh: '销售', en: 'Sales' },
  presales: { zh: '售前', en: 'Presales' },
  delivery: { zh: '交付', en: 'Delivery' },
  product: { zh: '产品', en: 'Product' },
  marketing: { zh: '市场', en: 'Marketing' },
  management: { zh: '管理层', en: 'Management' },
}

export const ACTION_STATUS_LABELS: Record<ActionStatus, Label> = {
  planned: { zh: '计划中', en: 'Planned' },
  'in-progress': { zh: '进行中', en: 'In progress' },
  done: { zh: '已完成', en: 'Done' },
  failed: { zh: '失败', en: 'Failed' },
  dropped: { zh: '已放弃', en: 'Dropped' },
}

export const REVIEW_CAUSE_LABELS: Record<ReviewCause, Label> = {
  '': { zh: '（未复盘）', en: '(not reviewed)' },
  judgement: { zh: '判断错', en: 'Wrong judgement' },
  execution: { zh: '执行不到位', en: 'Poor execution' },
}

export const RELATION_LABELS: Record<RelationKind, Label> = {
  'reports-to': { zh: '汇报', en: 'reports to' },
  influences: { zh: '影响', en: 'influences' },
  targets: { zh: '针对', en: 'targets' },
  'held-by': { zh: '卡在', en: 'held by' },
}
