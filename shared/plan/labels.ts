/**
 * Chinese and English labels for the contract's codes, in the domain guide's terms. Used by
 * findings, reports and exports so one vocabulary reaches every surface.
 */
import type { AccountTier } from '../account'
import type {
  ActionStatus,
  BlockerSeverity,
  BlockerStatus,
  Department,
  FactionStance,
  FunnelStage,
  InfluenceLevel,
  RelationKind,
  RelationshipLevel,
  ReviewCause,
  StakeholderRole,
} from '../shapes/types'

export type Lang = 'zh' | 'en'
export interface Bilingual {
  zh: string
  en: string
}

export const TIER_LABELS: Record<AccountTier, Bilingual> = {
  strategic: { zh: '战略型', en: 'Strategic' },
  breakthrough: { zh: '攻坚型', en: 'Breakthrough' },
  opportunity: { zh: '机会型', en: 'Opportunity' },
}

export const STAGE_LABELS: Record<FunnelStage, Bilingual> = {
  P0: { zh: 'P0 地盘', en: 'P0 Territory' },
  P1: { zh: 'P1 线索', en: 'P1 Lead' },
  P2: { zh: 'P2 商机', en: 'P2 Opportunity' },
  P3: { zh: 'P3 初步认可', en: 'P3 Initial approval' },
  P4: { zh: 'P4 认可/投标', en: 'P4 Approval / bidding' },
  P5: { zh: 'P5 商务', en: 'P5 Commercial' },
  P6: { zh: 'P6 成交', en: 'P6 Closed' },
}

export const ROLE_LABELS: Record<StakeholderRole, Bilingual> = {
  kdm: { zh: '关键决策者', en: 'Key decision maker' },
  ki: { zh: '关键影响者', en: 'Key influencer' },
  ku: { zh: '关键使用者', en: 'Key user' },
  gatekeeper: { zh: '技术把关者', en: 'Technical gatekeeper' },
  other: { zh: '其他', en: 'Other' },
}

export const RELATIONSHIP_LABELS: Record<RelationshipLevel, Bilingual> = {
  cr1: { zh: 'CR1 铁杆支持者', en: 'CR1 Firm supporter' },
  cr2: { zh: 'CR2 友善者', en: 'CR2 Friendly' },
  cr3: { zh: 'CR3 中立者', en: 'CR3 Neutral' },
  cr4: { zh: 'CR4 对手铁杆支持者', en: "CR4 Competitor's firm supporter" },
  cr5: { zh: 'CR5 坚决反对者', en: 'CR5 Firm opponent' },
  unknown: { zh: '未知', en: 'Unknown' },
}

export const INFLUENCE_LABELS: Record<InfluenceLevel, Bilingual> = {
  high: { zh: '高', en: 'High' },
  medium: { zh: '中', en: 'Medium' },
  low: { zh: '低', en: 'Low' },
}

export const STANCE_LABELS: Record<FactionStance, Bilingual> = {
  ally: { zh: '盟友', en: 'Ally' },
  neutral: { zh: '中立', en: 'Neutral' },
  hostile: { zh: '敌对', en: 'Hostile' },
}

export const SEVERITY_LABELS: Record<BlockerSeverity, Bilingual> = {
  critical: { zh: '致命', en: 'Critical' },
  high: { zh: '高', en: 'High' },
  medium: { zh: '中', en: 'Medium' },
  low: { zh: '低', en: 'Low' },
}

export const BLOCKER_STATUS_LABELS: Record<BlockerStatus, Bilingual> = {
  open: { zh: '未解决', en: 'Open' },
  attacking: { zh: '攻坚中', en: 'Under attack' },
  cleared: { zh: '已清除', en: 'Cleared' },
}

export const DEPARTMENT_LABELS: Record<Department, Bilingual> = {
  sales: { zh: '销售', en: 'Sales' },
  presales: { zh: '售前', en: 'Presales' },
  delivery: { zh: '交付', en: 'Delivery' },
  product: { zh: '产品', en: 'Product' },
  marketing: { zh: '市场', en: 'Marketing' },
  management: { zh: '管理层', en: 'Management' },
}

export const ACTION_STATUS_LABELS: Record<ActionStatus, Bilingual> = {
  planned: { zh: '计划中', en: 'Planned' },
  'in-progress': { zh: '进行中', en: 'In progress' },
  done: { zh: '已完成', en: 'Done' },
  failed: { zh: '失败', en: 'Failed' },
  dropped: { zh: '已放弃', en: 'Dropped' },
}

export const REVIEW_CAUSE_LABELS: Record<Exclude<ReviewCause, ''>, Bilingual> = {
  judgement: { zh: '判断错', en: 'Wrong judgement' },
  execution: { zh: '执行不到位', en: 'Poor execution' },
}

export const RELATION_LABELS: Record<RelationKind, Bilingual> = {
  'reports-to': { zh: '汇报给', en: 'Reports to' },
  influences: { zh: '影响', en: 'Influences' },
  targets: { zh: '针对', en: 'Targets' },
  'held-by': { zh: '卡在', en: 'Held by' },
}

export const FINDING_SEVERITY_LABELS: Record<'error' | 'warning' | 'info', Bilingual> = {
  error: { zh: '错误', en: 'Errors' },
  warning: { zh: '警告', en: 'Warnings' },
  info: { zh: '提示', en: 'Notes' },
}

/** A label in one language, or the empty string for an empty code. */
export function label<K extends string>(table: Record<K, Bilingual>, code: K | '', lang: Lang): string {
  if (code === '') return ''
  return table[code]?.[lang] ?? code
}
