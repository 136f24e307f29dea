/**
 * What an import will do to a map: each usable row matched to the card it updates (by the
 * sheet's shape ID, by CRM id in `meta.crmId`, or by name + title) or added as a new card, with
 * the props and meta to write. The browser's dialog applies it through the editor; the API
 * applies it to the document on the server (see buildImportRecords).
 */
import { defaultStakeholderProps } from '../shapes/stakeholder'
import type { StakeholderProps } from '../shapes/types'
import { type ContactValues, PROP_FIELDS, type PropField } from './fields'
import { type ColumnMapping, type MappedSheet, personKey, type RejectedRow, type RowWarning } from './mapping'
import { importMessages } from './messages'
import { type Author, changedStanceFields, STANCE_FIELDS, stampProvenance } from './provenance'

/** A stakeholder card already on the map, as the document stores it. */
export interface ExistingCard {
  id: string
  props: Record<string, unknown>
  meta: Record<string, unknown>
}

export type RowAction = 'add' | 'update' | 'unchanged'

export interface PlannedRow {
  row: number
  action: RowAction
  /** The values the sheet gives for this person (only the cells that were read). */
  fields: ContactValues
  /** The card updated or left unchanged. */
  shapeId?: string
  /** For updates: the fields that change (`crmId` for meta.crmId). */
  changed?: (PropField | 'crmId')[]
  warnings: RowWarning[]
}

export interface ImportPlan {
  added: number
  updated: number
  unchanged: number
  columns: ColumnMapping[]
  rows: PlannedRow[]
  rejected: RejectedRow[]
}

function crmIdOf(card: ExistingCard): string {
  return typeof card.meta.crmId === 'string' ? card.meta.crmId : ''
}

/** Matches the sheet's rows to the cards on the map. Pure: nothing is written. */
export function planImport(sheet: MappedSheet, existing: readonly ExistingCard[]): ImportPlan {
  const sorted = [...existing].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const byId = new Map(sorted.map((c) => [c.id, c]))
  const byCrm = new Map<string, ExistingCard>()
  const byKey = new Map<string, ExistingCard>()
  for (const card of sorted) {
    const crm = crmIdOf(card)
    if (crm && !byCrm.has(crm)) byCrm.set(crm, card)
    const key = personKey({ name: String(card.props.name ?? ''), title: String(card.props.title ?? '') })
    if (!byKey.has(key)) byKey.set(key, card)
  }

  const claimed = new Map<string, number>()
  const rows: PlannedRow[] = []
  const rejected: RejectedRow[] = [...sheet.rejected]
  for (const { row, values, warnings: rowWarnings } of sheet.rows) {
    const warnings = [...rowWarnings]
    let match: ExistingCard | undefined
    if (values.shapeId) {
      match = byId.get(values.shapeId)
      if (!match)
        warnings.push({
          code: 'shapeId.unknown',
          field: 'shapeId',
          value: values.shapeId,
          message: importMessages.shapeIdUnknown(values.shapeId),
        })
    }
    if (!match && values.crmId) match = byCrm.get(values.crmId)
    if (!match) {
      const candidate = byKey.get(personKey(values))
      // A card that carries another CRM id is another person with the same name and title.
      if (candidate && (!values.crmId || !crmIdOf(candidate) || crmIdOf(candidate) === values.crmId)) match = candidate
    }
    if (match) {
      const first = claimed.get(match.id)
      if (first !== undefined) {
        const message = importMessages.duplicate(first)
        rejected.push({ row, code: 'row.duplicate', reason: message.en, message })
        continue
      }
      claimed.set(match.id, row)
      const changed: (PropField | 'crmId')[] = PROP_FIELDS.filter(
        (f) => values[f] !== undefined && values[f] !== match.props[f],
      )
      if (values.crmId && values.crmId !== crmIdOf(match)) changed.push('crmId')
      rows.push({
        row,
        action: changed.length > 0 ? 'update' : 'unchanged',
        fields: values,
        shapeId: match.id,
        ...(changed.length > 0 ? { changed } : {}),
        warnings,
      })
    } else {
      rows.push({ row, action: 'add', fields: values, warnings })
    }
  }
  rejected.sort((a, b) => a.row - b.row)
  return {
    added: rows.filter((r) => r.action === 'add').length,
    updated: rows.filter((r) => r.action === 'update').length,
    unchanged: rows.filter((r) => r.action === 'unchanged').length,
    columns: sheet.columns,
    rows,
    rejected,
  }
}

/** The props a value set gives a new card (defaults for every field the sheet left out or could not read). */
export function propsForNewCard(values: ContactValues): StakeholderProps {
  const props = defaultStakeholderProps()
  for (const f of PROP_FIELDS) if (values[f] !== undefined) (props as unknown as Record<string, unknown>)[f] = values[f]
  return props
}

/** The props an update sets (only the fields that change). */
export function propsForUpdate(values: ContactValues, current: Record<string, unknown>): Partial<StakeholderProps> {
  const out: Record<string, unknown> = {}
  for (const f of PROP_FIELDS) if (values[f] !== undefined && values[f] !== current[f]) out[f] = values[f]
  return out as Partial<StakeholderProps>
}

/**
 * A card's meta after an import: the CRM id, and the provenance of each stance field the import
 * sets (for a new card: the ones the sheet gives; for an update: the ones that change).
 */
export function metaAfterImport(
  meta: Record<string, unknown>,
  values: ContactValues,
  before: Record<string, unknown> | null,
  author: Author,
  at: string,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...meta }
  if (values.crmId) next.crmId = values.crmId
  const stance = before
    ? changedStanceFields(before, values as Record<string, unknown>)
    : STANCE_FIELDS.filter((f) => values[f] !== undefined)
  return stance.length > 0 ? stampProvenance(next, stance, author, at) : next
}
