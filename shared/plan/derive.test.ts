import { createTLSchema } from '@tldraw/tlschema'
import * as prng from 'lib0/prng'
import { describe, expect, it, vi } from 'vitest'
import { inferRelation } from '../shapes/relations'
import { derivePlan } from './derive'
import { FINDING_CODES, type FindingCode, type PlanRecord, planRecordSchema } from './schema'
import {
  action,
  arrow,
  binding,
  blocker,
  faction,
  type GoodDocOptions,
  goodDoc,
  group,
  stakeholder,
  TODAY,
} from './testing/builders'

function plan(doc: { account: unknown; records: unknown }, today = TODAY): PlanRecord {
  const p = derivePlan(doc, { today })
  // Every plan derivePlan returns satisfies the shared schema the API and exports rely on.
  expect(planRecordSchema.safeParse(p).success).toBe(true)
  return p
}

function codes(p: PlanRecord): string[] {
  return p.findings.map((f) => f.code)
}

describe('the reference document', () => {
  it('has no findings and a high health score', () => {
    const p = plan(goodDoc())
    expect(p.findings).toEqual([])
    // Not 100: two of four people sit in no faction and no key person has a last-contact date.
    expect(p.metrics.healthScore).toBeGreaterThanOrEqual(80)
  })

  it('projects stakeholders, factions, blockers, actions and their relations', () => {
    const p = plan(goodDoc())
    const s = Object.fromEntries(p.stakeholders.map((x) => [x.id, x]))
    expect(s['shape:s2']).toMatchObject({ faction: 'shape:f1', reportsTo: ['shape:s1'], name: '李处' })
    expect(s['shape:s3']).toMatchObject({ faction: 'shape:f1', reportsTo: ['shape:s2'] })
    expect(s['shape:s1']!.faction).toBeNull()
    expect(s['shape:s4']!.targetedBy).toEqual(['shape:a2'])
    expect(p.factions).toEqual([
      {
        id: 'shape:f1',
        name: '技术派',
        stance: 'ally',
        leader: 'shape:s2',
        strategy: '以技术方案打动',
        members: ['shape:s2', 'shape:s3'],
      },
    ])
    expect(p.blockers[0]).toMatchObject({ id: 'shape:b1', heldBy: ['shape:s1'], targetedBy: ['shape:a1'] })
    expect(p.actions.map((a) => [a.id, a.targets, a.live, a.overdue])).toEqual([
      ['shape:a1', ['shape:b1'], true, false],
      ['shape:a2', ['shape:s4'], true, false],
    ])
    expect(p.relations).toEqual([
      { id: 'shape:r1', kind: 'reports-to', from: 'shape:s2', to: 'shape:s1' },
      { id: 'shape:r2', kind: 'reports-to', from: 'shape:s3', to: 'shape:s2' },
      { id: 'shape:r3', kind: 'held-by', from: 'shape:b1', to: 'shape:s1' },
      { id: 'shape:r4', kind: 'targets', from: 'shape:a1', to: 'shape:b1' },
      { id: 'shape:r5', kind: 'targets', from: 'shape:a2', to: 'shape:s4' },
    ])
    expect(p.account.name).toBe('华东电网')
    expect(p.asOf).toBe(TODAY)
  })

  it('counts the decision chain', () => {
    const m = plan(goodDoc()).metrics
    expect(m.counts).toEqual({ stakeholders: 4, factions: 1, blockers: 1, actions: 2, relations: 5 })
    expect(m.decisionChain).toEqual({
      kdm: 1,
      ki: 1,
      ku: 1,
      gatekeeper: 0,
      rolesPresent: { kdm: true, ki: true, ku: true },
      keyRelationshipCoverage: 1,
      champions: 1,
      supporters: 1,
      opponents: 1,
      unaffiliated: 2,
    })
    expect(m.openBlockers).toBe(1)
    expect(m.untargetedBlockers).toBe(0)
    expect(m.liveActions).toBe(2)
    expect(m.overdueActions).toBe(0)
  })

  it('uses tldraw 5.4 arrow bindings as tldraw itself validates them', () => {
    const schema = createTLSchema()
    const record = binding('binding:x', 'shape:arrow', 'shape:target', 'end')
    expect(() => schema.types.binding.validate(record)).not.toThrow()
  })
})

