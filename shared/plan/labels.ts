/**
 * Chinese and English labels for the contract's codes, in the domain guide's terms. Used by
 * findings, reports and exports so one vocabulary reaches every surface.
 */
import type { AccountTier } from '../account'
import type { Label as Bilingual } from '../shapes/labels'
import type { InfluenceLevel } from '../shapes/types'

// One vocabulary for every surface: the canvas, the panels, findings, reports and exports all
// name the contract's values with the tables in shared/shapes/labels.ts.
export {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  DEPARTMENT_LABELS,
  RELATION_LABELS,
  RELATIONSHIP_LABELS,
  REVIEW_CAUSE_LABELS,
  ROLE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  STANCE_LABELS,
} from '../shapes/labels'

export type Lang = 'zh' | 'en'
export type { Bilingual }

export const TIER_LABELS: Record<AccountTier, Bilingual> = {
  strategic: { zh: '战略型', en: 'Strategic' },
  breakthrough: { zh: '攻坚型', en: 'Breakthrough' },
  opportunity: { zh: '机会型', en: 'Opportunity' },
}

/** Influence as a value under a heading that already says 影响力 (CSV column, Markdown field). */
export const INFLUENCE_LABELS: Record<InfluenceLevel, Bilingual> = {
  high: { zh: '高', en: 'High' },
  medium: { zh: '中', en: 'Medium' },
  low: { zh: '低', en: 'Low' },
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
