/**
 * The review as a Markdown report (report.md): the account, its health, what changed since the
 * previous review, blockers, actions and the review causes of failed actions (判断错 / 执行不到位).
 * Every user-provided string goes through escapeMarkdown, like the plan export. The customer
 * variant is built from the allow-list in shared/audience.ts only.
 */
import { CUSTOMER_SAFE, customerSafePlan, isCustomerSafeAction } from '../audience'
import {
  ACTION_STATUS_LABELS,
  type Bilingual,
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

const W = {
  zh: {
    title: '月度复盘',
    customerTitle: '合作推进回顾',
    unnamed: '（未命名客户）',
    untitled: '（未命名）',
    at: '复盘时间',
    by: '发起人',
    note: '备注',
    health: '计划健康度',
    findings: '检查发现',
    stage: '销售阶段',
    tier: '分层',
    owner: '唯一负责人',
    goal: '目标',
    changesSince: (t: string, d: string) => `自「${t}」（${d}）以来的变化`,
    firstReview: '这是第一次复盘：还没有可比较的上次复盘。',
    noChanges: '自上次复盘以来没有变化。',
    summary: '概要',
    s: {
      score: '健康度',
      stage: '销售阶段',
      blockersCleared: '已突破卡点',
      blockersOpened: '新增卡点',
      actionsDone: '完成行动项',
      actionsFailed: '失败行动项',
      actionsOverdue: '新逾期行动项',
      relationshipsImproved: '关系改善',
      relationshipsWorsened: '关系恶化',
      findingsAdded: '新问题',
      findingsResolved: '已解决问题',
    },
    groups: {
      account: '客户',
      stakeholder: '决策链',
      faction: '派系',
      blocker: '卡点',
      action: '行动项',
      finding: '检查发现',
    } as Record<ChangeEntity, string>,
    blockers: '卡点',
    noBlockers: '没有卡点。',
    blockerColumns: ['卡点', '严重程度', '状态'],
    actions: '行动项',
    noActions: '没有行动项。',
    actionColumns: ['行动项', '负责人', '截止日期', '状态', '复盘原因', '复盘说明'],
    causes: '复盘原因（失败的行动项）',
    noFailed: '没有失败的行动项。',
    causeColumns: ['原因', '数量'],
    progress: '本期进展',
    noProgress: '本期没有新的进展。',
    customerActionColumns: ['事项', '负责人', '截止日期', '状态'],
    colon: '：',
  },
  en: {
    title: 'Monthly review',
    customerTitle: 'Progress review',
    unnamed: '(unnamed account)',
    untitled: '(untitled)',
    at: 'Taken',
    by: 'By',
    note: 'Note',
    health: 'Plan health',
    findings: 'findings',
    stage: 'Stage',
    tier: 'Tier',
    owner: 'Owner',
    goal: 'Goal',
    changesSince: (t: string, d: string) => `Changes since “${t}” (${d})`,
    firstReview: 'This is the first review: there is no earlier review to compare with.',
    noChanges: 'Nothing changed since the previous review.',
    summary: 'Summary',
    s: {
      score: 'Health',
      stage: 'Stage',
      blockersCleared: 'Blockers cleared',
      blockersOpened: 'Blockers opened',
      actionsDone: 'Actions done',
      actionsFailed: 'Actions failed',
      actionsOverdue: 'Newly overdue actions',
      relationshipsImproved: 'Relationships improved',
      relationshipsWorsened: 'Relationships worsened',
      findingsAdded: 'New findings',
      findingsResolved: 'Findings resolved',
    },
    groups: {
      account: 'Account',
      stakeholder: 'Decision chain',
      faction: 'Factions',
      blocker: 'Blockers',
      action: 'Actions',
      finding: 'Findings',
    } as Record<ChangeEntity, string>,
    blockers: 'Blockers',
    noBlockers: 'No blockers.',
    blockerColumns: ['Blocker', 'Severity', 'Status'],
    actions: 'Actions',
    noActions: 'No actions.',
    actionColumns: ['Action', 'Owner', 'Due', 'Status', 'Review cause', 'Review note'],
    causes: 'Review causes (failed actions)',
    noFailed: 'No failed actions.',
    causeColumns: ['Cause', 'Count'],
    progress: 'Progress this period',
    noProgress: 'No new progress this period.',
    customerActionColumns: ['Action', 'Owner', 'Due', 'Status'],
    colon: ': ',
  },
} as const

const esc = (s: string) => escapeMarkdown(s)
const cell = (s: string) => (s.trim() === '' ? DASH : esc(s))
const date = (iso: string) => iso.slice(0, 10)

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

function summaryLines(s: ChangeSummary, lang: Lang): string[] {
  const w = W[lang]
  const stage = (v: string) => (v ? label(STAGE_LABELS, v as keyof typeof STAGE_LABELS, lang) : DASH)
  const lines = [
    `- ${w.s.score}${w.colon}${s.score.from} → ${s.score.to}`,
    `- ${w.s.stage}${w.colon}${stage(s.stage.from)} → ${stage(s.stage.to)}`,
  ]
  for (const key of [
    'blockersCleared',
    'blockersOpened',
    'actionsDone',
    'actionsFailed',
    'actionsOverdue',
    'relationshipsImproved',
    'relationshipsWorsened',
    'findingsAdded',
    'findingsResolved',
  ] as const) {
    lines.push(`- ${w.s[key]}${w.colon}${s[key]}`)
  }
  return lines
}

function changeLines(changes: readonly Change[], lang: Lang): string[] {
  const w = W[lang]
  const out: string[] = []
  let group: ChangeEntity | null = null
  for (const c of changes) {
    if (c.entity !== group) {
      group = c.entity
      out.push('', `### ${w.groups[group]}`, '')
    }
    out.push(`- ${esc(c.message[lang])}`)
  }
  return out
}

/** The team's report. */
export function renderReviewMarkdown(input: ReviewReportInput, lang: Lang): string {
  const w = W[lang]
  const { review, plan, diff, since } = input
  const name = plan.account.name.trim() ? esc(plan.account.name) : w.unnamed
  const lines: string[] = [`# ${w.title} · ${name} · ${cell(review.title)}`, '']
  lines.push(`- ${w.at}${w.colon}${date(review.at)}`)
  lines.push(`- ${w.by}${w.colon}${cell(review.createdBy.name)}`)
  if (review.note.trim()) lines.push(`- ${w.note}${w.colon}${esc(review.note)}`)
  const stage = plan.account.stage ? label(STAGE_LABELS, plan.account.stage, lang) : DASH
  const tier = plan.account.tier ? label(TIER_LABELS, plan.account.tier, lang) : DASH
  lines.push(`- ${w.stage}${w.colon}${stage}`, `- ${w.tier}${w.colon}${tier}`)
  lines.push(`- ${w.owner}${w.colon}${cell(plan.account.owner)}`, `- ${w.goal}${w.colon}${cell(plan.account.goal)}`)
  lines.push('', `## ${w.health}${w.colon}${plan.metrics.healthScore}`, '', `${plan.findings.length} ${w.findings}`)

  lines.push('')
  if (!diff || !since) {
    lines.push(`## ${w.summary}`, '', w.firstReview)
  } else {
    lines.push(`## ${w.changesSince(esc(since.title), date(since.at))}`, '', ...summaryLines(diff.summary, lang))
    if (diff.changes.length === 0) lines.push('', w.noChanges)
    else lines.push(...changeLines(diff.changes, lang))
  }

  lines.push('', `## ${w.blockers}`, '')
  if (plan.blockers.length === 0) lines.push(w.noBlockers)
  else {
    lines.push(
      ...table(
        w.blockerColumns,
        plan.blockers.map((b) => [
          b.title.trim() ? esc(b.title) : w.untitled,
          label(SEVERITY_LABELS, b.severity, lang),
          label(BLOCKER_STATUS_LABELS, b.status, lang),
        ]),
      ),
    )
  }

  lines.push('', `## ${w.actions}`, '')
  if (plan.actions.length === 0) lines.push(w.noActions)
  else {
    lines.push(
      ...table(
        w.actionColumns,
        plan.actions.map((a) => [
          a.title.trim() ? esc(a.title) : w.untitled,
          cell(a.owner),
          a.due || DASH,
          label(ACTION_STATUS_LABELS, a.status, lang),
          a.status === 'failed' ? label(REVIEW_CAUSE_LABELS, a.reviewCause, lang) : DASH,
          cell(a.reviewNote),
        ]),
      ),
    )
  }

  lines.push('', `## ${w.causes}`, '')
  const counts = reviewCauseCounts(plan)
  if (counts.judgement + counts.execution + counts[''] === 0) lines.push(w.noFailed)
  else {
    lines.push(
      ...table(
        w.causeColumns,
        (['judgement', 'execution', ''] as const).map((k) => [
          label(REVIEW_CAUSE_LABELS, k, lang) || DASH,
          String(counts[k]),
        ]),
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

const CUSTOMER_WORDS: Record<string, Bilingual> = {
  'account.goal.changed': { zh: '目标更新', en: 'Goal updated' },
  'stakeholder.added': { zh: '新增人员', en: 'New contact' },
  'stakeholder.removed': { zh: '人员移除', en: 'Contact removed' },
  'stakeholder.renamed': { zh: '人员更名', en: 'Contact renamed' },
  'action.added': { zh: '新增事项', en: 'New action' },
  'action.removed': { zh: '事项移除', en: 'Action removed' },
  'action.renamed': { zh: '事项更名', en: 'Action renamed' },
  'action.status.changed': { zh: '事项状态', en: 'Action status' },
  'action.due.changed': { zh: '截止日期调整', en: 'Due date moved' },
  'action.owner.changed': { zh: '负责人调整', en: 'Owner changed' },
}

function customerLine(c: Change, lang: Lang, untitled: string): string {
  const what = CUSTOMER_WORDS[c.code]![lang]
  const name = c.name.trim() ? esc(c.name) : untitled
  const value = (v: unknown) => {
    if (c.code === 'action.status.changed')
      return label(ACTION_STATUS_LABELS, v as keyof typeof ACTION_STATUS_LABELS, lang)
    return typeof v === 'string' && v.trim() ? esc(v) : DASH
  }
  const colon = W[lang].colon
  if (c.code === 'account.goal.changed') return `- ${what}${colon}${value(c.to)}`
  if (c.from !== undefined || c.to !== undefined) return `- ${what}${colon}${name}（${value(c.from)} → ${value(c.to)}）`
  return `- ${what}${colon}${name}`
}

/** The customer's report: the customer-safe plan and the customer-safe changes; no score, no findings. */
export function renderCustomerReviewMarkdown(
  input: ReviewReportInput,
  until: PlanRecord,
  sincePlan: PlanRecord | null,
  lang: Lang,
): string {
  const w = W[lang]
  const plan = customerSafePlan(until)
  const name = plan.account.name.trim() ? esc(plan.account.name) : w.unnamed
  const lines: string[] = [`# ${w.customerTitle} · ${name}`, '', `- ${w.at}${w.colon}${date(input.review.at)}`]
  lines.push(`- ${w.goal}${w.colon}${cell(plan.account.goal)}`, '', `## ${w.progress}`, '')
  const changes = input.diff && sincePlan ? customerSafeChanges(input.diff.changes, sincePlan, until) : []
  if (changes.length === 0) lines.push(w.noProgress)
  else for (const c of changes) lines.push(customerLine(c, lang, w.untitled))
  lines.push('', `## ${w.actions}`, '')
  if (plan.actions.length === 0) lines.push(w.noActions)
  else {
    lines.push(
      ...table(
        w.customerActionColumns,
        plan.actions.map((a) => [
          a.title.trim() ? esc(a.title) : w.untitled,
          cell(a.owner),
          a.due || DASH,
          label(ACTION_STATUS_LABELS, a.status, lang),
        ]),
      ),
    )
  }
  return `${lines.join('\n')}\n`
}
