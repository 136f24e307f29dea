/**
 * A table of text cells to contact values: which column is which field, each row's values in
 * the document's codes, and the rows that cannot be used with the reason. Pure and synchronous.
 */
import {
  type ContactField,
  type ContactValues,
  fieldForHeader,
  normaliseWord,
  parseChampion,
  parseDay,
  parseInfluence,
  parseRelationship,
  parseRole,
} from './fields'
import { DEFAULT_MAX_ROWS } from './limits'
import { type Bilingual, importMessages } from './messages'
import { SheetError, type Table } from './read'

export interface ColumnMapping {
  /** The header as the sheet writes it. */
  header: string
  /** The field the column fills, or null when it is not read (unknown, or a second column for a field). */
  field: ContactField | null
}

export interface RowWarning {
  code: 'value.unknown' | 'date.invalid' | 'shapeId.unknown' | 'cell.formula'
  field: ContactField
  value: string
  message: Bilingual
}

export interface MappedRow {
  /** The row number in the sheet (the header is row 1 when it is the first line). */
  row: number
  values: ContactValues
  warnings: RowWarning[]
}

export interface RejectedRow {
  row: number
  code: 'name.missing' | 'row.duplicate' | 'cell.tooLong'
  /** English, for API clients; `message` has both languages. */
  reason: string
  message: Bilingual
}

export interface MappedSheet {
  columns: ColumnMapping[]
  rows: MappedRow[]
  rejected: RejectedRow[]
}

export interface MapOptions {
  /** Data rows (non-empty, after the header) allowed; more refuse the whole sheet. */
  maxRows?: number
  /** Cells that were formulas in the sheet (Table.formulas): imported as their text, with a note. */
  formulas?: readonly { row: number; col: number }[]
}

/** Longest cell read; a longer one is a paste accident, and the row is refused. */
export const MAX_CELL_CHARS = 2000

function isEmptyRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '')
}

/** The key that says two rows (or a row and a card) are the same person. */
export function personKey(values: Pick<ContactValues, 'name' | 'title'>): string {
  return `${normaliseWord(values.name ?? '')}|${normaliseWord(values.title ?? '')}`
}

/** Maps a table as readTable gives it (its formula cells noted), or bare rows of text cells. */
export function mapTable(
  input: Pick<Table, 'rows' | 'formulas'> | readonly (readonly string[])[],
  options: MapOptions = {},
): MappedSheet {
  const rows = Array.isArray(input) ? (input as readonly (readonly string[])[]) : (input as Table).rows
  const formulaList = Array.isArray(input) ? options.formulas : ((input as Table).formulas ?? options.formulas)
  const formulas = new Set((formulaList ?? []).map(({ row, col }) => `${row},${col}`))
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS
  const headerIndex = rows.findIndex((r) => !isEmptyRow(r))
  if (headerIndex < 0) throw new SheetError('sheet.empty', importMessages.sheet('contacts.sheet.noRows'))
  const seenFields = new Set<ContactField>()
  const columns: ColumnMapping[] = rows[headerIndex]!.map((raw) => {
    const header = raw.trim()
    const field = fieldForHeader(header)
    if (!field || seenFields.has(field)) return { header, field: null }
    seenFields.add(field)
    return { header, field }
  })
  if (!seenFields.has('name')) {
    const found = columns.map((c) => c.header || '(empty)').join(', ')
    throw new SheetError('sheet.noName', importMessages.sheet('contacts.sheet.noName', { headers: found }))
  }

  const dataRows = rows.length - headerIndex - 1 - rows.slice(headerIndex + 1).filter(isEmptyRow).length
  if (dataRows > maxRows) {
    throw new SheetError(
      'sheet.tooManyRows',
      importMessages.sheet('contacts.sheet.tooManyRows', { count: dataRows, limit: maxRows }),
    )
  }

  const mapped: MappedRow[] = []
  const rejected: RejectedRow[] = []
  const firstRowOf = new Map<string, number>()
  for (let i = headerIndex + 1; i < rows.length; i++) {
    const cells = rows[i]!
    if (isEmptyRow(cells)) continue
    const row = i + 1
    const reject = (code: RejectedRow['code'], message: Bilingual) =>
      rejected.push({ row, code, reason: message.en, message })
    const values: ContactValues = {}
    const warnings: RowWarning[] = []
    let tooLong: ContactField | null = null
    columns.forEach((column, c) => {
      const field = column.field
      const raw = (cells[c] ?? '').trim()
      if (!field || raw === '') return
      if (raw.length > MAX_CELL_CHARS) {
        tooLong ??= field
        return
      }
      if (formulas.has(`${i},${c}`)) {
        warnings.push({ code: 'cell.formula', field, value: raw, message: importMessages.formula(field, raw) })
      }
      const unknown = () =>
        warnings.push({ code: 'value.unknown', field, value: raw, message: importMessages.valueUnknown(field, raw) })
      switch (field) {
        case 'role': {
          const v = parseRole(raw)
          if (v) values.role = v
          else unknown()
          break
        }
        case 'relationship': {
          const v = parseRelationship(raw)
          if (v) values.relationship = v
          else unknown()
          break
        }
        case 'influence': {
          const v = parseInfluence(raw)
          if (v) values.influence = v
          else unknown()
          break
        }
        case 'champion': {
          const v = parseChampion(raw)
          if (v !== null) values.champion = v
          else unknown()
          break
        }
        case 'lastContact': {
          const v = parseDay(raw)
          if (v) values.lastContact = v
          else warnings.push({ code: 'date.invalid', field, value: raw, message: importMessages.dateInvalid(raw) })
          break
        }
        default:
          // Text fields keep the cell as written (line breaks included); only the ends are trimmed.
          values[field] = raw
      }
    })
    if (tooLong) {
      reject('cell.tooLong', importMessages.tooLong(tooLong, MAX_CELL_CHARS))
      continue
    }
    if (!values.name) {
      reject('name.missing', importMessages.nameMissing())
      continue
    }
    const key = values.crmId ? `crm|${values.crmId}` : personKey(values)
    const first = firstRowOf.get(key)
    if (first !== undefined) {
      reject('row.duplicate', importMessages.duplicate(first))
      continue
    }
    firstRowOf.set(key, row)
    mapped.push({ row, values, warnings })
  }
  return { columns, rows: mapped, rejected }
}
