/**
 * derivePlan: the canvas's records and the account fields in, a checked PlanRecord out.
 * Pure and synchronous, used by the server (stored plan, API, exports) and the client (live
 * panel). The input is untrusted: anything malformed becomes a finding, nothing throws.
 */
import type { z } from 'zod'
import { type AccountFields, DEFAULT_ACCOUNT, parseAccount } from '../account'
import { readProvenance } from '../contacts/provenance'
import { inferRelation } from '../shapes/relations'
import {
  type ActionStatus,
  LIVE_ACTION_STATUSES,
  type RelationKind,
  WAR_ROOM_SHAPE_TYPES,
  type WarRoomShapeType,
} from '../shapes/types'
import { checkContacts } from './contacts'
import { isIsoDate } from './dates'
import { healthScore } from './health'
import { messages, type RecordKind } from './messages'
import { analyzeOwner } from './owners'
import {
  type ActionFields,
  arrowBindingSchema,
  type BlockerFields,
  declaredRelation,
  type FactionFields,
  isArrowBinding,
  isShapeHead,
  parseShapeProps,
  type StakeholderFields,
  shapeRecordSchema,
} from './records'
import {
  FINDING_CODES,
  type Finding,
  type FindingCode,
  type FindingSeverity,
  PLAN_RECORD_VERSION,
  type PlanAction,
  type PlanBlocker,
  type PlanFaction,
  type PlanMetrics,
  type PlanRecord,
  type PlanRelation,
  type PlanStakeholder,
} from './schema'
import { planVotes } from './votes'

/** What the plan is derived from: see readDocRecords for reading it out of a room's Y.Doc. */
export interface PlanInput {
  /** The account fields, e.g. `doc.getMap('account').toJSON()`. */
  account: unknown
  /** tldraw records as stored in the document (shapes, bindings; other records are ignored). */
  records: unknown
  /** Dot votes, `doc.getMap('votes').toJSON()` (shared/plan/votes.ts). */
  votes?: unknown
}

export interface DeriveOptions {
  /** Today as `YYYY-MM-DD` (an injectable clock). If invalid, nothing is reported overdue. */
  today: string
  /** Days after which a KDM's or KI's last contact counts as stale (STALE_CONTACT_DAYS; default 45). */
  staleContactDays?: number
  /**
   * Told of an unexpected failure inside the derivation — a bug, since malformed input only ever
   * becomes findings. derivePlan still answers (an empty plan with `plan.derivation.failed`); the
   * caller logs the error where it runs. Without it the error goes to console.error.
   */
  onError?: (error: unknown) => void
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 }
const CODE_RANK = new Map<string, number>(FINDING_CODES.map((c, i) => [c, i]))

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function blank(s: string): boolean {
  return s.trim() === ''
}

function isLive(status: ActionStatus): boolean {
  return LIVE_ACTION_STATUSES.includes(status)
}

interface ShapeNode {
  type: string
  parentId: string
}

interface Arrow {
  id: string
  meta: unknown
}

/** Derives the plan record. Never throws: an unexpected failure yields an empty plan with a finding. */
export function derivePlan(input: PlanInput, options: DeriveOptions): PlanRecord {
  try {
    return derive(input, options)
  } catch (error) {
    try {
      if (typeof options?.onError === 'function') options.onError(error)
      else console.error('[war-room] derivePlan failed (a bug: please report it)', error)
    } catch {
      // A failing logger must not turn a failed derivation into a thrown one.
    }
    return failedPlan(options)
  }
}

class Findings {
  readonly list: Finding[] = []
  add(
    code: FindingCode,
    severity: FindingSeverity,
    message: Finding['message'],
    where: { shapeId?: string; field?: string } = {},
  ) {
    const finding: Finding = { code, severity, message }
    if (where.shapeId !== undefined) finding.shapeId = where.shapeId
    if (where.field !== undefined) finding.field = where.field
    this.list.push(finding)
  }
}

/**
 * The derivation, phase by phase: read the input, index its records by kind, build the entities,
 * link them by relations, run the methodology checks, then measure. Each phase reads only what
 * the phases before it produced.
 */
