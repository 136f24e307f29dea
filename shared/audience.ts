/**
 * The customer-safe view (对客版): ONE allow-list of what may be shown to the customer, applied
 * by the server to text exports (`?audience=customer`) and by the client to present mode and the
 * PNG/SVG/PDF exports. Everything not listed here is dropped, so a field added to the plan record
 * or to a shape later stays internal until someone decides to list it.
 *
 * Kept: people (name, title, department), reports-to lines, the account's name and goal, and live
 * or done actions (title, owner, due, checkpoint). Dropped: relationship levels, influence,
 * champion, core concern, our contact, competitor fields; factions (stance, strategy,
 * membership); blockers; influences and held-by lines; findings and the score; assessment fields;
 * competitors; review causes and notes.
 *
 * It is a presentation filter, not access control: who may see an account at all is decided by
 * membership, on every route.
 */
import type { AccountFields } from './account'
import type { PlanAction, PlanRecord, PlanRelation, PlanStakeholder } from './plan/schema'
import type { ActionStatus, RelationKind } from './shapes/types'

/** Who a report or view is for: our own team (everything) or the customer (the allow-list). */
export const AUDIENCES = ['team', 'customer'] as const
export type Audience = (typeof AUDIENCES)[number]

/** A query value as an audience: absent means `team`; anything else unknown is null (a 400). */
export function parseAudience(value: string | null | undefined): Audience | null {
  if (value === undefined || value === null || value === '') return 'team'
  return (AUDIENCES as readonly string[]).includes(value) ? (value as Audience) : null
}

/** The allow-list. Plan-record fields and shape props are listed separately; both say the same. */
export const CUSTOMER_SAFE = {
  /** Account fields kept. */
  account: ['name', 'goal'],
  /** Plan-record stakeholder fields kept. */
  stakeholder: ['id', 'name', 'title', 'department', 'reportsTo'],
  /** Plan-record action fields kept (status says live or done; nothing else). */
  action: ['id', 'title', 'owner', 'due', 'checkpoint', 'status'],
  /** Actions shown at all: live (planned, in progress) or done. Failed and dropped ones are internal. */
  actionStatuses: ['planned', 'in-progress', 'done'],
  /** Relation lines kept. */
  relations: ['reports-to'],
  /** Stakeholder shape props kept (the rest take their defaults). */
  stakeholderProps: ['w', 'h', 'name', 'title', 'department'],
  /** Action shape props kept (the rest take their defaults). */
  actionProps: ['w', 'h', 'title', 'owner', 'due', 'checkpoint', 'status'],
  /**
   * Shape types shown. Frames are the presenter's slides; stakeholders and actions are filtered
   * as above; arrows only as reports-to lines. Factions, blockers and free drawing, notes and text
   * (which often carry internal notes) are not shown.
   */
  shapeTypes: ['stakeholder', 'action', 'arrow', 'frame', 'group'],
} as const satisfies {
  account: readonly (keyof AccountFields)[]
  stakeholder: readonly (keyof PlanStakeholder)[]
  action: readonly (keyof PlanAction)[]
  actionStatuses: readonly ActionStatus[]
  relations: readonly RelationKind[]
  stakeholderProps: readonly string[]
  actionProps: readonly string[]
  shapeTypes: readonly string[]
}

type Pick2<T, K extends readonly (keyof T)[]> = Pick<T, K[number]>

export type CustomerAccount = Pick2<AccountFields, typeof CUSTOMER_SAFE.account>
export type CustomerStakeholder = Pick2<PlanStakeholder, typeof CUSTOMER_SAFE.stakeholder>
export type CustomerAction = Pick2<PlanAction, typeof CUSTOMER_SAFE.action>

/** The customer-safe projection of a plan record: a different, narrower type, so nothing leaks by default. */
export interface CustomerSafePlan {
  audience: 'customer'
  version: PlanRecord['version']
  asOf: string
  account: CustomerAccount
  stakeholders: CustomerStakeholder[]
  actions: CustomerAction[]
  relations: PlanRelation[]
}

/** Copies only the listed keys (the allow-list), never the rest. */
function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const key of keys) out[key] = value[key]
  return out
}

export function isCustomerSafeAction(status: string): boolean {
  return (CUSTOMER_SAFE.actionStatuses as readonly string[]).includes(status)
}

export function isCustomerSafeRelation(kind: unknown): boolean {
  return (CUSTOMER_SAFE.relations as readonly unknown[]).includes(kind)
}

/** The plan as the customer may see it. */
export function customerSafePlan(plan: PlanRecord): CustomerSafePlan {
  const stakeholders = plan.stakeholders.map((s) => pick(s, CUSTOMER_SAFE.stakeholder))
  const kept = new Set(stakeholders.map((s) => s.id))
  for (const s of stakeholders) s.reportsTo = s.reportsTo.filter((id) => kept.has(id))
  return {
    audience: 'customer',
    version: plan.version,
    asOf: plan.asOf,
    account: pick(plan.account, CUSTOMER_SAFE.account),
    stakeholders,
    actions: plan.actions.filter((a) => isCustomerSafeAction(a.status)).map((a) => pick(a, CUSTOMER_SAFE.action)),
    relations: plan.relations
      .filter((r) => isCustomerSafeRelation(r.kind) && kept.has(r.from) && kept.has(r.to))
      .map((r) => ({ ...r })),
  }
}

