import { describe, expect, it } from 'vitest'
import { derivePlan } from '../../shared/plan/derive.ts'
import { checkRecord } from '../../shared/schema.ts'
import { buildDemoAccount } from './demoAccount.ts'

describe('the demo account', () => {
  const today = new Date('2026-11-22T08:00:00Z')
  const { fields, records } = buildDemoAccount('管理员', today)

  it('is made of records the War Room schema accepts', () => {
    for (const record of records) {
      const check = checkRecord(record)
      expect(check.ok ? '' : `${String(record.id)}: ${check.error}`).toBe('')
    }
    const ids = records.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('draws twelve stakeholders in three factions, three blockers and six actions, related by arrows', () => {
    const plan = derivePlan({ account: fields, records }, { today: '2026-11-22' })
    expect(plan.stakeholders).toHaveLength(12)
    expect(Object.fromEntries(plan.factions.map((f) => [f.name, f.members.length]))).toEqual({
      数字化改革派: 4,
      稳健财务派: 4,
      信息中心旧体系派: 4,
    })
    expect(plan.blockers).toHaveLength(3)
    expect(plan.actions).toHaveLength(6)
    const kinds = plan.relations.map((r) => r.kind)
    for (const kind of ['reports-to', 'influences', 'targets', 'held-by'] as const) expect(kinds).toContain(kind)
    // Every arrow carries a relation the plan understood.
    expect(plan.relations).toHaveLength(records.filter((r) => r.typeName === 'shape' && r.type === 'arrow').length)
    expect(plan.account.owner).toBe('管理员')
  })

  it('has a few deliberate weak spots for the checks to point out, and nothing broken', () => {
    const plan = derivePlan({ account: fields, records }, { today: '2026-11-22' })
    const codes = plan.findings.map((f) => f.code).sort()
    expect(codes).toEqual(
      [
        'action.checkpoint.missing',
        'action.overdue',
        'action.owner.multiple',
        'action.resources.missing',
        'blocker.untargeted',
        // 孙立新 (KDM) has nobody of ours on him and no recorded contact.
        'chain.kdm.uncovered',
        'opponent.unaddressed',
        'stakeholder.contact.stale',
        'stakeholder.relationship.unknown',
      ].sort(),
    )
    expect(plan.metrics.healthScore).toBeGreaterThan(30)
    expect(plan.metrics.healthScore).toBeLessThan(90)
  })
})