interface Case {
  code: FindingCode
  broken: GoodDocOptions & { records?: (records: Record<string, unknown>[]) => Record<string, unknown>[] }
  fixed: GoodDocOptions
  severity: 'error' | 'warning' | 'info'
  shapeId?: string
  field?: string
}

const cases: Case[] = [
  {
    code: 'account.owner.missing',
    broken: { account: { owner: '' } },
    fixed: { account: { owner: '张三' } },
    severity: 'error',
    field: 'owner',
  },
  {
    code: 'account.owner.missing',
    broken: { account: { owner: '待定' } },
    fixed: { account: { owner: '王五' } },
    severity: 'error',
    field: 'owner',
  },
  {
    code: 'account.owner.multiple',
    broken: { account: { owner: '张三、李四' } },
    fixed: { account: { owner: '张三' } },
    severity: 'error',
    field: 'owner',
  },
  {
    code: 'account.tier.missing',
    broken: { account: { tier: '' } },
    fixed: { account: { tier: 'opportunity' } },
    severity: 'warning',
    field: 'tier',
  },
  {
    code: 'account.goal.incomplete',
    broken: { account: { target: ' ' } },
    fixed: { account: { target: '1 亿元' } },
    severity: 'error',
    field: 'target',
  },
  {
    code: 'account.goal.incomplete',
    broken: { account: { deadline: '' } },
    fixed: { account: { deadline: '2027-01-31' } },
    severity: 'error',
    field: 'deadline',
  },
  {
    code: 'account.window.missing',
    broken: { account: { tier: 'breakthrough', window: '' } },
    fixed: { account: { tier: 'breakthrough', window: '2027-03-31' } },
    severity: 'warning',
    field: 'window',
  },
  {
    code: 'account.field.invalid',
    broken: { account: { closeness: 9 } },
    fixed: { account: { closeness: 5 } },
    severity: 'warning',
    field: 'closeness',
  },
  {
    code: 'chain.kdm.missing',
    broken: { stakeholders: { 'shape:s1': { role: 'ki' } } },
    fixed: { stakeholders: { 'shape:s1': { role: 'kdm' } } },
    severity: 'error',
  },
  {
    code: 'stakeholder.relationship.unknown',
    broken: { stakeholders: { 'shape:s1': { relationship: 'unknown' } } },
    fixed: { stakeholders: { 'shape:s1': { relationship: 'cr4', influence: 'low' } } },
    severity: 'warning',
    shapeId: 'shape:s1',
    field: 'relationship',
  },
  {
    code: 'stakeholder.relationship.unknown',
    broken: { stakeholders: { 'shape:s2': { relationship: 'unknown' } } },
    fixed: { stakeholders: { 'shape:s2': { relationship: 'cr2' } } },
    severity: 'warning',
    shapeId: 'shape:s2',
    field: 'relationship',
  },
  {
    code: 'chain.kdm.uncovered',
    broken: { stakeholders: { 'shape:s1': { contact: '待定' } } },
    fixed: { stakeholders: { 'shape:s1': { contact: '张三、李四' } } },
    severity: 'warning',
    shapeId: 'shape:s1',
    field: 'contact',
  },
  {
    code: 'stakeholder.contact.stale',
    // TODAY is 2026-11-22: 46 days after 2026-10-07, 45 after 2026-10-08.
    broken: { stakeholders: { 'shape:s2': { lastContact: '2026-10-07' } } },
    fixed: { stakeholders: { 'shape:s2': { lastContact: '2026-10-08' } } },
    severity: 'warning',
    shapeId: 'shape:s2',
    field: 'lastContact',
  },
  {
    code: 'stakeholder.contact.stale',
    broken: { stakeholders: { 'shape:s1': { lastContact: '' } } },
    fixed: {
      stakeholders: {
        'shape:s1': { lastContact: TODAY, role: 'ku' },
        'shape:s4': { role: 'kdm', contact: '王五', lastContact: TODAY },
      },
    },
    severity: 'warning',
    shapeId: 'shape:s1',
    field: 'lastContact',
  },
  {
    code: 'champion.missing',
    broken: { stakeholders: { 'shape:s2': { champion: false } } },
    fixed: { stakeholders: { 'shape:s2': { champion: false }, 'shape:s3': { champion: true } } },
    severity: 'warning',
  },
  {
    code: 'opponent.unaddressed',
    broken: { actions: { 'shape:a2': { status: 'done' } } },
    fixed: { actions: { 'shape:a2': { status: 'in-progress' } } },
    severity: 'warning',
    shapeId: 'shape:s4',
  },
  {
    code: 'opponent.unaddressed',
    broken: { stakeholders: { 'shape:s1': { relationship: 'cr4' } } },
    fixed: { stakeholders: { 'shape:s1': { relationship: 'cr4', influence: 'medium' } } },
    severity: 'warning',
    shapeId: 'shape:s1',
  },
  {
    code: 'blocker.untargeted',
    broken: { actions: { 'shape:a1': { status: 'dropped' } } },
    fixed: { actions: { 'shape:a1': { status: 'planned' } } },
    severity: 'error',
    shapeId: 'shape:b1',
  },
  {
    code: 'blocker.untargeted',
    broken: {
      actions: { 'shape:a1': { status: 'done' } },
      blockers: { 'shape:b1': { severity: 'low', status: 'attacking' } },
    },
    fixed: {
      actions: { 'shape:a1': { status: 'done' } },
      blockers: { 'shape:b1': { severity: 'low', status: 'cleared' } },
    },
    severity: 'warning',
    shapeId: 'shape:b1',
  },
  {
    code: 'action.untargeted',
    broken: {
      extra: [
        action('shape:a3', {
          title: '请客户吃饭',
          owner: '王五',
          resources: '招待费',
          due: '2026-12-01',
          checkpoint: '约到处长',
        }),
      ],
    },
    fixed: {
      extra: [
        action('shape:a3', {
          title: '请客户吃饭',
          owner: '王五',
          resources: '招待费',
          due: '2026-12-01',
          checkpoint: '约到处长',
        }),
        ...arrow('shape:r9', 'shape:a3', 'shape:s3'),
      ],
    },
    severity: 'warning',
    shapeId: 'shape:a3',
  },
  {
    code: 'action.owner.missing',
    broken: { actions: { 'shape:a1': { owner: '' } } },
    fixed: { actions: { 'shape:a1': { owner: '王五' } } },
    severity: 'error',
    shapeId: 'shape:a1',
    field: 'owner',
  },
  {
    code: 'action.owner.multiple',
    broken: { actions: { 'shape:a1': { owner: 'Alice and Bob' } } },
    fixed: { actions: { 'shape:a1': { owner: 'Alice Anderson' } } },
    severity: 'error',
    shapeId: 'shape:a1',
    field: 'owner',
  },
  {
    code: 'action.resources.missing',
    broken: { actions: { 'shape:a1': { resources: '' } } },
    fixed: { actions: { 'shape:a1': { resources: '销售总监授权报价' } } },
    severity: 'warning',
    shapeId: 'shape:a1',
    field: 'resources',
  },
  {
    code: 'action.due.missing',
    broken: { actions: { 'shape:a1': { due: '' } } },
    fixed: { actions: { 'shape:a1': { due: '2026-11-30' } } },
    severity: 'warning',
    shapeId: 'shape:a1',
    field: 'due',
  },
  {
    code: 'action.checkpoint.missing',
    broken: { actions: { 'shape:a2': { checkpoint: '\n' } } },
    fixed: { actions: { 'shape:a2': { checkpoint: '一周内拿到会议纪要' } } },
    severity: 'warning',
    shapeId: 'shape:a2',
    field: 'checkpoint',
  },
  {
    code: 'action.overdue',
    broken: { actions: { 'shape:a1': { due: '2026-11-21' } } },
    fixed: { actions: { 'shape:a1': { due: TODAY } } },
    severity: 'error',
    shapeId: 'shape:a1',
    field: 'due',
  },
  {
    code: 'record.invalid',
    broken: { stakeholders: { 'shape:s3': { role: 'boss' as never } } },
    fixed: { stakeholders: { 'shape:s3': { role: 'gatekeeper' } } },
    severity: 'warning',
    shapeId: 'shape:s3',
    field: 'role',
  },
  {
    code: 'relation.invalid',
    broken: { extra: [...arrow('shape:r9', 'shape:a2', 'shape:s3', 'reports-to')] },
    fixed: { extra: [...arrow('shape:r9', 'shape:a2', 'shape:s3', 'targets')] },
    severity: 'info',
    shapeId: 'shape:r9',
    field: 'meta.relation',
  },
]

