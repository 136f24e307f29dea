/**
 * diffPlans: what moved between two plan records (复盘: "what changed since last month"). Pure and
 * synchronous. Both records must be derived with the same rules (the caller re-derives a frozen
 * document with today's derivePlan), so a changed check never shows up as a change nobody made.
 *
 * Only the fields a review talks about are compared (CHANGE_CODES); layout (position, size, z-order)
 * is not in a plan record, so moving or resizing a shape is never a change. Moving a stakeholder
 * into another faction is: its `faction` moves.
 */
import type { AccountFields } from '../account'
import { bilingual } from '../i18n'
import {
  ACTION_STATUS_LABELS,
  type Bilingual,
  BLOCKER_STATUS_LABELS,
  RELATIONSHIP_LABELS,
  ROLE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  STANCE_LABELS,
  TIER_LABELS,
} from '../plan/labels'
import type { Finding, PlanAction, PlanBlocker, PlanFaction, PlanRecord, PlanStakeholder } from '../plan/schema'
import { INFLUENCE_LABELS, SHAPE_TYPE_LABELS } from '../shapes/labels'
import type { RelationshipLevel } from '../shapes/types'
import { CHANGE_CODES, CHANGE_ENTITIES, type Change, type ChangeCode, type ChangeSummary, type PlanDiff } from './types'

const MAX_NAME = 40
const CODE_RANK = new Map<string, number>(CHANGE_CODES.map((c, i) => [c, i]))
const ENTITY_RANK = new Map<string, number>(CHANGE_ENTITIES.map((e, i) => [e, i]))

/** CR1 is the best relationship; "unknown" has no rank. */
const RELATIONSHIP_RANK: Partial<Record<RelationshipLevel, number>> = { cr1: 1, cr2: 2, cr3: 3, cr4: 4, cr5: 5 }

function clip(s: string): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()]
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : chars.join('')
}

function q(name: string): Bilingual {
  const n = clip(name)
  return n ? bilingual('finding.quoted', { name: n }) : UNTITLED
}

// Wording lives in the catalogue (shared/i18n/messages/review.ts); these only pick and fill it.
const UNTITLED = bilingual('finding.untitled')
const NONE = bilingual('review.change.none')

function text(value: string): Bilingual {
  const c = clip(value)
  return c ? { zh: c, en: c } : NONE
}

function lab<K extends string>(table: Record<K, Bilingual>, value: K | ''): Bilingual {
  if (value === '') return NONE
  return table[value] ?? { zh: value, en: value }
}

function arrow(from: Bilingual, to: Bilingual): Bilingual {
  return { zh: `${from.zh} → ${to.zh}`, en: `${from.en} → ${to.en}` }
}

const KIND = SHAPE_TYPE_LABELS

const ACCOUNT_FIELD: Record<'stage' | 'tier' | 'owner' | 'goal', Bilingual> = {
  stage: bilingual('review.field.stage'),
  tier: bilingual('review.field.tier'),
  owner: bilingual('review.field.accountOwner'),
  goal: bilingual('review.field.goal'),
}

const FIELD = {
  relationship: bilingual('review.field.relationship'),
  role: bilingual('review.field.role'),
  influence: bilingual('review.field.influence'),
  stance: bilingual('review.field.stance'),
  status: bilingual('review.field.status'),
  severity: bilingual('review.field.severity'),
  due: bilingual('review.field.due'),
  owner: bilingual('review.field.owner'),
}

type Named = { id: string }

function byId<T extends Named>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((x) => [x.id, x]))
}

function findingKey(f: Finding): string {
  return `${f.code}\u0000${f.shapeId ?? ''}\u0000${f.field ?? ''}`
}

/** The shape ids and names a plan knows, for naming findings and factions. */
function namesOf(plan: PlanRecord): Map<string, string> {
  const names = new Map<string, string>()
  for (const s of plan.stakeholders) names.set(s.id, s.name)
  for (const f of plan.factions) names.set(f.id, f.name)
  for (const b of plan.blockers) names.set(b.id, b.title)
  for (const a of plan.actions) names.set(a.id, a.title)
  return names
}

class ChangeList {
  readonly list: Change[] = []
  add(change: Change) {
    this.list.push(change)
  }
}

