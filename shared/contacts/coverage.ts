/**
 * Who covers whom (Altify's team relationships, in our terms): the customer's people, KDM and KI
 * first, against our people named in their `contact` field (split by the owner rule), with the
 * relationship level in each cell; who nobody covers, and who on our side covers too many.
 */
import { coveringPeople } from '../plan/contacts'
import type { PlanStakeholder } from '../plan/schema'
import type { RelationshipLevel, StakeholderRole } from '../shapes/types'
import { DEFAULT_COVERAGE_LIMIT } from './limits'

const ROLE_ORDER: Record<StakeholderRole, number> = { kdm: 0, ki: 1, gatekeeper: 2, ku: 3, other: 4 }

export interface CoverageRow {
  id: string
  name: string
  title: string
  role: StakeholderRole
  relationship: RelationshipLevel
  /** Our people covering this person, as the contact field names them. */
  coveredBy: string[]
}

export interface CoverageColumn {
  /** One of ours, as the contact fields write the name. */
  name: string
  /** Customer people they cover (row ids). */
  covers: string[]
  overloaded: boolean
}

export interface Coverage {
  rows: CoverageRow[]
  columns: CoverageColumn[]
  /** Rows nobody covers (ids), KDM and KI first. */
  uncovered: string[]
  /** Uncovered KDMs and KIs. */
  uncoveredKey: string[]
}

export function buildCoverage(stakeholders: readonly PlanStakeholder[], limit = DEFAULT_COVERAGE_LIMIT): Coverage {
  const rows: CoverageRow[] = stakeholders
    .map((s) => ({
      id: s.id,
      name: s.name,
      title: s.title,
      role: s.role,
      relationship: s.relationship,
      coveredBy: [...new Set(coveringPeople(s.contact))],
    }))
    .sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name, 'zh') || (a.id < b.id ? -1 : 1),
    )
  const byName = new Map<string, string[]>()
  for (const row of rows) for (const name of row.coveredBy) byName.set(name, [...(byName.get(name) ?? []), row.id])
  const columns = [...byName.entries()]
    .map(([name, covers]) => ({ name, covers, overloaded: covers.length > limit }))
    .sort((a, b) => b.covers.length - a.covers.length || a.name.localeCompare(b.name, 'zh'))
  const uncovered = rows.filter((r) => r.coveredBy.length === 0).map((r) => r.id)
  const key = new Set(rows.filter((r) => r.role === 'kdm' || r.role === 'ki').map((r) => r.id))
  return { rows, columns, uncovered, uncoveredKey: uncovered.filter((id) => key.has(id)) }
}