function derive(input: PlanInput, options: DeriveOptions): PlanRecord {
  const findings = new Findings()
  const today = isIsoDate(options?.today) ? options.today : null
  const source = readInput(input, findings)
  const index = indexRecords(source.latest, source.unreadable, findings)
  const entities = buildEntities(index, today)
  const relations = linkRelations(index, entities, findings)
  const live = (actionId: string) => entities.actions.get(actionId)?.live === true
  runChecks(source.account, entities, live, today, options?.staleContactDays, findings)

  const sorted = sortFindings(findings.list)
  const stakeholderList = [...entities.stakeholders.values()]
  const blockerList = [...entities.blockers.values()]
  const actionList = [...entities.actions.values()]
  const metrics = computeMetrics(
    source.account,
    stakeholderList,
    entities.factions.size,
    blockerList,
    actionList,
    relations.length,
    sorted,
    live,
  )

  return {
    version: PLAN_RECORD_VERSION,
    asOf: today ?? '',
    account: source.account,
    stakeholders: stakeholderList,
    factions: [...entities.factions.values()],
    blockers: blockerList,
    actions: actionList,
    relations,
    metrics,
    findings: sorted,
    votes: planVotes(source.votes, (id) => source.latest.get(id)),
  }
}

interface ReadInput {
  account: AccountFields
  /** The latest record per id. */
  latest: Map<string, Record<string, unknown>>
  /** Entries that are not records at all (counted into one finding by the index phase). */
  unreadable: number
  votes: unknown
}

/** Phase 1, read: the account fields (invalid ones reported) and the latest record per id. */
function readInput(input: PlanInput, findings: Findings): ReadInput {
  const source: Record<string, unknown> = isRecord(input) ? input : {}
  const { account, issues } = parseAccount(source.account)
  for (const issue of issues) {
    findings.add('account.field.invalid', 'warning', messages.accountFieldInvalid(issue.field), {
      field: issue.field || undefined,
    })
  }
  // The document is a key-value log: when an id appears twice, the later record wins.
  const latest = new Map<string, Record<string, unknown>>()
  let unreadable = 0
  const records = source.records
  if (Array.isArray(records)) {
    for (const record of records) {
      if (isRecord(record) && typeof record.id === 'string') latest.set(record.id, record)
      else unreadable++
    }
  } else if (records !== undefined && records !== null) {
    unreadable++
  }
  return { account, latest, unreadable, votes: source.votes }
}

interface RecordIndex {
  shapes: Map<string, ShapeNode>
  stakeholderFields: Map<string, StakeholderFields>
  stakeholderMeta: Map<string, unknown>
  factionFields: Map<string, FactionFields>
  blockerFields: Map<string, BlockerFields>
  actionFields: Map<string, ActionFields>
  arrows: Arrow[]
  arrowEnds: Map<string, { start?: string; end?: string }>
}

/** Phase 2, index: War Room shapes' props parsed by kind, arrows and their bound ends; damage reported. */
function indexRecords(
  latest: Map<string, Record<string, unknown>>,
  unreadableEntries: number,
  findings: Findings,
): RecordIndex {
  const index: RecordIndex = {
    shapes: new Map(),
    stakeholderFields: new Map(),
    stakeholderMeta: new Map(),
    factionFields: new Map(),
    blockerFields: new Map(),
    actionFields: new Map(),
    arrows: [],
    arrowEnds: new Map(),
  }
  let unreadable = unreadableEntries
  for (const [id, record] of latest) {
    if (record.typeName === 'shape') {
      if (!isShapeHead(record)) {
        // A damaged shape of another kind (geo, text, …) is tldraw's concern, not the plan's.
        if (recordKind(record.type) === 'shape') continue
        const fields = issueFields(shapeRecordSchema.safeParse(record).error, 1)
        findings.add('record.invalid', 'warning', messages.recordInvalid(recordKind(record.type), fields), {
          shapeId: id.startsWith('shape:') ? id : undefined,
          field: fields[0],
        })
        continue
      }
      const shape = record
      index.shapes.set(id, { type: shape.type, parentId: shape.parentId })
      switch (shape.type) {
        case 'stakeholder':
          index.stakeholderFields.set(id, readProps('stakeholder', id, shape.props, findings))
          index.stakeholderMeta.set(id, shape.meta)
          break
        case 'faction':
          index.factionFields.set(id, readProps('faction', id, shape.props, findings))
          break
        case 'blocker':
          index.blockerFields.set(id, readProps('blocker', id, shape.props, findings))
          break
        case 'action':
          index.actionFields.set(id, readProps('action', id, shape.props, findings))
          break
        case 'arrow':
          index.arrows.push({ id, meta: shape.meta })
          break
      }
    } else if (record.typeName === 'binding') {
      // Only arrow bindings carry relations; other binding kinds belong to other features.
      if (record.type !== 'arrow') continue
      if (!isArrowBinding(record)) {
        const fields = issueFields(arrowBindingSchema.safeParse(record).error, 2)
        findings.add('record.invalid', 'warning', messages.recordInvalid('binding', fields), {
          shapeId: typeof record.fromId === 'string' && record.fromId.startsWith('shape:') ? record.fromId : undefined,
          field: fields[0],
        })
        continue
      }
      const { fromId, toId, props } = record
      const ends = index.arrowEnds.get(fromId) ?? {}
      // tldraw never binds one terminal twice; if a document does, keep the smaller target id so
      // the result does not depend on record order.
      if (ends[props.terminal] === undefined || toId < ends[props.terminal]!) ends[props.terminal] = toId
      index.arrowEnds.set(fromId, ends)
    } else if (typeof record.typeName !== 'string') {
      unreadable++
    }
    // Other typeNames (document, page, camera, instance, asset, …) are not part of the plan.
  }
  if (unreadable > 0) findings.add('record.invalid', 'warning', messages.recordsUnreadable(unreadable))
  return index
}

