/**
 * The health score's ordering on a few maps (issue 8): an empty account and the bare template
 * must not look healthier than a real, worked map with its honest problems.
 */
import { describe, expect, it } from 'vitest'
import { buildDemoAccount } from '../../server/demo/demoAccount.ts'
import { type AccountFields, DEFAULT_ACCOUNT } from '../../shared/account.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { healthBreakdown } from '../../shared/plan/health.ts'
import { action, arrow, blocker, faction, goodDoc, stakeholder, TODAY } from '../../shared/plan/testing/builders.ts'
import { starterTemplate, type TemplateValue } from '../../shared/templates/library.ts'

/** An account as "new account" creates it: a name, a tier and its owner; nothing else yet. */
const created: AccountFields = {
  ...DEFAULT_ACCOUNT,
  competitors: [],
  name: '华东电网',
  tier: 'strategic',
  owner: '张三',
}

/**
 * What "insert template" puts on the canvas, in the stored format: the starter template's own data
 * (shared/templates/library.ts, which the client inserts), so the test follows the template.
 */
function templateRecords() {
  const template = starterTemplate(TODAY)
  const text = (v: TemplateValue) => (typeof v === 'object' ? v.zh : v)
  const build = { stakeholder, faction, blocker, action }
  const id = (key: string) => `shape:${key}`
  const cards = template.cards.map((c) => {
    const props = Object.fromEntries(Object.entries(c.props).map(([k, v]) => [k, text(v)]))
    return build[c.type](id(c.key), props as never, c.parent ? id(c.parent) : undefined)
  })
  const arrows = template.links.flatMap(([from, to, relation], i) => arrow(`shape:r${i}`, id(from), id(to), relation))
  return [...cards, ...arrows]
}

const score = (account: unknown, records: unknown[]) =>
  derivePlan({ account, records }, { today: TODAY }).metrics.healthScore

describe('health score ordering', () => {
  const demo = buildDemoAccount('张三', new Date(`${TODAY}T08:00:00Z`))
  const maps = {
    blank: score({}, []),
    created: score(created, []),
    template: score(created, templateRecords()),
    templateWithGoal: score(
      { ...created, goal: '拿下调度系统升级', target: '5000 万元', deadline: '2027-06-30' },
      templateRecords(),
    ),
    demo: score(demo.fields, demo.records),
  }

  it('empty < template-only < a real, worked map (the demo, with its deliberate weak spots)', () => {
    expect(maps.blank).toBe(0)
    expect(maps.created).toBeLessThan(maps.template)
    expect(maps.template).toBeLessThan(maps.demo)
    // Filling in the goal does not make placeholder cards a plan.
    expect(maps.templateWithGoal).toBeLessThan(maps.demo)
    // An empty account must look clearly unhealthy, not merely "amber".
    expect(maps.created).toBeLessThan(30)
  })

  it('fixing a real map’s problems raises its score', () => {
    const plan = derivePlan({ account: demo.fields, records: demo.records }, { today: TODAY })
    const breakdown = healthBreakdown(plan)
    // The demo's weak spots (an unaddressed opponent, an untargeted blocker, flawed actions) show.
    expect(breakdown.opponents).toBeLessThan(1)
    expect(breakdown.blockers).toBeLessThan(1)
    expect(breakdown.actions).toBeLessThan(1)
    const fixed = demo.records.map((r) =>
      r.typeName === 'shape' && r.type === 'action'
        ? {
            ...r,
            props: {
              ...(r.props as object),
              owner: '张三',
              resources: '两人周',
              checkpoint: '书面确认',
              due: '2026-12-30',
            },
          }
        : r,
    )
    expect(score(demo.fields, fixed)).toBeGreaterThan(maps.demo)
  })

  it('a small complete plan (every check passes) scores high, and unreadable records cost points', () => {
    const good = goodDoc()
    const clean = score(good.account, good.records)
    expect(clean).toBeGreaterThanOrEqual(80)
    expect(clean).toBeGreaterThan(maps.template)
    const damaged = [...good.records, { id: 'shape:x', typeName: 'shape', type: 'stakeholder', props: 'garbage' }]
    expect(score(good.account, damaged)).toBeLessThan(clean)
  })
})
