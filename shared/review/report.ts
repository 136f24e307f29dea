/**
 * The review as a Markdown report (report.md): the account, its health, what changed since the
 * previous review, blockers, actions and the review causes of failed actions (判断错 / 执行不到位).
 * Every user-provided string goes through escapeMarkdown, like the plan export. The customer
 * variant is built from the allow-list in shared/audience.ts only.
 */
import { CUSTOMER_SAFE, customerSafePlan, isCustomerSafeAction } from '../audience'
import { type Params, translate } from '../i18n'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  type Lang,
  label,
  REVIEW_CAUSE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  TIER_LABELS,
} from '../plan/labels'
import { escapeMarkdown } from '../plan/markdown'
import type { PlanRecord } from '../plan/schema'
import type { ReviewCause } from '../shapes/types'
import type { Change, ChangeEntity, ChangeSummary, PlanDiff } from './types'

const DASH = '—'

export interface ReviewReportInput {
  review: { title: string; at: string; note: string; createdBy: { name: string } }
  /** The review's document derived with the current rules. */
  plan: PlanRecord
  /** The changes from `since` to this review; null when there is nothing to compare with. */
  diff: PlanDiff | null
  since: { title: string; at: string } | null
}

type Key = Parameters<typeof translate>[1]

/** A word of the report in one language, from the catalogue (shared/i18n/messages/review.ts). */
const w = (lang: Lang, key: string, params?: Params) => translate(lang, `review.report.${key}` as Key, params)

const esc = (s: string) => escapeMarkdown(s)
const cell = (s: string) => (s.trim() === '' ? DASH : esc(s))
const date = (iso: string) => iso.slice(0, 10)
const stageOf = (v: string, lang: Lang) => (v ? label(STAGE_LABELS, v as keyof typeof STAGE_LABELS, lang) : DASH)

function table(columns: readonly string[], rows: string[][]): string[] {
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
}

/** The counts of failed actions by review cause (判断错 / 执行不到位 / not reviewed yet). */
export function reviewCauseCounts(plan: PlanRecord): Record<ReviewCause, number> {
  const counts: Record<ReviewCause, number> = { judgement: 0, execution: 0, '': 0 }
  for (const a of plan.actions) if (a.status === 'failed') counts[a.reviewCause]++
  return counts
}

const SUMMARY_COUNTS = [
  'blockersCleared',
  'blockersOpened',
  'actionsDone',
  'actionsFailed',
  'actionsOverdue',
  'relationshipsImproved',
  'relationshipsWorsened',
  'findingsAdded',
  'findingsResolved',
] as const

function summaryLines(s: ChangeSummary, lang: Lang): string[] {
  const colon = w(lang, 'colon')
  return [
    `- ${w(lang, 's.score')}${colon}${s.score.from} → ${s.score.to}`,
    `- ${w(lang, 's.stage')}${colon}${stageOf(s.stage.from, lang)} → ${stageOf(s.stage.to, lang)}`,
    ...SUMMARY_COUNTS.map((key) => `- ${w(lang, `s.${key}`)}${colon}${s[key]}`),
  ]
}

function changeLines(changes: readonly Change[], lang: Lang): string[] {
  const out: string[] = []
  let group: ChangeEntity | null = null
  for (const c of changes) {
    if (c.entity !== group) {
      group = c.entity
      out.push('', `### ${w(lang, `group.${group}`)}`, '')
    }
    out.push(`- ${esc(c.message[lang])}`)
  }
  return out
}

/** The team's report. */
export function renderReviewMarkdown(input: ReviewReportInput, lang: Lang): string {
  const colon = w(lang, 'colon')
  const untitled = w(lang, 'untitled')
  const { review, plan, diff, since } = input
  const name = plan.account.name.trim() ? esc(plan.account.name) : w(lang, 'unnamed')
  const tier = plan.account.tier ? label(TIER_LABELS, plan.account.tier, lang) : DASH
  const lines: string[] = [`# ${w(lang, 'title')} · ${name} · ${cell(review.title)}`, '']
  lines.push(`- ${w(lang, 'at')}${colon}${date(review.at)}`)
  lines.push(`- ${w(lang, 'by')}${colon}${cell(review.createdBy.name)}`)
  if (review.note.trim()) lines.push(`- ${w(lang, 'note')}${colon}${esc(review.note)}`)
  lines.push(
    `- ${w(lang, 'stage')}${colon}${stageOf(plan.account.stage, lang)}`,
    `- ${w(lang, 'tier')}${colon}${tier}`,
    `- ${w(lang, 'owner')}${colon}${cell(plan.account.owner)}`,
    `- ${w(lang, 'goal')}${colon}${cell(plan.account.goal)}`,
    '',
    `## ${w(lang, 'health')}${colon}${plan.metrics.healthScore}`,
    '',
    w(lang, 'findings', { count: plan.findings.length }),
    '',
  )

  if (!diff || !since) {
    lines.push(`## ${w(lang, 'summary')}`, '', w(lang, 'firstReview'))
  } else {
    lines.push(
      `## ${w(lang, 'changesSince', { title: esc(since.title), date: date(since.at) })}`,
      '',
      ...summaryLines(diff.summary, lang),
    )
    if (diff.changes.length === 0) lines.push('', w(lang, 'noChanges'))
    else lines.push(...changeLines(diff.changes, lang))
  }

  lines.push('', `## ${w(lang, 'blockers')}`, '')
  if (plan.blockers.length === 0) lines.push(w(lang, 'noBlockers'))
  else {
    lines.push(
      ...table(
        ['col.blocker', 'col.severity', 'col.status'].map((k) => w(lang, k)),
        plan.blockers.map((b) => [
          b.title.trim() ? esc(b.title) : untitled,
          label(SEVERITY_LABELS, b.severity, lang),
          label(BLOCKER_STATUS_LABELS, b.status, lang),
        ]),
      ),
    )
  }

  lines.push('', `## ${w(lang, 'actions')}`, '')
  if (plan.actions.length === 0) lines.push(w(lang, 'noActions'))
  else {
    lines.push(
      ...table(
        ['col.action', 'col.owner', 'col.due', 'col.status', 'col.cause', 'col.causeNote'].map((k) => w(lang, k)),
        plan.actions.map((a) => [
          a.title.trim() ? esc(a.title) : untitled,
          cell(a.owner),
          a.due || DASH,
          label(ACTION_STATUS_LABELS, a.status, lang),
          a.status === 'failed' ? label(REVIEW_CAUSE_LABELS, a.reviewCause, lang) : DASH,
          cell(a.reviewNote),
        ]),
      ),
    )
  }

  lines.push('', `## ${w(lang, 'causes')}`, '')
  const counts = reviewCauseCounts(plan)
  if (counts.judgement + counts.execution + counts[''] === 0) lines.push(w(lang, 'noFailed'))
  else {
    lines.push(
      ...table(
        [w(lang, 'col.causeName'), w(lang, 'col.count')],
        (['judgement', 'execution', ''] as const).map((k) => [REVIEW_CAUSE_LABELS[k][lang] || DASH, String(counts[k])]),
      ),
    )
  }
  return `${lines.join('\n')}\n`
}