interface Entities {
  stakeholders: Map<string, PlanStakeholder>
  factions: Map<string, PlanFaction>
  blockers: Map<string, PlanBlocker>
  actions: Map<string, PlanAction>
}

/**
 * Phase 3, entities: the plan's stakeholders, factions (with members), blockers and actions, in id
 * order so the record is the same whatever order the document was edited in. Built field by
 * field rather than by spreading: thousands of these per derivation.
 */
function buildEntities(index: RecordIndex, today: string | null): Entities {
  const stakeholders = new Map<string, PlanStakeholder>()
  for (const id of [...index.stakeholderFields.keys()].sort()) {
    const f = index.stakeholderFields.get(id)!
    stakeholders.set(id, {
      id,
      name: f.name,
      title: f.title,
      department: f.department,
      role: f.role,
      relationship: f.relationship,
      influence: f.influence,
      concern: f.concern,
      champion: f.champion,
      contact: f.contact,
      lastContact: f.lastContact,
      provenance: readProvenance(index.stakeholderMeta.get(id)),
      faction: enclosingFaction(id, index.shapes),
      reportsTo: [],
      influences: [],
      targetedBy: [],
    })
  }
  const factions = new Map<string, PlanFaction>()
  for (const id of [...index.factionFields.keys()].sort()) {
    const f = index.factionFields.get(id)!
    const leader = stakeholders.has(f.leader) ? f.leader : null
    factions.set(id, { id, name: f.name, stance: f.stance, leader, strategy: f.strategy, members: [] })
  }
  for (const s of stakeholders.values()) if (s.faction) factions.get(s.faction)!.members.push(s.id)

  const blockers = new Map<string, PlanBlocker>()
  for (const id of [...index.blockerFields.keys()].sort()) {
    const f = index.blockerFields.get(id)!
    blockers.set(id, {
      id,
      title: f.title,
      detail: f.detail,
      severity: f.severity,
      status: f.status,
      stage: f.stage,
      heldBy: [],
      targetedBy: [],
    })
  }
  const actions = new Map<string, PlanAction>()
  for (const id of [...index.actionFields.keys()].sort()) {
    const f = index.actionFields.get(id)!
    const live = isLive(f.status)
    const overdue = live && today !== null && f.due !== '' && f.due < today
    actions.set(id, {
      id,
      title: f.title,
      owner: f.owner,
      department: f.department,
      resources: f.resources,
      due: f.due,
      checkpoint: f.checkpoint,
      status: f.status,
      reviewCause: f.reviewCause,
      reviewNote: f.reviewNote,
      targets: [],
      live,
      overdue,
    })
  }
  return { stakeholders, factions, blockers, actions }
}

/**
 * Phase 4, relations: each bound arrow becomes the relation the canvas shows for it (the one rule,
 * inferRelation in shared/shapes/relations.ts), linked into both ends; a `meta.relation` that the
 * ends do not allow is a note. Duplicates (same kind and ends) count once.
 */
