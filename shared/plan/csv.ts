/**
 * CSV exports of the plan (actions.csv, stakeholders.csv): UTF-8 with a byte-order mark so
 * Excel opens Chinese correctly, CRLF rows and RFC 4180 quoting, and no cell that a spreadsheet
 * would run as a formula.
 */
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
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/

/** One CSV field: formula-neutralised with a leading apostrophe, then quoted when needed. */
export function csvCell(value: string): string {
  // Leading spaces do not stop Excel from evaluating " =1+1", so look past them.
  const neutral = FORMULA_START.test(value.trimStart()) ? `'${value}` : value
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

const yesNo: Record<Lang, [string, string]> = { zh: ['是', '否'], en: ['yes', 'no'] }

const ACTION_COLUMNS: Bilingual[] = [
  { zh: '图形ID', en: 'Shape ID' },
  { zh: '行动项', en: 'Action' },
  { zh: '负责人', en: 'Owner' },
  { zh: '部门', en: 'Department' },
  { zh: '状态', en: 'Status' },
  { zh: '截止日期', en: 'Due' },
  { zh: '已逾期', en: 'Overdue' },
  { zh: '针对', en: 'Targets' },
  { zh: '资源与授权', en: 'Resources and authority' },
  { zh: '检查点', en: 'Checkpoint' },
  { zh: '复盘原因', en: 'Review cause' },
  { zh: '复盘说明', en: 'Review note' },
]

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
  { zh: '图形ID', en: 'Shape ID' },
  { zh: '姓名', en: 'Name' },
  { zh: '职务', en: 'Title' },
  { zh: '部门', en: 'Department' },
  { zh: '角色', en: 'Role' },
  { zh: '客户关系', en: 'Relationship' },
  { zh: '影响力', en: 'Influence' },
  { zh: '代言人', en: 'Champion' },
  { zh: '派系', en: 'Faction' },
  { zh: '派系立场', en: 'Faction stance' },
  { zh: '汇报给', en: 'Reports to' },
  { zh: '影响', en: 'Influences' },
  { zh: '核心关切', en: 'Core concern' },
  { zh: '我方对接人', en: 'Our contact' },
  { zh: '最近接触', en: 'Last contact' },
  { zh: '针对此人的行动项', en: 'Actions targeting them' },
]

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
