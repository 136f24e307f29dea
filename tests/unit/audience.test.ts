import { describe, expect, it } from 'vitest'
import { buildDemoAccount } from '../../server/demo/demoAccount.ts'
import { CUSTOMER_SAFE, customerSafePlan, customerSafeRecords, parseAudience } from '../../shared/audience.ts'
import {
  renderCustomerActionsCsv,
  renderCustomerPlanMarkdown,
  renderCustomerStakeholdersCsv,
} from '../../shared/plan/customerReports.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { RELATIONSHIP_LABELS, STANCE_LABELS } from '../../shared/plan/labels.ts'
import { defaultActionProps } from '../../shared/shapes/action.ts'
import { defaultStakeholderProps } from '../../shared/shapes/stakeholder.ts'

type Rec = Record<string, unknown> & { id: string; typeName: string }

const TODAY = '2026-11-22'
const demo = buildDemoAccount('张经理', new Date(`${TODAY}T08:00:00Z`))
const records = demo.records as Rec[]
const plan = derivePlan({ account: demo.fields, records }, { today: TODAY })

/** Every internal string of the demo: what the customer must never read. */
function internalStrings(): string[] {
  const out = new Set<string>()
  for (const s of plan.stakeholders) for (const v of [s.concern, s.contact]) if (v) out.add(v)
  for (const f of plan.factions) for (const v of [f.name, f.strategy]) if (v) out.add(v)
  for (const b of plan.blockers) for (const v of [b.title, b.detail]) if (v) out.add(v)
  for (const a of plan.actions) {
    for (const v of [a.resources, a.reviewNote]) if (v) out.add(v)
    if (a.status === 'failed' || a.status === 'dropped') out.add(a.title)
  }
  for (const f of plan.findings) out.add(f.message.zh)
  for (const c of plan.account.competitors) out.add(c.name)
  // A string the customer sees legitimately (our contact 李明 also owns an action) is not a leak.
  const shown = new Set<string>([plan.account.name, plan.account.goal])
  for (const s of plan.stakeholders) for (const v of [s.name, s.title, s.department]) shown.add(v)
  for (const a of plan.actions.filter((a) => a.status !== 'failed' && a.status !== 'dropped'))
    for (const v of [a.title, a.owner, a.checkpoint]) shown.add(v)
  return [...out].filter((text) => !shown.has(text))
}

const LEVELS = ['CR1', 'CR2', 'CR3', 'CR4', 'CR5', ...Object.values(RELATIONSHIP_LABELS).map((l) => l.zh)]