// ---------------------------------------------------------------------------------------------
// Document records (the canvas): the same allow-list, for the client's present mode and exports
// and for anything that hands out a copy of the document.

/** The least a record needs for the filter: tldraw shape and binding records fit it. */
export interface DocRecordLike {
  id: string
  typeName: string
  type?: string
  parentId?: string
  x?: number
  y?: number
  rotation?: number
  props?: unknown
  meta?: unknown
  fromId?: string
  toId?: string
}

function propsOf(record: { props?: unknown }): Record<string, unknown> {
  return typeof record.props === 'object' && record.props !== null ? (record.props as Record<string, unknown>) : {}
}

function relationOf(record: { meta?: unknown }): unknown {
  return typeof record.meta === 'object' && record.meta !== null
    ? (record.meta as Record<string, unknown>).relation
    : undefined
}

/**
 * Whether one shape may be shown to the customer, judged on the shape alone (an arrow also needs
 * both its ends shown, see {@link customerSafeRecords}; the client checks that with its bindings).
 */
export function isCustomerSafeShape(shape: DocRecordLike): boolean {
  const type = shape.type ?? ''
  if (!(CUSTOMER_SAFE.shapeTypes as readonly string[]).includes(type)) return false
  if (type === 'action') return isCustomerSafeAction(String(propsOf(shape).status))
  if (type === 'arrow') return isCustomerSafeRelation(relationOf(shape))
  return true
}

/**
 * A War Room shape's props as the customer may see them: the listed props kept, every other prop
 * replaced by its default (so a card renders as a card, without the internal fields).
 */
export function customerSafeProps<P extends object>(type: string, props: P, defaults: P): P {
  const keep: readonly string[] =
    type === 'stakeholder' ? CUSTOMER_SAFE.stakeholderProps : type === 'action' ? CUSTOMER_SAFE.actionProps : []
  const out = { ...defaults } as Record<string, unknown>
  for (const key of keep) if (key in props) out[key] = (props as Record<string, unknown>)[key]
  return out as P
}

/**
 * The document's records as the customer may see them: shapes outside the allow-list dropped,
 * stakeholders and actions stripped to their listed props (`defaults` per shape type), arrows kept
 * only as reports-to lines between shown stakeholders (with their bindings), and the members of a
 * dropped faction moved to the faction's parent at the same place on the page. Non-shape records
 * (document, pages, assets) pass through; bindings follow their arrow.
 */
export function customerSafeRecords<R extends DocRecordLike>(
  records: readonly R[],
  defaults: Record<string, object> = {},
): R[] {
  const byId = new Map(records.map((r) => [r.id, r]))
  const shown = new Map<string, R>()
  for (const r of records) {
    if (r.typeName === 'shape' && r.type !== 'arrow' && isCustomerSafeShape(r)) shown.set(r.id, r)
  }
  // Arrows: a kept relation whose two ends are both shown.
  const ends = new Map<string, string[]>()
  for (const r of records) {
    if (r.typeName === 'binding' && r.fromId && r.toId) ends.set(r.fromId, [...(ends.get(r.fromId) ?? []), r.toId])
  }
  for (const r of records) {
    if (r.typeName !== 'shape' || r.type !== 'arrow' || !isCustomerSafeShape(r)) continue
    const to = ends.get(r.id) ?? []
    if (to.length === 2 && to.every((id) => shown.has(id))) shown.set(r.id, r)
  }

  const out: R[] = []
  for (const r of records) {
    if (r.typeName === 'binding') {
      if (r.fromId && shown.has(r.fromId)) out.push(r)
      continue
    }
    if (r.typeName !== 'shape') {
      out.push(r)
      continue
    }
    if (!shown.has(r.id)) continue
    let next: R = r
    // A shape whose parent is dropped moves up to the nearest shown ancestor (or the page), in place.
    let parent = r.parentId ? byId.get(r.parentId) : undefined
    if (parent && parent.typeName === 'shape' && !shown.has(parent.id)) {
      let x = r.x ?? 0
      let y = r.y ?? 0
      let parentId = r.parentId
      while (parent && parent.typeName === 'shape' && !shown.has(parent.id)) {
        // Factions are not rotated in practice; a rotated one still places its members in place.
        const angle = parent.rotation ?? 0
        const [cx, cy] = [Math.cos(angle), Math.sin(angle)]
        ;[x, y] = [(parent.x ?? 0) + x * cx - y * cy, (parent.y ?? 0) + x * cy + y * cx]
        parentId = parent.parentId
        parent = parentId ? byId.get(parentId) : undefined
      }
      next = { ...next, x, y, parentId }
    }
    const type = r.type ?? ''
    if (type === 'stakeholder' || type === 'action') {
      next = {
        ...next,
        props: customerSafeProps(type, propsOf(r), (defaults[type] ?? {}) as Record<string, unknown>),
        // Shape meta is free-form; none of it is on the list.
        meta: {},
      }
    } else if (type === 'arrow') {
      next = { ...next, meta: { relation: relationOf(r) } }
    }
    out.push(next)
  }
  return out
}