describe('each finding code: a document that triggers exactly it, and its fixed twin', () => {
  it.each(cases.map((c, i) => [`${c.code} #${i}`, c] as const))('%s', (_name, c) => {
    const broken = plan(goodDoc(c.broken))
    expect(codes(broken)).toEqual([c.code])
    const finding = broken.findings[0]!
    expect(finding.severity).toBe(c.severity)
    expect(finding.shapeId).toBe(c.shapeId)
    expect(finding.field).toBe(c.field)
    expect(finding.message.zh).toMatch(/[\u4e00-\u9fff]/)
    expect(finding.message.en).toMatch(/^[\x20-\x7e“”’…\u4e00-\u9fff（）、，]+$/)
    const fixed = plan(goodDoc(c.fixed))
    expect(fixed.findings).toEqual([])
    // Notes (info) are advice and do not lower the score; every other finding does.
    if (c.severity === 'info') expect(broken.metrics.healthScore).toBe(fixed.metrics.healthScore)
    else expect(broken.metrics.healthScore).toBeLessThan(fixed.metrics.healthScore)
  })

  it('covers every code in the table (plan.derivation.failed is the internal safety net)', () => {
    const covered = new Set(cases.map((c) => c.code))
    expect(FINDING_CODES.filter((c) => !covered.has(c))).toEqual(['plan.derivation.failed'])
  })
})

