/**
 * CSV exports of the plan (actions.csv, stakeholders.csv): UTF-8 with a byte-order mark so
 * Excel opens Chinese correctly, CRLF rows and RFC 4180 quoting, and no cell that a spreadsheet
 * would run as a formula.
 */
import { bilingual, type SharedMessageKey, translate } from '../i18n'
import {
  ACTION_STATUS_LABELS,
  type Bilingual,
  DEPARTMENT_LABELS,
  INFLUENCE_LABELS,
  type Lang,
  label,
  RELATIONSHIP_LABELS,
  REVIEW_CAUSE_LABELS,
  ROLE_LABELS,
  STANCE_LABELS,
} from './labels'
import type { PlanRecord } from './schema'

/** Header language: one language, or both ("姓名 Name"); values follow `zh` for `both`. */
export type CsvLang = Lang | 'both'

const BOM = '\uFEFF'
// Spreadsheets treat a cell starting with these as a formula (OWASP "CSV injection"); the
// full-width forms are included because some spreadsheet apps normalise them on input.
const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/
// A leading tab or carriage return is itself on OWASP's list. It must be tested on the raw value:
// trimStart() (below) removes exactly these characters.
const CONTROL_START = /^[\t\r]/

/** One CSV field: formula-neutralised with a leading apostrophe, then quoted when needed. */
export function csvCell(value: string): string {
  // Leading spaces do not stop Excel from evaluating " =1+1", so look past them.
  const formula = CONTROL_START.test(value) || FORMULA_START.test(value.trimStart())
  const neutral = formula ? `'${value}` : value
  return /[",\r\n]/.test(neutral) || neutral !== neutral.trim() ? `"${neutral.replace(/"/g, '""')}"` : neutral
}

/** Header and rows as cells, before CSV quoting (stakeholders.xlsx writes the same cells). */
export function table(lang: CsvLang, columns: Bilingual[], rows: string[][]): string[][] {
  return [columns.map((c) => (lang === 'both' ? `${c.zh} ${c.en}` : c[lang])), ...rows]
}

/** A table as CSV text. */
export function toCsv(cells: string[][]): string {
  return `${BOM}${cells.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}

function render(lang: CsvLang, columns: Bilingual[], rows: string[][]): string {
  return toCsv(table(lang, columns, rows))
}

function valueLang(lang: CsvLang): Lang {
  return lang === 'both' ? 'zh' : lang
}

function nameIndex(plan: PlanRecord): (id: string) => string {
  const names = new Map<string, string>()
  for (const s of plan.stakeholders) names.set(s.id, s.name)
  for (const b of plan.blockers) names.set(b.id, b.title)
  for (const a of plan.actions) names.set(a.id, a.title)
  for (const f of plan.factions) names.set(f.id, f.name)
  return (id) => names.get(id) ?? id
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

const yesNo: Record<Lang, [string, string]> = {
  zh: [translate('zh', 'csv.yes'), translate('zh', 'csv.no')],
  en: [translate('en', 'csv.yes'), translate('en', 'csv.no')],
}

const ACTION_COLUMNS: Bilingual[] = [
  'shapeId',
  'action',
  'owner',
  'department',
  'status',
  'due',
  'overdue',
  'targets',
  'resourcesAndAuthority',
  'checkpoint',
  'reviewCause',
  'reviewNote',
].map((c) => bilingual(`csv.action.${c}` as SharedMessageKey))

/** The plan's actions, one per row, ordered by due date (undated last). */
export function renderActionsCsv(plan: PlanRecord, lang: CsvLang = 'both'): string {
  const v = valueLang(lang)
  const nameOf = nameIndex(plan)
  const sep = v === 'zh' ? '、' : '; '
  const rows = [...plan.actions]
    .sort((a, b) => compare(a.due || '9999', b.due || '9999') || compare(a.id, b.id))
    .map((a) => [
      a.id,
      a.title,
      a.owner,
      label(DEPARTMENT_LABELS, a.department, v),
      label(ACTION_STATUS_LABELS, a.status, v),
      a.due,
      a.overdue ? yesNo[v][0] : yesNo[v][1],
      a.targets.map(nameOf).join(sep),
      a.resources,
      a.checkpoint,
      label(REVIEW_CAUSE_LABELS, a.reviewCause, v),
      a.reviewNote,
    ])
  return render(lang, ACTION_COLUMNS, rows)
}

const STAKEHOLDER_COLUMNS: Bilingual[] = [
  'shapeId',
  'name',
  'title',
  'department',
  'role',
  'relationship',
  'influence',
  'champion',
  'faction',
  'factionStance',
  'reportsTo',
  'influences',
  'coreConcern',
  'ourContact',
  'lastContact',
  'actionsTargetingThem',
].map((c) => bilingual(`csv.stakeholder.${c}` as SharedMessageKey))

/** The decision chain, one stakeholder per row, in the plan's order. */
export function renderStakeholdersCsv(plan: PlanRecord, lang: CsvLang = 'both'): string {
  return toCsv(stakeholdersTable(plan, lang))
}

/** The cells of stakeholders.csv (header first). */
export function stakeholdersTable(plan: PlanRecord, lang: CsvLang = 'both'): string[][] {
  const v = valueLang(lang)
  const nameOf = nameIndex(plan)
  const factions = new Map(plan.factions.map((f) => [f.id, f]))
  const sep = v === 'zh' ? '、' : '; '
  const rows = plan.stakeholders.map((s) => {
    const faction = s.faction ? factions.get(s.faction) : undefined
    return [
      s.id,
      s.name,
      s.title,
      s.department,
      label(ROLE_LABELS, s.role, v),
      label(RELATIONSHIP_LABELS, s.relationship, v),
      label(INFLUENCE_LABELS, s.influence, v),
      s.champion ? yesNo[v][0] : yesNo[v][1],
      faction?.name ?? '',
      faction ? label(STANCE_LABELS, faction.stance, v) : '',
      s.reportsTo.map(nameOf).join(sep),
      s.influences.map(nameOf).join(sep),
      s.concern,
      s.contact,
      s.lastContact,
      s.targetedBy.map(nameOf).join(sep),
    ]
  })
  return table(lang, STAKEHOLDER_COLUMNS, rows)
}