/**
 * Compares matching entities by id: each present on one side only is added/removed; each present
 * on both has its tracked fields compared in a fixed order.
 */
function diffEntities<T extends Named>(
  kind: 'stakeholder' | 'faction' | 'blocker' | 'action',
  since: readonly T[],
  until: readonly T[],
  nameOf: (x: T) => string,
  compare: (a: T, b: T, name: string) => void,
  out: ChangeList,
) {
  const before = byId(since)
  const after = byId(until)
  for (const [id, b] of after) {
    const a = before.get(id)
    const name = nameOf(b)
    if (!a) {
      out.add({
        code: `${kind}.added` as ChangeCode,
        entity: kind,
        id,
        name,
        message: bilingual('review.change.added', { kind: KIND[kind], name: q(name) }),
      })
      continue
    }
    const oldName = nameOf(a)
    if (oldName !== name) {
      out.add({
        code: `${kind}.renamed` as ChangeCode,
        entity: kind,
        id,
        name,
        from: oldName,
        to: name,
        message: bilingual('review.change.renamed', { kind: KIND[kind], from: q(oldName), to: q(name) }),
      })
    }
    compare(a, b, name)
  }
  for (const [id, a] of before) {
    if (after.has(id)) continue
    const name = nameOf(a)
    out.add({
      code: `${kind}.removed` as ChangeCode,
      entity: kind,
      id,
      name,
      message: bilingual('review.change.removed', { kind: KIND[kind], name: q(name) }),
    })
  }
}

function fieldChange(
  out: ChangeList,
  code: ChangeCode,
  entity: Change['entity'],
  id: string,
  name: string,
  from: string | boolean,
  to: string | boolean,
  what: Bilingual,
  shown: Bilingual,
) {
  out.add({
    code,
    entity,
    id,
    name,
    from,
    to,
    message: bilingual('review.change.field', { name: q(name), what, shown }),
  })
}

/**
 * The changes from `since` to `until`, grouped by entity (account, stakeholders, factions, blockers,
 * actions, findings), each group in id order, and the summary the review meeting reads first.
 */