describe('customer-safe plan (对客版)', () => {
  it('the demo has the internal fields this filter exists for', () => {
    // Guards the test below against passing on an empty demo.
    expect(plan.factions.length).toBeGreaterThan(0)
    expect(plan.blockers.length).toBeGreaterThan(0)
    expect(plan.findings.length).toBeGreaterThan(0)
    expect(plan.stakeholders.some((s) => s.concern && s.relationship !== 'unknown')).toBe(true)
    expect(internalStrings().length).toBeGreaterThan(10)
  })

  it('keeps only the listed fields of the plan record', () => {
    const safe = customerSafePlan(plan)
    expect(Object.keys(safe).sort()).toEqual([
      'account',
      'actions',
      'asOf',
      'audience',
      'relations',
      'stakeholders',
      'version',
    ])
    expect(Object.keys(safe.account).sort()).toEqual([...CUSTOMER_SAFE.account].sort())
    for (const s of safe.stakeholders) expect(Object.keys(s).sort()).toEqual([...CUSTOMER_SAFE.stakeholder].sort())
    for (const a of safe.actions) {
      expect(Object.keys(a).sort()).toEqual([...CUSTOMER_SAFE.action].sort())
      expect(['planned', 'in-progress', 'done']).toContain(a.status)
    }
    expect(safe.relations.every((r) => r.kind === 'reports-to')).toBe(true)
    expect(safe.relations.length).toBe(plan.relations.filter((r) => r.kind === 'reports-to').length)
    expect(safe.stakeholders.map((s) => s.name)).toEqual(plan.stakeholders.map((s) => s.name))
    // Nothing internal anywhere in the serialised projection.
    const json = JSON.stringify(safe)
    for (const text of internalStrings()) expect(json).not.toContain(text)
    expect(json).not.toMatch(/relationship|influence|champion|stance|strategy|finding|health/i)
  })

  it('renders plan.md and the CSVs for the customer without CR level, stance, strategy, blocker or finding', () => {
    const safe = customerSafePlan(plan)
    for (const lang of ['zh', 'en'] as const) {
      const md = renderCustomerPlanMarkdown(safe, lang)
      const csv = renderCustomerStakeholdersCsv(safe, lang) + renderCustomerActionsCsv(safe, lang)
      for (const text of [md, csv]) {
        for (const level of LEVELS) expect(text).not.toContain(level)
        for (const stance of Object.values(STANCE_LABELS)) expect(text).not.toContain(stance[lang])
        for (const internal of internalStrings()) expect(text).not.toContain(internal)
        // What the customer does see: every person, the goal, the live actions.
        for (const s of plan.stakeholders) expect(text).toContain(s.name)
        for (const a of plan.actions.filter((a) => a.live)) expect(text).toContain(a.title)
      }
      expect(md).toContain(demo.fields.goal)
      expect(md).not.toContain(lang === 'zh' ? '作战' : 'Findings')
    }
  })

  it('parses the audience query value', () => {
    expect(parseAudience(undefined)).toBe('team')
    expect(parseAudience('customer')).toBe('customer')
    expect(parseAudience('team')).toBe('team')
    expect(parseAudience('CUSTOMER')).toBeNull()
    expect(parseAudience('all')).toBeNull()
  })
})

describe('customer-safe document records', () => {
  const defaults = { stakeholder: defaultStakeholderProps(), action: defaultActionProps() }
  const safe = customerSafeRecords(records, defaults)
  const byId = new Map(safe.map((r) => [r.id, r]))
  const shapes = safe.filter((r) => r.typeName === 'shape')

  it('drops factions, blockers and every line but reports-to, with their bindings', () => {
    expect(shapes.some((r) => r.type === 'faction' || r.type === 'blocker')).toBe(false)
    const arrows = shapes.filter((r) => r.type === 'arrow')
    expect(arrows.length).toBe(plan.relations.filter((r) => r.kind === 'reports-to').length)
    expect(arrows.every((r) => (r.meta as { relation: string }).relation === 'reports-to')).toBe(true)
    for (const b of safe.filter((r) => r.typeName === 'binding')) {
      expect(byId.has(b.fromId as string)).toBe(true)
      expect(byId.has(b.toId as string)).toBe(true)
    }
    // Document and page pass through.
    expect(byId.has('document:document')).toBe(true)
    expect(byId.has('page:page')).toBe(true)
  })

  it('strips stakeholders and actions to their listed props and moves faction members to the page in place', () => {
    const original = new Map(records.map((r) => [r.id, r]))
    for (const r of shapes.filter((s) => s.type === 'stakeholder')) {
      const before = original.get(r.id)!
      const props = r.props as Record<string, unknown>
      expect(props.relationship).toBe('unknown')
      expect(props.champion).toBe(false)
      expect(props.concern).toBe('')
      expect(props.contact).toBe('')
      expect(props.name).toBe((before.props as { name: string }).name)
      expect(r.parentId).toBe('page:page')
      const parent = original.get(before.parentId as string)!
      if (parent.typeName === 'shape') {
        expect(r.x).toBe((parent.x as number) + (before.x as number))
        expect(r.y).toBe((parent.y as number) + (before.y as number))
      }
    }
    const actions = shapes.filter((s) => s.type === 'action')
    expect(actions.length).toBe(
      plan.actions.filter((a) => ['planned', 'in-progress', 'done'].includes(a.status)).length,
    )
    for (const r of actions) {
      const props = r.props as Record<string, unknown>
      expect(props.resources).toBe('')
      expect(props.reviewNote).toBe('')
    }
    const json = JSON.stringify(safe)
    for (const text of internalStrings()) expect(json).not.toContain(text)
  })
})