function linkRelations(index: RecordIndex, entities: Entities, findings: Findings): PlanRelation[] {
  const { stakeholders, factions, blockers, actions } = entities
  const typeOf = (id: string | undefined): WarRoomShapeType | undefined => {
    if (id === undefined) return undefined
    if (stakeholders.has(id)) return 'stakeholder'
    if (blockers.has(id)) return 'blocker'
    if (actions.has(id)) return 'action'
    if (factions.has(id)) return 'faction'
    return undefined
  }

  const relations: PlanRelation[] = []
  const seen = new Set<string>()
  const arrows = [...index.arrows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (const arrow of arrows) {
    const ends = index.arrowEnds.get(arrow.id)
    const declared = declaredRelation(arrow.meta)
    const resolved = resolveRelation(ends?.start, typeOf(ends?.start), ends?.end, typeOf(ends?.end), declared)
    if (declared !== null && (declared === 'invalid' || resolved?.kind !== declared)) {
      const raw = (arrow.meta as Record<string, unknown>).relation
      findings.add(
        'relation.invalid',
        'info',
        messages.relationInvalid(typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? ''), resolved?.kind ?? null),
        {
          shapeId: arrow.id,
          field: 'meta.relation',
        },
      )
    }
    if (!resolved) continue
    const key = `${resolved.kind}|${resolved.from}|${resolved.to}`
    if (seen.has(key)) continue
    seen.add(key)
    relations.push({ id: arrow.id, kind: resolved.kind, from: resolved.from, to: resolved.to })
    switch (resolved.kind) {
      case 'reports-to':
        stakeholders.get(resolved.from)!.reportsTo.push(resolved.to)
        break
      case 'influences':
        stakeholders.get(resolved.from)!.influences.push(resolved.to)
        break
      case 'targets': {
        actions.get(resolved.from)!.targets.push(resolved.to)
        const target = blockers.get(resolved.to) ?? stakeholders.get(resolved.to)!
        target.targetedBy.push(resolved.from)
        break
      }
      case 'held-by':
        blockers.get(resolved.from)!.heldBy.push(resolved.to)
        break
    }
  }
  for (const s of stakeholders.values()) {
    s.reportsTo.sort()
    s.influences.sort()
    s.targetedBy.sort()
  }
  for (const b of blockers.values()) {
    b.heldBy.sort()
    b.targetedBy.sort()
  }
  for (const a of actions.values()) a.targets.sort()
  return relations
}

/** Phase 5, checks: the methodology's questions (domain guide, seeds 000–004), asked of the entities. */
function runChecks(
  account: AccountFields,
  entities: Entities,
  live: (actionId: string) => boolean,
  today: string | null,
  staleContactDays: number | undefined,
  findings: Findings,
) {
  const stakeholders = [...entities.stakeholders.values()]
  checkAccount(account, findings)
  checkDecisionChain(stakeholders, live, findings)
  checkContacts(stakeholders, today, staleContactDays, findings.add.bind(findings))
  checkBlockers([...entities.blockers.values()], live, findings)
  checkActions([...entities.actions.values()], findings)
}

/** The distinct paths (cut to `depth` segments) a zod error names, for a finding's field. */
function issueFields(error: z.ZodError | undefined, depth: number): string[] {
  if (!error) return []
  return [...new Set(error.issues.map((i) => i.path.slice(0, depth).join('.')).filter(Boolean))]
}

function recordKind(type: unknown): RecordKind {
  return type === 'arrow' || (WAR_ROOM_SHAPE_TYPES as readonly unknown[]).includes(type)
    ? (type as RecordKind)
    : 'shape'
}

function readProps<K extends WarRoomShapeType>(type: K, id: string, raw: unknown, findings: Findings) {
  const { props, invalidFields } = parseShapeProps(type, raw)
  if (invalidFields.length > 0) {
    findings.add('record.invalid', 'warning', messages.propsInvalid(type, invalidFields), {
      shapeId: id,
      field: invalidFields[0],
    })
  }
  return props
}

/** The nearest faction among a shape's ancestors (a stakeholder may sit in a group inside one). */
function enclosingFaction(id: string, shapes: Map<string, ShapeNode>): string | null {
  const visited = new Set<string>([id])
  let parentId = shapes.get(id)?.parentId
  while (parentId !== undefined && !visited.has(parentId)) {
    visited.add(parentId)
    const parent = shapes.get(parentId)
    if (!parent) return null
    if (parent.type === 'faction') return parentId
    parentId = parent.parentId
  }
  return null
}