export function diffPlans(since: PlanRecord, until: PlanRecord): PlanDiff {
  const out = new ChangeList()
  diffAccount(since.account, until.account, out)

  const untilFactions = byId(until.factions)
  const sinceFactions = byId(since.factions)
  const factionName = (id: string | null, primary: Map<string, PlanFaction>, other: Map<string, PlanFaction>) =>
    id === null ? '' : (primary.get(id)?.name ?? other.get(id)?.name ?? '')

  diffEntities<PlanStakeholder>(
    'stakeholder',
    since.stakeholders,
    until.stakeholders,
    (s) => s.name,
    (a, b, name) => {
      if (a.relationship !== b.relationship) {
        fieldChange(
          out,
          'stakeholder.relationship.changed',
          'stakeholder',
          b.id,
          name,
          a.relationship,
          b.relationship,
          FIELD.relationship,
          arrow(lab(RELATIONSHIP_LABELS, a.relationship), lab(RELATIONSHIP_LABELS, b.relationship)),
        )
      }
      if (a.role !== b.role) {
        fieldChange(
          out,
          'stakeholder.role.changed',
          'stakeholder',
          b.id,
          name,
          a.role,
          b.role,
          FIELD.role,
          arrow(lab(ROLE_LABELS, a.role), lab(ROLE_LABELS, b.role)),
        )
      }
      if (a.influence !== b.influence) {
        fieldChange(
          out,
          'stakeholder.influence.changed',
          'stakeholder',
          b.id,
          name,
          a.influence,
          b.influence,
          FIELD.influence,
          arrow(lab(INFLUENCE_LABELS, a.influence), lab(INFLUENCE_LABELS, b.influence)),
        )
      }
      if (a.champion !== b.champion) {
        out.add({
          code: 'stakeholder.champion.changed',
          entity: 'stakeholder',
          id: b.id,
          name,
          from: a.champion,
          to: b.champion,
          message: bilingual(b.champion ? 'review.change.championYes' : 'review.change.championNo', { name: q(name) }),
        })
      }
      if (a.faction !== b.faction) {
        const fromName = factionName(a.faction, sinceFactions, untilFactions)
        const toName = factionName(b.faction, untilFactions, sinceFactions)
        const side = (id: string | null, n: string): Bilingual =>
          id === null ? bilingual('review.change.noFaction') : q(n)
        out.add({
          code: 'stakeholder.faction.changed',
          entity: 'stakeholder',
          id: b.id,
          name,
          from: a.faction,
          to: b.faction,
          fromName,
          toName,
          message: bilingual('review.change.faction', {
            name: q(name),
            shown: arrow(side(a.faction, fromName), side(b.faction, toName)),
          }),
        })
      }
    },
    out,
  )

  diffEntities<PlanFaction>(
    'faction',
    since.factions,
    until.factions,
    (f) => f.name,
    (a, b, name) => {
      if (a.stance !== b.stance) {
        fieldChange(
          out,
          'faction.stance.changed',
          'faction',
          b.id,
          name,
          a.stance,
          b.stance,
          FIELD.stance,
          arrow(lab(STANCE_LABELS, a.stance), lab(STANCE_LABELS, b.stance)),
        )
      }
    },
    out,
  )

  diffEntities<PlanBlocker>(
    'blocker',
    since.blockers,
    until.blockers,
    (b) => b.title,
    (a, b, name) => {
      if (a.status !== b.status) {
        fieldChange(
          out,
          'blocker.status.changed',
          'blocker',
          b.id,
          name,
          a.status,
          b.status,
          FIELD.status,
          arrow(lab(BLOCKER_STATUS_LABELS, a.status), lab(BLOCKER_STATUS_LABELS, b.status)),
        )
      }
      if (a.severity !== b.severity) {
        fieldChange(
          out,
          'blocker.severity.changed',
          'blocker',
          b.id,
          name,
          a.severity,
          b.severity,
          FIELD.severity,
          arrow(lab(SEVERITY_LABELS, a.severity), lab(SEVERITY_LABELS, b.severity)),
        )
      }
    },
    out,
  )

  diffEntities<PlanAction>(
    'action',
    since.actions,
    until.actions,
    (a) => a.title,
    (a, b, name) => {
      if (a.status !== b.status) {
        fieldChange(
          out,
          'action.status.changed',
          'action',
          b.id,
          name,
          a.status,
          b.status,
          FIELD.status,
          arrow(lab(ACTION_STATUS_LABELS, a.status), lab(ACTION_STATUS_LABELS, b.status)),
        )
      }
      if (a.due !== b.due) {
        fieldChange(
          out,
          'action.due.changed',
          'action',
          b.id,
          name,
          a.due,
          b.due,
          FIELD.due,
          arrow(text(a.due), text(b.due)),
        )
      }
      if (a.owner !== b.owner) {
        fieldChange(
          out,
          'action.owner.changed',
          'action',
          b.id,
          name,
          a.owner,
          b.owner,
          FIELD.owner,
          arrow(text(a.owner), text(b.owner)),
        )
      }
    },
    out,
  )

  // Newly overdue: live and overdue now, and not overdue then (or not there at all).
  const sinceActions = byId(since.actions)
  for (const b of until.actions) {
    if (!(b.live && b.overdue) || sinceActions.get(b.id)?.overdue) continue
    out.add({
      code: 'action.overdue',
      entity: 'action',
      id: b.id,
      name: b.title,
      to: b.due,
      message: bilingual('review.change.overdue', { name: q(b.title), due: b.due }),
    })
  }

  diffFindings(since, until, out)

  const changes = out.list.sort(
    (a, b) =>
      ENTITY_RANK.get(a.entity)! - ENTITY_RANK.get(b.entity)! ||
      compare(a.id, b.id) ||
      CODE_RANK.get(a.code)! - CODE_RANK.get(b.code)! ||
      compare(a.finding?.code ?? '', b.finding?.code ?? ''),
  )
  return { summary: summarize(since, until, changes), changes }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function diffAccount(a: AccountFields, b: AccountFields, out: ChangeList) {
  const name = b.name || a.name
  const fields = [
    ['stage', 'account.stage.changed', (v: string) => lab(STAGE_LABELS, v as keyof typeof STAGE_LABELS)],
    ['tier', 'account.tier.changed', (v: string) => lab(TIER_LABELS, v as keyof typeof TIER_LABELS)],
    ['owner', 'account.owner.changed', text],
    ['goal', 'account.goal.changed', text],
  ] as const
  for (const [field, code, show] of fields) {
    const from = a[field]
    const to = b[field]
    if (from === to) continue
    const what = ACCOUNT_FIELD[field]
    const shown = arrow(show(from), show(to))
    out.add({
      code,
      entity: 'account',
      id: field,
      name,
      from,
      to,
      message: bilingual('review.change.account', { what, shown }),
    })
  }
}

/**
 * Findings are matched by code, shape and field (a multiset: the same key may occur twice). A
 * finding about a shape that is gone left with the shape (its removal is the change), so it is not
 * "resolved"; an `action.overdue` finding that appeared is already reported as `action.overdue`.
 * Notes (severity info) are left out: they do not count toward health, and an arrow left loose by
 * a removed shape is not news for the review.
 */
function diffFindings(since: PlanRecord, until: PlanRecord, out: ChangeList) {
  const count = (list: readonly Finding[]) => {
    const m = new Map<string, Finding[]>()
    for (const f of list) {
      if (f.severity === 'info') continue
      const k = findingKey(f)
      const bucket = m.get(k)
      if (bucket) bucket.push(f)
      else m.set(k, [f])
    }
    return m
  }
  const before = count(since.findings)
  const after = count(until.findings)
  const untilNames = namesOf(until)
  const sinceNames = namesOf(since)
  const accountName = until.account.name || since.account.name

  const emit = (f: Finding, code: 'finding.added' | 'finding.resolved', names: Map<string, string>) => {
    const id = f.shapeId ?? f.field ?? ''
    const name = f.shapeId !== undefined ? (names.get(f.shapeId) ?? '') : accountName
    out.add({
      code,
      entity: 'finding',
      id,
      name,
      finding: { code: f.code, severity: f.severity },
      message: bilingual(code === 'finding.added' ? 'review.change.findingAdded' : 'review.change.findingResolved', {
        message: f.message,
      }),
    })
  }

  for (const [k, list] of after) {
    const had = before.get(k)?.length ?? 0
    for (const f of list.slice(had)) {
      if (f.code === 'action.overdue') continue
      emit(f, 'finding.added', untilNames)
    }
  }
  for (const [k, list] of before) {
    const has = after.get(k)?.length ?? 0
    for (const f of list.slice(has)) {
      if (f.shapeId !== undefined && sinceNames.has(f.shapeId) && !untilNames.has(f.shapeId)) continue
      emit(f, 'finding.resolved', sinceNames)
    }
  }
}

function summarize(since: PlanRecord, until: PlanRecord, changes: readonly Change[]): ChangeSummary {
  const summary: ChangeSummary = {
    blockersOpened: 0,
    blockersCleared: 0,
    actionsDone: 0,
    actionsFailed: 0,
    actionsOverdue: 0,
    relationshipsImproved: 0,
    relationshipsWorsened: 0,
    findingsAdded: 0,
    findingsResolved: 0,
    stage: { from: since.account.stage, to: until.account.stage },
    score: { from: since.metrics.healthScore, to: until.metrics.healthScore },
  }
  const untilBlockers = byId(until.blockers)
  for (const c of changes) {
    switch (c.code) {
      case 'blocker.added':
        if (untilBlockers.get(c.id)?.status !== 'cleared') summary.blockersOpened++
        break
      case 'blocker.status.changed':
        if (c.to === 'cleared') summary.blockersCleared++
        else if (c.from === 'cleared') summary.blockersOpened++
        break
      case 'action.status.changed':
        if (c.to === 'done') summary.actionsDone++
        else if (c.to === 'failed') summary.actionsFailed++
        break
      case 'action.overdue':
        summary.actionsOverdue++
        break
      case 'stakeholder.relationship.changed': {
        const from = RELATIONSHIP_RANK[c.from as RelationshipLevel]
        const to = RELATIONSHIP_RANK[c.to as RelationshipLevel]
        if (from === undefined || to === undefined) break
        if (to < from) summary.relationshipsImproved++
        else summary.relationshipsWorsened++
        break
      }
      case 'finding.added':
        summary.findingsAdded++
        break
      case 'finding.resolved':
        summary.findingsResolved++
        break
    }
  }
  return summary
}
