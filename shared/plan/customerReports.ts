/**
 * The customer-safe text exports (`?audience=customer`): plan.md, actions.csv and
 * stakeholders.csv rendered from a {@link CustomerSafePlan}, which holds only what the allow-list
 * in shared/audience.ts keeps. Escaping and CSV quoting are the same as the team's exports.
 */
import type { CustomerSafePlan } from '../audience'
import { bilingual, type SharedMessageKey, translate } from '../i18n'
import { table, toCsv } from './csv'
import { ACTION_STATUS_LABELS, type Bilingual, type Lang, label } from './labels'
import { escapeMarkdown } from './markdown'

const DASH = '—'

/** The words of the customer's reports in one language, from the catalogue (messages/customerReport.ts). */
function wordsIn(lang: Lang) {
  const w = (key: string) => translate(lang, `customer.${key}` as SharedMessageKey)
  return {
    // Not "作战计划": this one is handed to the customer.
    title: w('title'),
    unnamedAccount: w('unnamedAccount'),
    generated: w('generated'),
    accountSection: w('accountSection'),
    name: w('name'),
    goal: w('goal'),
    fieldColumn: w('fieldColumn'),
    valueColumn: w('valueColumn'),
    peopleSection: w('peopleSection'),
    noPeople: w('noPeople'),
    peopleColumns: PEOPLE_KEYS.map(w),
    actionsSection: w('actionsSection'),
    noActions: w('noActions'),
    actionColumns: ACTION_KEYS.map(w),
    untitled: w('untitled'),
    listSeparator: w('listSeparator'),
    colon: w('colon'),
  }
}

const PEOPLE_KEYS = ['people.name', 'people.title', 'people.department', 'people.reportsTo']
const ACTION_KEYS = ['actions.action', 'actions.owner', 'actions.due', 'actions.checkpoint', 'actions.status']
const WORDS = { zh: wordsIn('zh'), en: wordsIn('en') }
const column = (key: string): Bilingual => bilingual(`customer.${key}` as SharedMessageKey)

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

const PEOPLE_COLUMNS: Bilingual[] = ['shapeId', ...PEOPLE_KEYS].map(column)
const ACTION_COLUMNS: Bilingual[] = ['shapeId', ...ACTION_KEYS].map(column)

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