/**
 * The relation an arrow stands for: the canvas's own rule (inferRelation, which also labels and
 * styles the arrow), applied to the shapes its two ends are bound to. Direction matters: an arrow
 * drawn the other way is a plain arrow on the canvas, and so in the plan.
 */
function resolveRelation(
  start: string | undefined,
  startType: WarRoomShapeType | undefined,
  end: string | undefined,
  endType: WarRoomShapeType | undefined,
  declared: RelationKind | null | 'invalid',
): { kind: RelationKind; from: string; to: string } | null {
  if (start === undefined || end === undefined || start === end) return null
  const kind = inferRelation(startType, endType, declared)
  return kind ? { kind, from: start, to: end } : null
}

function checkAccount(account: AccountFields, findings: Findings) {
  const owner = analyzeOwner(account.owner)
  if (owner.kind === 'missing')
    findings.add('account.owner.missing', 'error', messages.accountOwnerMissing(), { field: 'owner' })
  else if (owner.kind === 'multiple')
    findings.add('account.owner.multiple', 'error', messages.accountOwnerMultiple(owner.names), { field: 'owner' })

  if (account.tier === '')
    findings.add('account.tier.missing', 'warning', messages.accountTierMissing(), { field: 'tier' })

  const missing = (['goal', 'target', 'deadline'] as const).filter((f) => blank(account[f]))
  if (missing.length > 0) {
    findings.add('account.goal.incomplete', 'error', messages.accountGoalIncomplete([...missing]), {
      field: missing[0],
    })
  }
  if (account.tier === 'breakthrough' && account.window === '') {
    findings.add('account.window.missing', 'warning', messages.accountWindowMissing(), { field: 'window' })
  }
}

function checkDecisionChain(stakeholders: PlanStakeholder[], live: (id: string) => boolean, findings: Findings) {
  if (!stakeholders.some((s) => s.role === 'kdm')) findings.add('chain.kdm.missing', 'error', messages.kdmMissing())
  if (!stakeholders.some((s) => s.champion)) findings.add('champion.missing', 'warning', messages.championMissing())
  for (const s of stakeholders) {
    if ((s.role === 'kdm' || s.role === 'ki') && s.relationship === 'unknown') {
      findings.add('stakeholder.relationship.unknown', 'warning', messages.relationshipUnknown(s.name, s.role), {
        shapeId: s.id,
        field: 'relationship',
      })
    }
    if (s.influence === 'high' && (s.relationship === 'cr4' || s.relationship === 'cr5') && !s.targetedBy.some(live)) {
      findings.add('opponent.unaddressed', 'warning', messages.opponentUnaddressed(s.name, s.relationship), {
        shapeId: s.id,
      })
    }
  }
}

function checkBlockers(blockers: PlanBlocker[], live: (id: string) => boolean, findings: Findings) {
  for (const b of blockers) {
    if (b.status === 'cleared' || b.targetedBy.some(live)) continue
    // An untargeted critical or high blocker is where the deal dies; lesser ones are a warning.
    const severity = b.severity === 'critical' || b.severity === 'high' ? 'error' : 'warning'
    findings.add('blocker.untargeted', severity, messages.blockerUntargeted(b.title), { shapeId: b.id })
  }
}

/**
 * The four questions of seed 000, asked of live actions only: done, failed and dropped actions
 * are history kept for the review, and flagging them would bury what can still be fixed.
 */
function checkActions(actions: PlanAction[], findings: Findings) {
  for (const a of actions) {
    if (!a.live) continue
    const at = { shapeId: a.id }
    if (a.targets.length === 0) findings.add('action.untargeted', 'warning', messages.actionUntargeted(a.title), at)
    const owner = analyzeOwner(a.owner)
    if (owner.kind === 'missing')
      findings.add('action.owner.missing', 'error', messages.actionOwnerMissing(a.title), { ...at, field: 'owner' })
    else if (owner.kind === 'multiple')
      findings.add('action.owner.multiple', 'error', messages.actionOwnerMultiple(a.title, owner.names), {
        ...at,
        field: 'owner',
      })
    if (blank(a.resources))
      findings.add('action.resources.missing', 'warning', messages.actionResourcesMissing(a.title), {
        ...at,
        field: 'resources',
      })
    if (a.due === '')
      findings.add('action.due.missing', 'warning', messages.actionDueMissing(a.title), { ...at, field: 'due' })
    if (blank(a.checkpoint))
      findings.add('action.checkpoint.missing', 'warning', messages.actionCheckpointMissing(a.title), {
        ...at,
        field: 'checkpoint',
      })
    if (a.overdue)
      findings.add('action.overdue', 'error', messages.actionOverdue(a.title, a.due, a.status), { ...at, field: 'due' })
  }
}

