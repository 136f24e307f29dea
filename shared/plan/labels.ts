/**
 * Chinese and English labels for the contract's codes, in the domain guide's terms. Used by
 * findings, reports and exports so one vocabulary reaches every surface.
 */
import type { AccountTier } from '../account'
import { labelTable } from '../i18n'
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

export const TIER_LABELS: Record<AccountTier, Bilingual> = labelTable('label.tier', [
  'strategic',
  'breakthrough',
  'opportunity',
])

/** Influence as a value under a heading that already says 影响力 (CSV column, Markdown field). */
export const INFLUENCE_LABELS: Record<InfluenceLevel, Bilingual> = labelTable('label.influenceValue', [
  'high',
  'medium',
  'low',
])

export const FINDING_SEVERITY_LABELS: Record<'error' | 'warning' | 'info', Bilingual> = labelTable(
  'label.findingSeverity',
  ['error', 'warning', 'info'],
)

/** A label in one language, or the empty string for an empty code. */
export function label<K extends string>(table: Record<K, Bilingual>, code: K | '', lang: Lang): string {
  if (code === '') return ''
  return table[code]?.[lang] ?? code
}
