/**
 * The readable plan (plan.md): account and goal, decision chain by faction, blockers with the
 * actions against each, actions by owner, findings. Every user-provided string goes through
 * escapeMarkdown, so names can neither change the document's structure nor, once the Markdown
 * is rendered to HTML, inject markup.
 */

import { ACCOUNT_FIELD_NAMES, type AccountFields } from '../account'
import { translateKey } from '../i18n'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  DEPARTMENT_LABELS,
  FINDING_SEVERITY_LABELS,
  INFLUENCE_LABELS,
  type Lang,
  label,
  RELATIONSHIP_LABELS,
  REVIEW_CAUSE_LABELS,
  ROLE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  STANCE_LABELS,
  TIER_LABELS,
} from './labels'
import { FINDING_SEVERITIES, type PlanAction, type PlanRecord, type PlanStakeholder } from './schema'

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f\u2028\u2029]+/g
// Bidirectional overrides can make a name display as something else; they are dropped.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g
// Only what can open inline syntax: without [ and ] no link or image can form, so ( ) ! stay readable.
const MARKDOWN_SPECIAL = /[\\`*_[\]|~#]/g
const NEEDS_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters force the escaped form
  /[\u0000-\u001f\u007f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\\`*_[\]|~#&<>]|^[-+=\s]|\d[.)]|\s$| {2}/

/**
 * Escapes user text for Markdown: line breaks and control characters become spaces (so text
 * cannot start a new block), inline Markdown punctuation and a leading list or thematic-break
 * marker are backslash-escaped (so the text is also safe at the start of a line), and & < >
 * become entities (so no raw HTML survives a Markdown → HTML rendering).
 */
export function escapeMarkdown(value: string): string {
  // Most names need nothing; skip the chain of replacements for them.
  if (!NEEDS_ESCAPE.test(value)) return value
  return value
    .replace(LINE_BREAKS_AND_CONTROLS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(/ {2,}/g, ' ')
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, '\\$&')
    .replace(/^[-+=]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2')
}

const DASH = '—'

interface Words {
  title: string
  unnamedAccount: string
  generated: string
  health: string
  accountSection: string
  fieldColumn: string
  valueColumn: string
  competitors: string
  competitorColumns: string[]
  chainSection: string
  faction: string
  leader: string
  strategy: string
  noFaction: string
  noStakeholders: string
  stakeholderColumns: string[]
  yes: string
  blockersSection: string
  noBlockers: string
  severity: string
  status: string
  stage: string
  heldBy: string
  detail: string
  actionsAgainst: string
  noActionsAgainst: string
  owner: string
  due: string
  actionsSection: string
  noActions: string
  noOwner: string
  actionColumns: string[]
  findingsSection: string
  noFindings: string
  untitled: string
  accountFields: Record<keyof Omit<AccountFields, 'competitors'>, string>
  listSeparator: string
  colon: string
  open: string
  close: string
}

/** The export's words in one language, from the catalogue (shared/i18n/messages/report.ts). */
function words(lang: Lang): Words {
  const w = (key: string) => translateKey(lang, `report.${key}`)
  return {
    title: w('title'),
    unnamedAccount: w('unnamedAccount'),
    generated: w('generated'),
    health: w('health'),
    accountSection: w('accountSection'),
    fieldColumn: w('fieldColumn'),
    valueColumn: w('valueColumn'),
    competitors: w('competitors'),
    competitorColumns: ['name', 'accountManager', 'strengths', 'weaknesses'].map((c) => w(`competitorColumns.${c}`)),
    chainSection: w('chainSection'),
    faction: w('faction'),
    leader: w('leader'),
    strategy: w('strategy'),
    noFaction: w('noFaction'),
    noStakeholders: w('noStakeholders'),
    stakeholderColumns: [
      'name',
      'title',
      'department',
      'role',
      'relationship',
      'influence',
      'champion',
      'reportsTo',
      'influences',
      'coreConcern',
      'ourContact',
      'lastContact',
    ].map((c) => w(`stakeholderColumns.${c}`)),
    yes: w('yes'),
    blockersSection: w('blockersSection'),
    noBlockers: w('noBlockers'),
    severity: w('severity'),
    status: w('status'),
    stage: w('stage'),
    heldBy: w('heldBy'),
    detail: w('detail'),
    actionsAgainst: w('actionsAgainst'),
    noActionsAgainst: w('noActionsAgainst'),
    owner: w('owner'),
    due: w('due'),
    actionsSection: w('actionsSection'),
    noActions: w('noActions'),
    noOwner: w('noOwner'),
    actionColumns: [
      'action',
      'department',
      'due',
      'status',
      'targets',
      'resourcesAndAuthority',
      'checkpoint',
      'review',
    ].map((c) => w(`actionColumns.${c}`)),
    findingsSection: w('findingsSection'),
    noFindings: w('noFindings'),
    untitled: w('untitled'),
    accountFields: Object.fromEntries(
      ACCOUNT_FIELD_NAMES.filter((k) => k !== 'competitors').map((k) => [k, w(`accountFields.${k}`)]),
    ) as Words['accountFields'],
    listSeparator: w('listSeparator'),
    colon: w('colon'),
    open: w('open'),
    close: w('close'),
  }
}

const WORDS: Record<Lang, Words> = { zh: words('zh'), en: words('en') }

/** Dated before undated; ISO dates sort as strings. */
function compareDue(a: string, b: string): number {
  const x = a || '9999'
  const y = b || '9999'
  return x < y ? -1 : x > y ? 1 : 0
}

const ROLE_ORDER = { kdm: 0, ki: 1, gatekeeper: 2, ku: 3, other: 4 } as const

function cell(text: string): string {
  const escaped = escapeMarkdown(text)
  return escaped === '' ? DASH : escaped
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)]
}

