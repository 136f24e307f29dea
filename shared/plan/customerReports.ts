/**
 * The customer-safe text exports (`?audience=customer`): plan.md, actions.csv and
 * stakeholders.csv rendered from a {@link CustomerSafePlan}, which holds only what the allow-list
 * in shared/audience.ts keeps. Escaping and CSV quoting are the same as the team's exports.
 */
import type { CustomerSafePlan } from '../audience'
import { table, toCsv } from './csv'
import { ACTION_STATUS_LABELS, type Bilingual, type Lang, label } from './labels'
import { escapeMarkdown } from './markdown'

const DASH = '—'

const WORDS = {
  zh: {
    // Not "作战计划": this one is handed to the customer.
    title: '合作推进计划',
    unnamedAccount: '（未命名客户）',
    generated: '生成日期',
    accountSection: '客户与目标',
    name: '客户名称',
    goal: '目标',
    fieldColumn: '项目',
    valueColumn: '内容',
    peopleSection: '组织与汇报关系',
    noPeople: '尚无人员。',
    peopleColumns: ['姓名', '职务', '部门', '汇报给'],
    actionsSection: '行动计划',
    noActions: '尚无行动计划。',
    actionColumns: ['事项', '负责人', '截止日期', '检查点', '状态'],
    untitled: '（未命名）',
    listSeparator: '、',
    colon: '：',
  },
  en: {
    title: 'Joint plan',
    unnamedAccount: '(unnamed account)',
    generated: 'Generated',
    accountSection: 'Account and goal',
    name: 'Name',
    goal: 'Goal',
    fieldColumn: 'Field',
    valueColumn: 'Value',
    peopleSection: 'Organisation and reporting lines',
    noPeople: 'No people yet.',
    peopleColumns: ['Name', 'Title', 'Department', 'Reports to'],
    actionsSection: 'Actions',
    noActions: 'No actions yet.',
    actionColumns: ['Action', 'Owner', 'Due', 'Checkpoint', 'Status'],
    untitled: '(untitled)',
    listSeparator: ', ',
    colon: ': ',
  },
} as const

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const byDue = <T extends { due: string; title: string }>(x: T, y: T) =>
  compare(x.due || '9999', y.due || '9999') || compare(x.title, y.title)

function names(plan: CustomerSafePlan, ids: string[], lang: Lang): string[] {
  const byId = new Map(plan.stakeholders.map((s) => [s.id, s.name.trim() || WORDS[lang].untitled]))
  return ids.map((id) => byId.get(id)).filter((n): n is string => n !== undefined)
}

/** plan.md for the customer: account and goal, people and who reports to whom, live and done actions. */
export function renderCustomerPlanMarkdown(plan: CustomerSafePlan, lang: Lang): string {
  const w = WORDS[lang]
  const cell = (text: string) => escapeMarkdown(text) || DASH
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  const table = (header: readonly string[], rows: string[][]) => [
    row([...header]),
    row(header.map(() => '---')),
    ...rows.map(row),
  ]
  const out: string[] = []
  const name = plan.account.name.trim() ? escapeMarkdown(plan.account.name) : w.unnamedAccount
  out.push(`# ${w.title}${w.colon}${name}`, '', `${w.generated}${w.colon}${plan.asOf || DASH}`, '')
  out.push(`## ${w.accountSection}`, '')
  out.push(
    ...table(
      [w.fieldColumn, w.valueColumn],
      [
        [w.name, cell(plan.account.name)],
        [w.goal, cell(plan.account.goal)],
      ],
    ),
    '',
  )
  out.push(`## ${w.peopleSection}`, '')
  if (plan.stakeholders.length === 0) out.push(w.noPeople, '')
  else {
    out.push(
      ...table(
        w.peopleColumns,
        plan.stakeholders.map((s) => [
          s.name.trim() ? escapeMarkdown(s.name) : w.untitled,
          cell(s.title),
          cell(s.department),
          names(plan, s.reportsTo, lang).map(escapeMarkdown).join(w.listSeparator) || DASH,
        ]),
      ),
      '',
    )
  }
  out.push(`## ${w.actionsSection}`, '')
  if (plan.actions.length === 0) out.push(w.noActions, '')
  else {
    out.push(
      ...table(
        w.actionColumns,
        [...plan.actions]
          .sort(byDue)
          .map((a) => [
            a.title.trim() ? escapeMarkdown(a.title) : w.untitled,
            cell(a.owner),
            a.due || DASH,
            cell(a.checkpoint),
            label(ACTION_STATUS_LABELS, a.status, lang),
          ]),
      ),
      '',
    )
  }
  return `${out.join('\n').trimEnd()}\n`
}

type CsvLang = Lang | 'both'

function renderCsv(lang: CsvLang, columns: Bilingual[], rows: string[][]): string {
  return toCsv(table(lang, columns, rows))
}

const PEOPLE_COLUMNS: Bilingual[] = [
  { zh: '图形ID', en: 'Shape ID' },
  { zh: '姓名', en: 'Name' },
  { zh: '职务', en: 'Title' },
  { zh: '部门', en: 'Department' },
  { zh: '汇报给', en: 'Reports to' },
]

const ACTION_COLUMNS: Bilingual[] = [
  { zh: '图形ID', en: 'Shape ID' },
  { zh: '事项', en: 'Action' },
  { zh: '负责人', en: 'Owner' },
  { zh: '截止日期', en: 'Due' },
  { zh: '检查点', en: 'Checkpoint' },
  { zh: '状态', en: 'Status' },
]

/** stakeholders.csv for the customer: name, title, department, reports to. */
export function renderCustomerStakeholdersCsv(plan: CustomerSafePlan, lang: CsvLang = 'both'): string {
  return toCsv(customerStakeholdersTable(plan, lang))
}

/** The cells of the customer's stakeholders.csv (header first), also written as stakeholders.xlsx. */
export function customerStakeholdersTable(plan: CustomerSafePlan, lang: CsvLang = 'both'): string[][] {
  const v: Lang = lang === 'both' ? 'zh' : lang
  return table(
    lang,
    PEOPLE_COLUMNS,
    plan.stakeholders.map((s) => [
      s.id,
      s.name,
      s.title,
      s.department,
      names(plan, s.reportsTo, v).join(WORDS[v].listSeparator),
    ]),
  )
}

/** actions.csv for the customer: live and done actions with owner, due and checkpoint. */
export function renderCustomerActionsCsv(plan: CustomerSafePlan, lang: CsvLang = 'both'): string {
  const v: Lang = lang === 'both' ? 'zh' : lang
  return renderCsv(
    lang,
    ACTION_COLUMNS,
    [...plan.actions]
      .sort(byDue)
      .map((a) => [a.id, a.title, a.owner, a.due, a.checkpoint, label(ACTION_STATUS_LABELS, a.status, v)]),
  )
}