describe('live and overdue actions', () => {
  it.each(['done', 'failed', 'dropped'] as const)(
    'a %s action past its due date is not overdue and is not checked',
    (status) => {
      const p = plan(
        goodDoc({
          extra: [
            action('shape:a3', { title: '旧行动', status, due: '2026-01-01' }),
            ...arrow('shape:r9', 'shape:a3', 'shape:b1'),
          ],
        }),
      )
      expect(p.findings).toEqual([])
      expect(p.actions.find((a) => a.id === 'shape:a3')).toMatchObject({ live: false, overdue: false })
    },
  )

  it('an in-progress action due yesterday is overdue; the clock is injected', () => {
    const doc = goodDoc({ actions: { 'shape:a1': { due: '2026-12-15', status: 'in-progress' } } })
    expect(plan(doc, '2026-12-15').metrics.overdueActions).toBe(0)
    expect(plan(doc, '2026-12-16').metrics.overdueActions).toBe(1)
    expect(codes(plan(doc, '2026-12-16'))).toEqual(['action.overdue'])
  })

  it('an invalid clock reports nothing as overdue instead of throwing', () => {
    const doc = goodDoc({ actions: { 'shape:a1': { due: '2000-01-01' } } })
    const p = plan(doc, 'yesterday')
    expect(p.findings).toEqual([])
    expect(p.asOf).toBe('')
  })

  it('a blocker targeted only by a finished action is untargeted', () => {
    const p = plan(goodDoc({ actions: { 'shape:a1': { status: 'failed' } } }))
    expect(codes(p)).toEqual(['blocker.untargeted'])
    expect(p.blockers[0]!.targetedBy).toEqual(['shape:a1'])
  })
})

