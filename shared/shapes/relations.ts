import type { RelationKind } from './types'

/**
 * Which relation an arrow between two shapes stands for, from the types of the
 * shapes its start and end are bound to (the arrow points from `from` to `to`):
 *
 * - stakeholder → stakeholder: `reports-to` by default, or `influences` when the
 *   user has switched it (kept while both ends stay stakeholders);
 * - action → blocker or stakeholder: `targets`;
 * - blocker → stakeholder: `held-by`;
 * - anything else (an end unbound, other pairs): no relation.
 */
export function inferRelation(
  fromType: string | undefined,
  toType: string | undefined,
  current?: unknown,
): RelationKind | undefined {
  if (fromType === 'stakeholder' && toType === 'stakeholder') {
    return current === 'influences' ? 'influences' : 'reports-to'
  }
  if (fromType === 'action' && (toType === 'blocker' || toType === 'stakeholder')) return 'targets'
  if (fromType === 'blocker' && toType === 'stakeholder') return 'held-by'
  return undefined
}

/**
 * The look of each relation's arrow (tldraw arrow props), so the map reads at a glance. The canvas
 * (client/shapes/relations.ts) and the demo account both draw with it.
 */
export const RELATION_LOOKS = {
  'reports-to': { color: 'black', dash: 'solid', size: 'm', arrowheadEnd: 'arrow' },
  influences: { color: 'violet', dash: 'dashed', size: 'm', arrowheadEnd: 'arrow' },
  targets: { color: 'blue', dash: 'solid', size: 'l', arrowheadEnd: 'triangle' },
  'held-by': { color: 'red', dash: 'dotted', size: 'm', arrowheadEnd: 'dot' },
} as const satisfies Record<RelationKind, { color: string; dash: string; size: string; arrowheadEnd: string }>

/** The relations a user may choose between for a given pair of ends (more than one means switchable). */
export function relationChoices(fromType: string | undefined, toType: string | undefined): RelationKind[] {
  if (fromType === 'stakeholder' && toType === 'stakeholder') return ['reports-to', 'influences']
  const only = inferRelation(fromType, toType)
  return only ? [only] : []
}