// One collator for the whole render: localeCompare with a locale builds one per call.
const collator = new Intl.Collator('zh-Hans-CN')
const byText = collator.compare

/** Renders the plan as Markdown in one language. */
export function renderPlanMarkdown(plan: PlanRecord, lang: Lang): string {
  const w = WORDS[lang]
  const a = plan.account
  const stakeholders = new Map(plan.stakeholders.map((s) => [s.id, s]))
  const actions = new Map(plan.actions.map((x) => [x.id, x]))
  const blockers = new Map(plan.blockers.map((b) => [b.id, b]))
  const nameOf = (id: string): string => {
    const s = stakeholders.get(id)
    if (s) return s.name.trim() || w.untitled
    const b = blockers.get(id)
    if (b) return b.title.trim() || w.untitled
    const x = actions.get(id)
    if (x) return x.title.trim() || w.untitled
    return id
  }
  const names = (ids: string[]) => ids.map((id) => escapeMarkdown(nameOf(id))).join(w.listSeparator) || DASH
  const out: string[] = []

  out.push(`# ${w.title}${w.colon}${a.name.trim() ? escapeMarkdown(a.name) : w.unnamedAccount}`, '')
  const counts = FINDING_SEVERITIES.map((s) => `${FINDING_SEVERITY_LABELS[s][lang]} ${plan.metrics.findings[s]}`).join(
    ' · ',
  )
  out.push(
    `${w.generated}${w.colon}${plan.asOf || DASH} · ${w.health}${w.colon}**${plan.metrics.healthScore} / 100** · ${counts}`,
    '',
  )

  out.push(`## ${w.accountSection}`, '')
  const score = (n: number | null) => (n === null ? DASH : `${n} / 5`)
  const fields: [string, string][] = [
    [w.accountFields.name, cell(a.name)],
    [w.accountFields.tier, label(TIER_LABELS, a.tier, lang) || DASH],
    [w.accountFields.owner, cell(a.owner)],
    [w.accountFields.goal, cell(a.goal)],
    [w.accountFields.target, cell(a.target)],
    [w.accountFields.deadline, a.deadline || DASH],
  ]
  if (a.tier === 'breakthrough' || a.window) fields.push([w.accountFields.window, a.window || DASH])
  fields.push(
    [w.accountFields.stage, label(STAGE_LABELS, a.stage, lang) || DASH],
    [w.accountFields.closeness, score(a.closeness)],
    [w.accountFields.potential, score(a.potential)],
    [w.accountFields.winProbability, a.winProbability === null ? DASH : `${a.winProbability}%`],
  )
  out.push(...table([w.fieldColumn, w.valueColumn], fields), '')
  if (a.competitors.length > 0) {
    out.push(`### ${w.competitors}`, '')
    out.push(
      ...table(
        w.competitorColumns,
        a.competitors.map((c) => [cell(c.name), cell(c.manager), cell(c.strengths), cell(c.weaknesses)]),
      ),
      '',
    )
  }

  out.push(`## ${w.chainSection}`, '')
  if (plan.stakeholders.length === 0) out.push(w.noStakeholders, '')
  const stakeholderTable = (members: PlanStakeholder[]) =>
    table(
      w.stakeholderColumns,
      [...members]
        .sort((x, y) => ROLE_ORDER[x.role] - ROLE_ORDER[y.role] || byText(x.name, y.name))
        .map((s) => [
          s.name.trim() ? escapeMarkdown(s.name) : w.untitled,
          cell(s.title),
          cell(s.department),
          label(ROLE_LABELS, s.role, lang),
          label(RELATIONSHIP_LABELS, s.relationship, lang),
          label(INFLUENCE_LABELS, s.influence, lang),
          s.champion ? w.yes : DASH,
          names(s.reportsTo),
          names(s.influences),
          cell(s.concern),
          cell(s.contact),
          s.lastContact || DASH,
        ]),
    )
  // Allies first, then the undecided, then the hostile camp: the order a divide-and-rule plan reads in.
  const stanceOrder = { ally: 0, neutral: 1, hostile: 2 }
  for (const f of [...plan.factions].sort(
    (x, y) => stanceOrder[x.stance] - stanceOrder[y.stance] || byText(x.name, y.name),
  )) {
    const title = f.name.trim() ? escapeMarkdown(f.name) : w.untitled
    out.push(`### ${w.faction}${w.colon}${title}${w.open}${label(STANCE_LABELS, f.stance, lang)}${w.close}`, '')
    const notes = [`${w.leader}${w.colon}${f.leader ? escapeMarkdown(nameOf(f.leader)) : DASH}`]
    if (f.strategy.trim()) notes.push(`${w.strategy}${w.colon}${escapeMarkdown(f.strategy)}`)
    out.push(notes.join(' · '), '')
    const members = f.members.map((id) => stakeholders.get(id)).filter((s): s is PlanStakeholder => s !== undefined)
    if (members.length > 0) out.push(...stakeholderTable(members), '')
  }
  const loose = plan.stakeholders.filter((s) => s.faction === null)
  if (loose.length > 0) {
    if (plan.factions.length > 0) out.push(`### ${w.noFaction}`, '')
    out.push(...stakeholderTable(loose), '')
  }

  out.push(`## ${w.blockersSection}`, '')
  if (plan.blockers.length === 0) out.push(w.noBlockers, '')
  const severityOrder = { critical: 0, high: 1, medium: 2, low: 3 }
  const statusOrder = { open: 0, attacking: 1, cleared: 2 }
  const blockerList = [...plan.blockers].sort(
    (x, y) =>
      statusOrder[x.status] - statusOrder[y.status] ||
      severityOrder[x.severity] - severityOrder[y.severity] ||
      byText(x.title, y.title),
  )
  for (const b of blockerList) {
    const facts = [
      `${w.severity}${w.colon}${label(SEVERITY_LABELS, b.severity, lang)}`,
      `${w.status}${w.colon}${label(BLOCKER_STATUS_LABELS, b.status, lang)}`,
    ]
    if (b.stage) facts.push(`${w.stage}${w.colon}${label(STAGE_LABELS, b.stage, lang)}`)
    const title = b.title.trim() ? escapeMarkdown(b.title) : w.untitled
    out.push(`### ${title}${w.open}${facts.join(' · ')}${w.close}`, '')
    if (b.detail.trim()) out.push(`- ${w.detail}${w.colon}${escapeMarkdown(b.detail)}`)
    out.push(`- ${w.heldBy}${w.colon}${names(b.heldBy)}`)
    const against = b.targetedBy.map((id) => actions.get(id)).filter((x): x is PlanAction => x !== undefined)
    if (against.length === 0) out.push(`- ${w.actionsAgainst}${w.colon}${w.noActionsAgainst}`)
    else {
      out.push(`- ${w.actionsAgainst}${w.colon.trimEnd()}`)
      for (const x of against) {
        const details = [
          `${w.owner}${w.colon}${cell(x.owner)}`,
          `${w.due}${w.colon}${x.due || DASH}`,
          label(ACTION_STATUS_LABELS, x.status, lang),
        ]
        out.push(
          `  - ${x.title.trim() ? escapeMarkdown(x.title) : w.untitled}${w.open}${details.join(' · ')}${w.close}`,
        )
      }
    }
    out.push('')
  }

  out.push(`## ${w.actionsSection}`, '')
  if (plan.actions.length === 0) out.push(w.noActions, '')
  const byOwner = new Map<string, PlanAction[]>()
  for (const x of plan.actions) {
    const owner = x.owner.replace(/\s+/g, ' ').trim()
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), x])
  }
  const owners = [...byOwner.keys()].sort((x, y) => (x === '' ? 1 : 0) - (y === '' ? 1 : 0) || byText(x, y))
  for (const owner of owners) {
    out.push(`### ${owner ? escapeMarkdown(owner) : w.noOwner}`, '')
    const list = byOwner.get(owner)!.sort((x, y) => compareDue(x.due, y.due) || byText(x.title, y.title))
    out.push(
      ...table(
        w.actionColumns,
        list.map((x) => [
          x.title.trim() ? escapeMarkdown(x.title) : w.untitled,
          label(DEPARTMENT_LABELS, x.department, lang),
          x.due ? (x.overdue ? `**${x.due}** ⚠` : x.due) : DASH,
          label(ACTION_STATUS_LABELS, x.status, lang),
          names(x.targets),
          cell(x.resources),
          cell(x.checkpoint),
          [label(REVIEW_CAUSE_LABELS, x.reviewCause, lang), escapeMarkdown(x.reviewNote)]
            .filter(Boolean)
            .join(w.colon) || DASH,
        ]),
      ),
      '',
    )
  }

  out.push(`## ${w.findingsSection}`, '')
  if (plan.findings.length === 0) out.push(w.noFindings, '')
  for (const severity of FINDING_SEVERITIES) {
    const list = plan.findings.filter((f) => f.severity === severity)
    if (list.length === 0) continue
    out.push(`### ${FINDING_SEVERITY_LABELS[severity][lang]}${w.open}${list.length}${w.close}`, '')
    for (const f of list) out.push(`- ${escapeMarkdown(f.message[lang])}`)
    out.push('')
  }
  return `${out.join('\n').trimEnd()}\n`
}