function sortFindings(list: Finding[]): Finding[] {
  return list.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      CODE_RANK.get(a.code)! - CODE_RANK.get(b.code)! ||
      compare(a.shapeId ?? '', b.shapeId ?? '') ||
      compare(a.field ?? '', b.field ?? ''),
  )
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function computeMetrics(
  account: AccountFields,
  stakeholders: PlanStakeholder[],
  factionCount: number,
  blockers: PlanBlocker[],
  actions: PlanAction[],
  relationCount: number,
  findings: Finding[],
  live: (id: string) => boolean,
): PlanMetrics {
  const role = (r: PlanStakeholder['role']) => stakeholders.filter((s) => s.role === r).length
  const key = stakeholders.filter((s) => s.role === 'kdm' || s.role === 'ki')
  const keyKnown = key.filter((s) => s.relationship !== 'unknown').length
  const openBlockers = blockers.filter((b) => b.status !== 'cleared')
  const kdm = role('kdm')
  const ki = role('ki')
  const ku = role('ku')
  return {
    counts: {
      stakeholders: stakeholders.length,
      factions: factionCount,
      blockers: blockers.length,
      actions: actions.length,
      relations: relationCount,
    },
    decisionChain: {
      kdm,
      ki,
      ku,
      gatekeeper: role('gatekeeper'),
      rolesPresent: { kdm: kdm > 0, ki: ki > 0, ku: ku > 0 },
      keyRelationshipCoverage: key.length === 0 ? null : keyKnown / key.length,
      champions: stakeholders.filter((s) => s.champion).length,
      supporters: stakeholders.filter((s) => s.relationship === 'cr1' || s.relationship === 'cr2').length,
      opponents: stakeholders.filter((s) => s.relationship === 'cr4' || s.relationship === 'cr5').length,
      unaffiliated: stakeholders.filter((s) => s.faction === null).length,
    },
    openBlockers: openBlockers.length,
    untargetedBlockers: openBlockers.filter((b) => !b.targetedBy.some(live)).length,
    liveActions: actions.filter((a) => a.live).length,
    overdueActions: actions.filter((a) => a.overdue).length,
    findings: {
      error: findings.filter((f) => f.severity === 'error').length,
      warning: findings.filter((f) => f.severity === 'warning').length,
      info: findings.filter((f) => f.severity === 'info').length,
    },
    healthScore: healthScore({ account, stakeholders, blockers, actions, findings }),
  }
}

function failedPlan(options: DeriveOptions): PlanRecord {
  const findings: Finding[] = [
    { code: 'plan.derivation.failed', severity: 'error', message: messages.derivationFailed() },
  ]
  let asOf = ''
  try {
    asOf = isIsoDate(options?.today) ? options.today : ''
  } catch {
    // A hostile options object: leave the date empty.
  }
  return {
    version: PLAN_RECORD_VERSION,
    asOf,
    account: { ...DEFAULT_ACCOUNT, competitors: [] },
    stakeholders: [],
    factions: [],
    blockers: [],
    actions: [],
    relations: [],
    metrics: {
      counts: { stakeholders: 0, factions: 0, blockers: 0, actions: 0, relations: 0 },
      decisionChain: {
        kdm: 0,
        ki: 0,
        ku: 0,
        gatekeeper: 0,
        rolesPresent: { kdm: false, ki: false, ku: false },
        keyRelationshipCoverage: null,
        champions: 0,
        supporters: 0,
        opponents: 0,
        unaffiliated: 0,
      },
      openBlockers: 0,
      untargetedBlockers: 0,
      liveActions: 0,
      overdueActions: 0,
      findings: { error: 1, warning: 0, info: 0 },
      healthScore: 0,
    },
    findings,
  }
}