describe('relations', () => {
  function only(records: Record<string, unknown>[]) {
    return plan({ account: {}, records })
  }

  it('reads meta.relation "influences" between stakeholders', () => {
    const p = only([
      stakeholder('shape:x'),
      stakeholder('shape:y'),
      ...arrow('shape:r', 'shape:x', 'shape:y', 'influences'),
    ])
    expect(p.relations).toEqual([{ id: 'shape:r', kind: 'influences', from: 'shape:x', to: 'shape:y' }])
    expect(p.stakeholders[0]).toMatchObject({ influences: ['shape:y'], reportsTo: [] })
  })

  it('derives relations from the end types when meta.relation is absent', () => {
    const p = only([
      stakeholder('shape:s'),
      blocker('shape:b'),
      action('shape:a'),
      ...arrow('shape:r1', 'shape:a', 'shape:b'),
      ...arrow('shape:r2', 'shape:b', 'shape:s'),
      ...arrow('shape:r3', 'shape:a', 'shape:s'),
    ])
    expect(p.relations).toEqual([
      { id: 'shape:r1', kind: 'targets', from: 'shape:a', to: 'shape:b' },
      { id: 'shape:r2', kind: 'held-by', from: 'shape:b', to: 'shape:s' },
      { id: 'shape:r3', kind: 'targets', from: 'shape:a', to: 'shape:s' },
    ])
  })

  it('arrows drawn the other way are plain arrows, as on the canvas', () => {
    const p = only([
      stakeholder('shape:s'),
      blocker('shape:b'),
      action('shape:a'),
      ...arrow('shape:r1', 'shape:b', 'shape:a'),
      ...arrow('shape:r2', 'shape:s', 'shape:b'),
      ...arrow('shape:r3', 'shape:s', 'shape:a'),
    ])
    expect(p.relations).toEqual([])
    expect(codes(p)).not.toContain('relation.invalid')
  })

  it('agrees with the canvas rule (shared/shapes/relations.ts) for every pair of ends', () => {
    const types = ['stakeholder', 'faction', 'blocker', 'action'] as const
    const builders = { stakeholder, faction, blocker, action }
    for (const from of types) {
      for (const to of types) {
        for (const declared of [undefined, 'reports-to', 'influences', 'targets', 'held-by']) {
          const p = only([
            builders[from]('shape:x'),
            builders[to]('shape:y'),
            ...arrow('shape:r', 'shape:x', 'shape:y', declared),
          ])
          expect({ from, to, declared, kind: p.relations[0]?.kind }).toEqual({
            from,
            to,
            declared,
            kind: inferRelation(from, to, declared),
          })
        }
      }
    }
  })

  it('ignores plain arrows, loose ends and self-loops, and duplicate arrows count once', () => {
    const p = only([
      stakeholder('shape:s'),
      stakeholder('shape:t'),
      faction('shape:f'),
      ...arrow('shape:r1', 'shape:s', undefined),
      ...arrow('shape:r2', 'shape:s', 'shape:s'),
      ...arrow('shape:r3', 'shape:f', 'shape:s'),
      ...arrow('shape:r4', 'shape:s', 'shape:t'),
      ...arrow('shape:r5', 'shape:s', 'shape:t'),
    ])
    expect(p.relations).toEqual([{ id: 'shape:r4', kind: 'reports-to', from: 'shape:s', to: 'shape:t' }])
    expect(p.stakeholders[0]!.reportsTo).toEqual(['shape:t'])
    expect(codes(p)).not.toContain('relation.invalid')
  })

  it('reports a declared relation the ends cannot carry, and an unknown relation kind', () => {
    const p = only([
      stakeholder('shape:s'),
      faction('shape:f'),
      ...arrow('shape:r1', 'shape:f', 'shape:s', 'held-by'),
      ...arrow('shape:r2', 'shape:s', undefined, 'likes'),
    ])
    const invalid = p.findings.filter((f) => f.code === 'relation.invalid')
    expect(invalid.map((f) => f.shapeId)).toEqual(['shape:r1', 'shape:r2'])
    expect(invalid[1]!.message.en).toContain('likes')
    expect(p.relations).toEqual([])
  })

  it('finds faction membership through groups, and not through a cycle of parents', () => {
    const p = only([
      faction('shape:f'),
      group('shape:g', 'shape:f'),
      stakeholder('shape:in', {}, 'shape:g'),
      group('shape:c1', 'shape:c2'),
      group('shape:c2', 'shape:c1'),
      stakeholder('shape:lost', {}, 'shape:c1'),
    ])
    expect(p.factions[0]!.members).toEqual(['shape:in'])
    expect(p.stakeholders.find((s) => s.id === 'shape:lost')!.faction).toBeNull()
  })

  it('keeps a faction leader only when it names a stakeholder', () => {
    const p = only([
      faction('shape:f', { leader: 'shape:nobody' }),
      faction('shape:g', { leader: 'shape:s' }),
      stakeholder('shape:s'),
    ])
    expect(p.factions.map((f) => f.leader)).toEqual([null, 'shape:s'])
  })

  it('a later record with the same id replaces the earlier one', () => {
    const p = only([stakeholder('shape:s', { name: '旧名' }), stakeholder('shape:s', { name: '新名' })])
    expect(p.stakeholders.map((s) => s.name)).toEqual(['新名'])
  })

  it('ignores non-plan records such as pages, documents and cameras', () => {
    const p = only([
      { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
      { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
      { id: 'camera:page:page', typeName: 'camera', x: 0, y: 0, z: 1, meta: {} },
      { id: 'shape:geo', typeName: 'shape', type: 'geo', parentId: 'page:page', props: {} },
    ])
    expect(codes(p)).toEqual([
      'account.owner.missing',
      'account.goal.incomplete',
      'chain.kdm.missing',
      'account.tier.missing',
      'champion.missing',
    ])
  })
})

describe('invalid records become findings', () => {
  it('a shape with several bad props keeps its good ones and is reported once', () => {
    const p = plan({
      account: {},
      records: [stakeholder('shape:s', { name: '王总', role: 'boss' as never, champion: 'yes' as never })],
    })
    const f = p.findings.filter((x) => x.code === 'record.invalid')
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ shapeId: 'shape:s', field: 'role' })
    expect(f[0]!.message.en).toContain('role, champion')
    expect(p.stakeholders[0]).toMatchObject({ name: '王总', role: 'other', champion: false })
  })

  it('a shape without props, a bad binding and unreadable entries are reported', () => {
    const p = plan({
      account: 'not an object',
      records: [
        { id: 'shape:x', typeName: 'shape', type: 'action' },
        { id: 'binding:b', typeName: 'binding', type: 'arrow', fromId: 'shape:x', toId: 7, props: {} },
        null,
        'text',
        { typeName: 'shape' },
      ],
    })
    const invalid = p.findings.filter((f) => f.code === 'record.invalid')
    expect(invalid.map((f) => f.shapeId ?? null).sort()).toEqual([null, 'shape:x', 'shape:x'].sort())
    expect(p.findings.some((f) => f.code === 'account.field.invalid')).toBe(true)
    expect(p.findings.find((f) => !f.shapeId && f.code === 'record.invalid')!.message.en).toContain(
      '3 records could not be read',
    )
  })

  it("a damaged war-room shape is left out and reported; a damaged plain shape is not the plan's business", () => {
    const p = plan({
      account: {},
      records: [
        { id: 'shape:s', typeName: 'shape', type: 'stakeholder', props: {} },
        { id: 'shape:g', typeName: 'shape', type: 'geo' },
      ],
    })
    expect(p.findings.filter((f) => f.code === 'record.invalid').map((f) => [f.shapeId, f.field])).toEqual([
      ['shape:s', 'parentId'],
    ])
    expect(p.stakeholders).toEqual([])
  })

  it('records that are not an array are reported, not thrown', () => {
    const p = plan({ account: {}, records: { length: 3 } })
    expect(codes(p)).toContain('record.invalid')
  })
})

