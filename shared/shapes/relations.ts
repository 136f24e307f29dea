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

/** The relations a user may choose between for a given pair of ends (more than one means switchable). */
export function relationChoices(fromType: string | undefined, toType: string | undefined): RelationKind[] {
  if (fromType === 'stakeholder' && toType === 'stakeholder') return ['reports-to', 'influences']
  const only = inferRelation(fromType, toType)
  return only ? [only] : []
}
