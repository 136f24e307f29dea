/**
 * The health score's ordering on a few maps (issue 8): an empty account and the bare template
 * must not look healthier than a real, worked map with its honest problems.
 */
import { describe, expect, it } from 'vitest'
import { buildDemoAccount } from '../../server/demo/demoAccount.ts'
import { type AccountFields, DEFAULT_ACCOUNT } from '../../shared/account.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { healthBreakdown } from '../../shared/plan/health.ts'
import { action, arrow, blocker, goodDoc, stakeholder, TODAY } from '../../shared/plan/testing/builders.ts'

/** An account as "new account" creates it: a name, a tier and its owner; nothing else yet. */
const created: AccountFields = {
  ...DEFAULT_ACCOUNT,
  competitors: [],
  name: '华东电网',
  tier: 'strategic',
  owner: '张三',
}

/**
 * What "insert template" (client/shapes/template.ts) puts on the canvas, in the stored format:
 * KDM over two KIs over two KUs, a blocker held by a KI and a complete action against it.
 */
function templateRecords() {
  const card = (id: string, props: Parameters<typeof stakeholder>[1]) =>
    stakeholder(id, { title: '职务', department: '部门', concern: '关切', contact: '销售：赵亮', ...props })
  return [
    card('shape:kdm', { name: '王总', role: 'kdm', relationship: 'cr3', influence: 'high' }),
    card('shape:ki1', { name: '李主任', role: 'ki', relationship: 'cr4', influence: 'high' }),
    card('shape:ki2', { name: '张经理', role: 'ki', relationship: 'cr2', influence: 'medium' }),
    card('shape:ku1', { name: '刘工', role: 'ku', relationship: 'cr1', influence: 'low', champion: true }),
    card('shape:ku2', { name: '陈工', role: 'ku', relationship: 'unknown', influence: 'low' }),
    blocker('shape:b', { title: '信息中心担心集成风险', detail: '…', severity: 'high', status: 'open', stage: 'P3' }),
    action('shape:a', {
      title: '安排标杆客户参观 + 集成方案评审',
      owner: '赵亮',
      department: 'presales',
      resources: '售前架构师 2 人周',
      due: '2026-12-06',
      checkpoint: '评审会后李主任书面同意推荐立项',
      status: 'planned',
    }),
    ...arrow('shape:r1', 'shape:ki1', 'shape:kdm', 'reports-to'),
    ...arrow('shape:r2', 'shape:ki2', 'shape:kdm', 'reports-to'),
    ...arrow('shape:r3', 'shape:ku1', 'shape:ki1', 'reports-to'),
    ...arrow('shape:r4', 'shape:ku2', 'shape:ki1', 'reports-to'),
    ...arrow('shape:r5', 'shape:b', 'shape:ki1', 'held-by'),
    ...arrow('shape:r6', 'shape:a', 'shape:b', 'targets'),
  ]
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