describe('a bug inside the derivation', () => {
  it('is told to the caller, who logs it, and still yields a plan that says it failed', () => {
    const bug = new Error('boom')
    const hostile = {
      get account(): unknown {
        throw bug
      },
      records: [],
    }
    const told: unknown[] = []
    const p = derivePlan(hostile, { today: TODAY, onError: (e) => told.push(e) })
    expect(told).toEqual([bug])
    expect(codes(p)).toEqual(['plan.derivation.failed'])
    expect(p.metrics.healthScore).toBe(0)
  })

  it('goes to console.error when the caller gave no onError, never silently', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      derivePlan(
        {
          get account(): unknown {
            throw new Error('boom')
          },
          records: [],
        },
        { today: TODAY },
      )
      expect(spy).toHaveBeenCalledWith(expect.stringContaining('derivePlan failed'), expect.any(Error))
    } finally {
      spy.mockRestore()
    }
  })
})

describe('health score', () => {
  it('an empty canvas scores zero (the ordering on real maps: tests/unit/healthScore.test.ts)', () => {
    const p = plan({ account: {}, records: [] })
    expect(p.metrics.healthScore).toBe(0)
  })
})

/** A seeded generator (lib0/prng) so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  const gen = prng.create(seed)
  return () => prng.real53(gen)
}

describe('derivePlan never throws on garbage', () => {
  const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const ids = ['shape:a', 'shape:b', 'shape:c', 'shape:d', 'binding:e', 'page:page', '__proto__', 'constructor', '']
  function garbage(r: () => number, depth: number): unknown {
    const kind = Math.floor(r() * (depth > 2 ? 6 : 9))
    switch (kind) {
      case 0:
        return null
      case 1:
        return undefined
      case 2:
        return Math.floor(r() * 2000) - 1000
      case 3:
        return pick(r, [
          '',
          'kdm',
          'cr5',
          'planned',
          '2026-02-30',
          '2026-11-01',
          '张三、李四',
          '=cmd',
          NaN,
          Infinity,
          true,
        ])
      case 4:
        return pick(r, ids)
      case 5:
        return r() < 0.5
      case 6:
        return Array.from({ length: Math.floor(r() * 4) }, () => garbage(r, depth + 1))
      default: {
        const o: Record<string, unknown> = {}
        const keys = [
          'id',
          'typeName',
          'type',
          'parentId',
          'props',
          'meta',
          'fromId',
          'toId',
          'relation',
          'terminal',
          'name',
          'role',
          'owner',
          'due',
          'status',
          'relationship',
          'champion',
        ]
        for (let i = Math.floor(r() * 6); i > 0; i--) o[pick(r, keys)] = garbage(r, depth + 1)
        return o
      }
    }
  }
  function mutatedRecord(r: () => number): unknown {
    // Valid-looking records with one part replaced by garbage reach deeper code paths.
    const base = pick(r, [
      stakeholder(pick(r, ids)),
      action(pick(r, ids)),
      blocker(pick(r, ids)),
      faction(pick(r, ids), {}, pick(r, ids)),
      ...arrow('shape:z', pick(r, ids), pick(r, ids), garbage(r, 2)),
    ]) as Record<string, unknown>
    const copy: Record<string, unknown> = { ...base, props: { ...(base.props as object) } }
    const target = r() < 0.5 ? copy : (copy.props as Record<string, unknown>)
    target[
      pick(r, [
        'id',
        'typeName',
        'type',
        'parentId',
        'props',
        'meta',
        'name',
        'role',
        'owner',
        'terminal',
        'due',
        'toId',
      ])
    ] = garbage(r, 1)
    return copy
  }

  it('for 500 seeded random documents', { timeout: 30_000 }, () => {
    const r = rng(20261122)
    for (let i = 0; i < 500; i++) {
      const records = Array.from({ length: Math.floor(r() * 30) }, () => (r() < 0.5 ? mutatedRecord(r) : garbage(r, 0)))
      const input =
        r() < 0.1
          ? garbage(r, 0)
          : { account: r() < 0.5 ? garbage(r, 0) : { owner: garbage(r, 1), competitors: garbage(r, 1) }, records }
      const bugs: unknown[] = []
      const p = derivePlan(input as never, { today: TODAY, onError: (e) => bugs.push(e) })
      // Garbage becomes findings; the safety net (plan.derivation.failed) is for bugs only.
      expect(bugs).toEqual([])
      expect(planRecordSchema.safeParse(p).success).toBe(true)
      // What the API serves and the server stores is the same record after a JSON round trip.
      expect(JSON.parse(JSON.stringify(p))).toEqual(p)
      expect(codes(p)).not.toContain('plan.derivation.failed')
    }
  })

  it('even for a hostile input object whose getters throw', () => {
    const hostile = {
      get account(): unknown {
        throw new Error('boom')
      },
      records: [],
    }
    const p = derivePlan(hostile, { today: TODAY, onError: () => {} })
    expect(codes(p)).toEqual(['plan.derivation.failed'])
    expect(planRecordSchema.safeParse(p).success).toBe(true)
  })
})