// ---------------------------------------------------------------------------------------------
// The customer variant: only changes whose entity and field the allow-list keeps.

/** The plan-record field each code is about, for the allow-list check. */
const CODE_FIELD: Partial<Record<Change['code'], string>> = {
  'account.goal.changed': 'goal',
  'stakeholder.added': 'id',
  'stakeholder.removed': 'id',
  'stakeholder.renamed': 'name',
  'action.added': 'id',
  'action.removed': 'id',
  'action.renamed': 'title',
  'action.status.changed': 'status',
  'action.due.changed': 'due',
  'action.owner.changed': 'owner',
}

/**
 * The changes the customer may see: an entity and field on the allow-list (CUSTOMER_SAFE), and for
 * actions only those shown to the customer on both sides (a failed or dropped action is internal).
 */
export function customerSafeChanges(changes: readonly Change[], since: PlanRecord, until: PlanRecord): Change[] {
  const before = new Map(since.actions.map((a) => [a.id, a.status]))
  const after = new Map(until.actions.map((a) => [a.id, a.status]))
  const shown = (status: string | undefined) => status === undefined || isCustomerSafeAction(status)
  return changes.filter((c) => {
    const field = CODE_FIELD[c.code]
    if (!field) return false
    if (c.entity === 'account') return (CUSTOMER_SAFE.account as readonly string[]).includes(field)
    if (c.entity === 'stakeholder') return (CUSTOMER_SAFE.stakeholder as readonly string[]).includes(field)
    if (c.entity === 'action') {
      if (!(CUSTOMER_SAFE.action as readonly string[]).includes(field)) return false
      return shown(before.get(c.id)) && shown(after.get(c.id)) && (before.has(c.id) || after.has(c.id))
    }
    return false
  })
}

function customerLine(c: Change, lang: Lang, untitled: string): string {
  const what = translate(lang, `review.customer.${c.code}` as Key)
  const name = c.name.trim() ? esc(c.name) : untitled
  const value = (v: unknown) => {
    if (c.code === 'action.status.changed')
      return label(ACTION_STATUS_LABELS, v as keyof typeof ACTION_STATUS_LABELS, lang)
    return typeof v === 'string' && v.trim() ? esc(v) : DASH
  }
  const colon = w(lang, 'colon')
  if (c.code === 'account.goal.changed') return `- ${what}${colon}${value(c.to)}`
  if (c.from !== undefined || c.to !== undefined) {
    const moved = translate(lang, 'review.customer.valueChange', { name, from: value(c.from), to: value(c.to) })
    return `- ${what}${colon}${moved}`
  }
  return `- ${what}${colon}${name}`
}

/** The customer's report: the customer-safe plan and the customer-safe changes; no score, no findings. */
export function renderCustomerReviewMarkdown(
  input: ReviewReportInput,
  until: PlanRecord,
  sincePlan: PlanRecord | null,
  lang: Lang,
): string {
  const colon = w(lang, 'colon')
  const untitled = w(lang, 'untitled')
  const plan = customerSafePlan(until)
  const name = plan.account.name.trim() ? esc(plan.account.name) : w(lang, 'unnamed')
  const lines: string[] = [
    `# ${w(lang, 'customerTitle')} · ${name}`,
    '',
    `- ${w(lang, 'at')}${colon}${date(input.review.at)}`,
    `- ${w(lang, 'goal')}${colon}${cell(plan.account.goal)}`,
    '',
    `## ${w(lang, 'progress')}`,
    '',
  ]
  const changes = input.diff && sincePlan ? customerSafeChanges(input.diff.changes, sincePlan, until) : []
  if (changes.length === 0) lines.push(w(lang, 'noProgress'))
  else for (const c of changes) lines.push(customerLine(c, lang, untitled))
  lines.push('', `## ${w(lang, 'actions')}`, '')
  if (plan.actions.length === 0) lines.push(w(lang, 'noActions'))
  else {
    lines.push(
      ...table(
        ['col.action', 'col.owner', 'col.due', 'col.status'].map((k) => w(lang, k)),
        plan.actions.map((a) => [
          a.title.trim() ? esc(a.title) : untitled,
          cell(a.owner),
          a.due || DASH,
          label(ACTION_STATUS_LABELS, a.status, lang),
        ]),
      ),
    )
  }
  return `${lines.join('\n')}\n`
}
