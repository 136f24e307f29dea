import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { derivePlan } from '../plan/derive'
import type { PlanRecord } from '../plan/schema'
import { action, blocker, faction, goodDoc, PAGE_ID, stakeholder, TODAY } from '../plan/testing/builders'
import { diffPlans } from './diff'
import { CHANGE_CODES, type Change, type ChangeCode } from './types'

type Rec = Record<string, unknown>
interface Doc {
  account: Rec
  records: Rec[]
}

function fresh(): Doc {
  return structuredClone(goodDoc()) as unknown as Doc
}

function plan(doc: Doc, today = TODAY): PlanRecord {
  return derivePlan(doc, { today })
}

function rec(doc: Doc, id: string): Rec {
  const r = doc.records.find((x) => x.id === id)
  if (!r) throw new Error(`no record ${id}`)
  return r
}

function props(doc: Doc, id: string): Rec {
  return rec(doc, id).props as Rec
}

function remove(doc: Doc, id: string) {
  doc.records = doc.records.filter((r) => r.id !== id)
}

/** The diff of the reference document against the same document after `edit`. */
function diffAfter(edit: (doc: Doc) => void, untilToday = TODAY) {
  const before = fresh()
  const after = fresh()
  edit(after)
  return diffPlans(plan(before), plan(after, untilToday))
}

const brief = (c: Change) => [c.code, c.id, ...(c.finding ? [c.finding.code] : [])]

describe('diffPlans', () => {
  it('finds nothing between a document and its twin', () => {
    const d = diffPlans(plan(fresh()), plan(fresh()))
    expect(d.changes).toEqual([])
    expect(d.summary).toEqual({
      blockersOpened: 0,
      blockersCleared: 0,
      actionsDone: 0,
      actionsFailed: 0,
      actionsOverdue: 0,
      relationshipsImproved: 0,
      relationshipsWorsened: 0,
      findingsAdded: 0,
      findingsResolved: 0,
      stage: { from: 'P3', to: 'P3' },
      score: { from: plan(fresh()).metrics.healthScore, to: plan(fresh()).metrics.healthScore },
    })
  })

  it('finds nothing when shapes were only moved, resized, rotated or reordered', () => {
    const d = diffAfter((doc) => {
      for (const r of doc.records) {
        if (r.typeName !== 'shape') continue
        r.x = (r.x as number) + 137
        r.y = (r.y as number) - 42
        r.rotation = 0.3
        r.index = 'a9'
        const p = r.props as Rec
        if (typeof p.w === 'number') p.w = (p.w as number) * 2
        if (typeof p.h === 'number') p.h = (p.h as number) + 55
      }
      // Records in another order (the document is a log; ids decide).
      doc.records.reverse()
    })
    expect(d.changes).toEqual([])
  })

  const cases: { code: ChangeCode; edit: (doc: Doc) => void; today?: string; expected: string[][] }[] = [
    {
      code: 'account.stage.changed',
      edit: (d) => (d.account.stage = 'P4'),
      expected: [['account.stage.changed', 'stage']],
    },
    {
      code: 'account.tier.changed',
      edit: (d) => (d.account.tier = 'opportunity'),
      expected: [['account.tier.changed', 'tier']],
    },
    {
      code: 'account.owner.changed',
      edit: (d) => (d.account.owner = '李四'),
      expected: [['account.owner.changed', 'owner']],
    },
    {
      code: 'account.goal.changed',
      edit: (d) => (d.account.goal = '拿下 2027 年全省调度系统'),
      expected: [['account.goal.changed', 'goal']],
    },
    {
      code: 'stakeholder.added',
      edit: (d) => d.records.push(stakeholder('shape:s9', { name: '钱科长' })),
      expected: [['stakeholder.added', 'shape:s9']],
    },
    {
      code: 'stakeholder.removed',
      edit: (d) => remove(d, 'shape:s3'),
      expected: [['stakeholder.removed', 'shape:s3']],
    },
    {
      code: 'stakeholder.renamed',
      edit: (d) => (props(d, 'shape:s3').name = '赵高工'),
      expected: [['stakeholder.renamed', 'shape:s3']],
    },
    {
      code: 'stakeholder.relationship.changed',
      edit: (d) => (props(d, 'shape:s1').relationship = 'cr2'),
      expected: [['stakeholder.relationship.changed', 'shape:s1']],
    },
    {
      code: 'stakeholder.role.changed',
      edit: (d) => (props(d, 'shape:s3').role = 'gatekeeper'),
      expected: [['stakeholder.role.changed', 'shape:s3']],
    },
    {
      code: 'stakeholder.influence.changed',
      edit: (d) => (props(d, 'shape:s3').influence = 'low'),
      expected: [['stakeholder.influence.changed', 'shape:s3']],
    },
    {
      code: 'stakeholder.champion.changed',
      edit: (d) => (props(d, 'shape:s3').champion = true),
      expected: [['stakeholder.champion.changed', 'shape:s3']],
    },
    {
      code: 'stakeholder.faction.changed',
      edit: (d) => (rec(d, 'shape:s1').parentId = 'shape:f1'),
      expected: [['stakeholder.faction.changed', 'shape:s1']],
    },
    {
      code: 'faction.added',
      edit: (d) => d.records.push(faction('shape:f9', { name: '财务派' })),
      expected: [['faction.added', 'shape:f9']],
    },
    {
      code: 'faction.removed',
      // Its members are left in no faction.
      edit: (d) => remove(d, 'shape:f1'),
      expected: [
        ['stakeholder.faction.changed', 'shape:s2'],
        ['stakeholder.faction.changed', 'shape:s3'],
        ['faction.removed', 'shape:f1'],
      ],
    },
    {
      code: 'faction.renamed',
      edit: (d) => (props(d, 'shape:f1').name = '改革派'),
      expected: [['faction.renamed', 'shape:f1']],
    },
    {
      code: 'faction.stance.changed',
      edit: (d) => (props(d, 'shape:f1').stance = 'hostile'),
      expected: [['faction.stance.changed', 'shape:f1']],
    },
    {
      code: 'blocker.added',
      edit: (d) => d.records.push(blocker('shape:b9', { title: '技术标准不认可', severity: 'medium' })),
      expected: [
        ['blocker.added', 'shape:b9'],
        ['finding.added', 'shape:b9', 'blocker.untargeted'],
      ],
    },
    {
      code: 'blocker.removed',
      edit: (d) => remove(d, 'shape:b1'),
      expected: [
        ['blocker.removed', 'shape:b1'],
        ['finding.added', 'shape:a1', 'action.untargeted'],
      ],
    },
    {
      code: 'blocker.renamed',
      edit: (d) => (props(d, 'shape:b1').title = '预算未批'),
      expected: [['blocker.renamed', 'shape:b1']],
    },
    {
      code: 'blocker.status.changed',
      edit: (d) => (props(d, 'shape:b1').status = 'cleared'),
      expected: [['blocker.status.changed', 'shape:b1']],
    },
    {
      code: 'blocker.severity.changed',
      edit: (d) => (props(d, 'shape:b1').severity = 'medium'),
      expected: [['blocker.severity.changed', 'shape:b1']],
    },
    {
      code: 'action.added',
      edit: (d) => d.records.push(action('shape:a9', { title: '上月的参观', status: 'done' })),
      expected: [['action.added', 'shape:a9']],
    },
    {
      code: 'action.removed',
      edit: (d) => remove(d, 'shape:a2'),
      expected: [
        ['action.removed', 'shape:a2'],
        ['finding.added', 'shape:s4', 'opponent.unaddressed'],
      ],
    },
    {
      code: 'action.renamed',
      edit: (d) => (props(d, 'shape:a2').title = '技术交流会'),
      expected: [['action.renamed', 'shape:a2']],
    },
    {
      code: 'action.status.changed',
      edit: (d) => (props(d, 'shape:a1').status = 'done'),
      // Nothing live aims at the blocker any more.
      expected: [
        ['action.status.changed', 'shape:a1'],
        ['finding.added', 'shape:b1', 'blocker.untargeted'],
      ],
    },
    {
      code: 'action.due.changed',
      edit: (d) => (props(d, 'shape:a1').due = '2026-12-31'),
      expected: [['action.due.changed', 'shape:a1']],
    },
    {
      code: 'action.owner.changed',
      edit: (d) => (props(d, 'shape:a1').owner = '王五'),
      expected: [['action.owner.changed', 'shape:a1']],
    },
    {
      code: 'action.overdue',
      // Nothing was edited: a month went by (a1 was due 2026-12-15).
      edit: () => {},
      today: '2026-12-16',
      expected: [['action.overdue', 'shape:a1']],
    },
    {
      code: 'finding.added',
      edit: (d) => (props(d, 'shape:a2').resources = ''),
      expected: [['finding.added', 'shape:a2', 'action.resources.missing']],
    },
  ]

  for (const c of cases) {
    it(`reports ${c.code}`, () => {
      const d = diffAfter(c.edit, c.today)
      expect(d.changes.map(brief)).toEqual(c.expected)
      for (const change of d.changes) {
        expect(change.message.zh).not.toBe('')
        expect(change.message.en).not.toBe('')
      }
    })
  }

  it('reports finding.resolved', () => {
    const before = fresh()
    props(before, 'shape:a2').resources = ''
    const d = diffPlans(plan(before), plan(fresh()))
    expect(d.changes.map(brief)).toEqual([['finding.resolved', 'shape:a2', 'action.resources.missing']])
    expect(d.summary.findingsResolved).toBe(1)
    expect(d.summary.score.to).toBe(plan(fresh()).metrics.healthScore)
    expect(d.summary.score.from).toBeLessThan(d.summary.score.to)
  })

  it('has a test for every code', () => {
    const covered = new Set<string>([...cases.map((c) => c.code), 'finding.resolved'])
    expect([...CHANGE_CODES].filter((c) => !covered.has(c))).toEqual([])
  })

  it('carries values, names and messages the meeting can read', () => {
    const d = diffAfter((doc) => {
      props(doc, 'shape:s1').relationship = 'cr2'
      rec(doc, 'shape:s1').parentId = 'shape:f1'
      props(doc, 'shape:b1').status = 'cleared'
    })
    const [rel, fac] = d.changes.filter((c) => c.id === 'shape:s1')
    expect(rel).toMatchObject({ entity: 'stakeholder', name: '王总', from: 'cr3', to: 'cr2' })
    expect(rel!.message).toEqual({
      zh: '「王总」客户关系：CR3 中立者 → CR2 友善者',
      en: '“王总” relationship: CR3 Neutral → CR2 Friendly',
    })
    expect(fac).toMatchObject({ from: null, to: 'shape:f1', fromName: '', toName: '技术派' })
    const cleared = d.changes.find((c) => c.code === 'blocker.status.changed')!
    expect(cleared).toMatchObject({ from: 'open', to: 'cleared', name: '预算未立项' })
    expect(cleared.message.zh).toContain('已突破')
  })

  it('lists a removed shape under its old name', () => {
    const d = diffAfter((doc) => remove(doc, 'shape:s3'))
    expect(d.changes[0]).toMatchObject({ code: 'stakeholder.removed', name: '赵工' })
  })

  it('does not call findings about a removed shape resolved', () => {
    const before = fresh()
    props(before, 'shape:a2').resources = ''
    const after = fresh()
    remove(after, 'shape:a2')
    const d = diffPlans(plan(before), plan(after))
    // Only the removal, and what it left unaddressed; not "resources missing: resolved".
    expect(d.changes.map(brief)).toEqual([
      ['action.removed', 'shape:a2'],
      ['finding.added', 'shape:s4', 'opponent.unaddressed'],
    ])
  })

  it('counts the summary the meeting reads first', () => {
    const d = diffAfter((doc) => {
      doc.account.stage = 'P4'
      props(doc, 'shape:b1').status = 'cleared'
      props(doc, 'shape:a1').status = 'done'
      props(doc, 'shape:a2').status = 'failed'
      props(doc, 'shape:s1').relationship = 'cr2' // better
      props(doc, 'shape:s4').relationship = 'cr4' // better
      props(doc, 'shape:s2').relationship = 'cr3' // worse
      props(doc, 'shape:s3').relationship = 'cr2' // from unknown: neither
      doc.records.push(blocker('shape:b9', { title: '新卡点' }))
      doc.records.push(blocker('shape:b8', { title: '已解决的新卡点', status: 'cleared' }))
      doc.records.push(action('shape:a9', { title: '补充调研', owner: '张三', due: '2026-12-01', status: 'planned' }))
    }, '2026-12-10')
    expect(d.summary).toMatchObject({
      blockersOpened: 1,
      blockersCleared: 1,
      actionsDone: 1,
      actionsFailed: 1,
      actionsOverdue: 1,
      relationshipsImproved: 2,
      relationshipsWorsened: 1,
      stage: { from: 'P3', to: 'P4' },
      score: { from: plan(fresh()).metrics.healthScore },
    })
    expect(d.summary.score.to).toBeLessThan(d.summary.score.from)
    // A blocker cleared then reopened counts as opened.
    const reopened = diffPlans(plan(fresh()), plan(fresh()))
    expect(reopened.summary.blockersOpened).toBe(0)
    const was = fresh()
    props(was, 'shape:b1').status = 'cleared'
    expect(diffPlans(plan(was), plan(fresh())).summary).toMatchObject({ blockersOpened: 1, blockersCleared: 0 })
  })

  it('is the same whatever order the document was written in', () => {
    const edit = (doc: Doc) => {
      props(doc, 'shape:s1').relationship = 'cr1'
      remove(doc, 'shape:a2')
      doc.records.push(stakeholder('shape:s0', { name: '新人' }))
    }
    const a = diffAfter(edit)
    const b = diffAfter((doc) => {
      edit(doc)
      doc.records.reverse()
    })
    expect(b).toEqual(a)
  })
})

// ---------------------------------------------------------------------------------------------
// A seeded random edit sequence, checked against an independent oracle: the set of (shape, code)
// pairs whose tracked fields the sequence really changed, added or removed, read off the raw
// records before and after, equals what diffPlans reports (findings aside).

const TRACKED: Record<string, Record<string, string>> = {
  stakeholder: {
    name: 'stakeholder.renamed',
    relationship: 'stakeholder.relationship.changed',
    role: 'stakeholder.role.changed',
    influence: 'stakeholder.influence.changed',
    champion: 'stakeholder.champion.changed',
  },
  faction: { name: 'faction.renamed', stance: 'faction.stance.changed' },
  blocker: { title: 'blocker.renamed', status: 'blocker.status.changed', severity: 'blocker.severity.changed' },
  action: {
    title: 'action.renamed',
    status: 'action.status.changed',
    due: 'action.due.changed',
    owner: 'action.owner.changed',
  },
}
const ACCOUNT_TRACKED = {
  stage: 'account.stage.changed',
  tier: 'account.tier.changed',
  owner: 'account.owner.changed',
  goal: 'account.goal.changed',
}

const VALUES: Record<string, Record<string, readonly unknown[]>> = {
  stakeholder: {
    name: ['王总', '李处', '赵工', '孙主任', ''],
    title: ['总经理', '处长', ''],
    concern: ['成本', '安全', ''],
    relationship: ['cr1', 'cr2', 'cr3', 'cr4', 'cr5', 'unknown'],
    role: ['kdm', 'ki', 'ku', 'gatekeeper', 'other'],
    influence: ['high', 'medium', 'low'],
    champion: [true, false],
  },
  faction: { name: ['技术派', '财务派', ''], stance: ['ally', 'neutral', 'hostile'], strategy: ['分化', ''] },
  blocker: {
    title: ['预算未立项', '标准不认可'],
    detail: ['细节', ''],
    status: ['open', 'attacking', 'cleared'],
    severity: ['critical', 'high', 'medium', 'low'],
    stage: ['P2', 'P3', ''],
  },
  action: {
    title: ['高层拜访', '技术交流'],
    owner: ['张三', '李四', '', '张三、李四'],
    resources: ['预算', ''],
    checkpoint: ['拿到批复', ''],
    due: ['2026-11-01', '2026-12-15', '2027-01-10', ''],
    status: ['planned', 'in-progress', 'done', 'failed', 'dropped'],
    reviewCause: ['', 'judgement', 'execution'],
  },
}
const ACCOUNT_VALUES: Record<string, readonly unknown[]> = {
  stage: ['P1', 'P3', 'P4', ''],
  tier: ['strategic', 'breakthrough', 'opportunity', ''],
  owner: ['张三', '李四', ''],
  goal: ['拿下项目', '拿下全省', ''],
  target: ['5000 万', ''],
}
const TYPES = ['stakeholder', 'faction', 'blocker', 'action'] as const
const BUILD = { stakeholder, faction, blocker, action }

type Edit =
  | { kind: 'set'; pick: number; prop: number; value: number }
  | { kind: 'move'; pick: number; dx: number; dy: number; w: number }
  | { kind: 'add'; type: number; n: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'reparent'; pick: number; target: number }
  | { kind: 'account'; field: number; value: number }

const nat = fc.nat({ max: 1000 })
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: nat, prop: nat, value: nat }),
  fc.record({
    kind: fc.constant('move' as const),
    pick: nat,
    dx: fc.integer(),
    dy: fc.integer(),
    w: fc.integer({ min: 20, max: 900 }),
  }),
  fc.record({ kind: fc.constant('add' as const), type: fc.nat({ max: 3 }), n: nat }),
  fc.record({ kind: fc.constant('remove' as const), pick: nat }),
  fc.record({ kind: fc.constant('reparent' as const), pick: nat, target: nat }),
  fc.record({ kind: fc.constant('account' as const), field: nat, value: nat }),
)

const isWarRoom = (r: Rec) => r.typeName === 'shape' && (TYPES as readonly unknown[]).includes(r.type)

function apply(doc: Doc, e: Edit) {
  const shapes = doc.records.filter(isWarRoom)
  const at = <T>(list: readonly T[], i: number) => list[i % list.length]!
  switch (e.kind) {
    case 'set': {
      if (!shapes.length) return
      const s = at(shapes, e.pick)
      const values = VALUES[s.type as string]!
      const prop = at(Object.keys(values), e.prop)
      ;(s.props as Rec)[prop] = at(values[prop]!, e.value)
      return
    }
    case 'move': {
      if (!shapes.length) return
      const s = at(shapes, e.pick)
      s.x = e.dx
      s.y = e.dy
      ;(s.props as Rec).w = e.w
      return
    }
    case 'add': {
      const type = TYPES[e.type]!
      const id = `shape:new${e.n}`
      if (doc.records.some((r) => r.id === id)) return
      doc.records.push(BUILD[type](id))
      return
    }
    case 'remove': {
      if (!shapes.length) return
      const s = at(shapes, e.pick)
      // tldraw deletes a frame's children with it.
      const gone = new Set([s.id])
      for (const r of doc.records) if (r.parentId === s.id) gone.add(r.id)
      doc.records = doc.records.filter((r) => !gone.has(r.id))
      return
    }
    case 'reparent': {
      const people = shapes.filter((s) => s.type === 'stakeholder')
      if (!people.length) return
      const targets = [PAGE_ID, ...shapes.filter((s) => s.type === 'faction').map((s) => s.id)]
      at(people, e.pick).parentId = at(targets, e.target)
      return
    }
    case 'account': {
      const field = at(Object.keys(ACCOUNT_VALUES), e.field)
      doc.account[field] = at(ACCOUNT_VALUES[field]!, e.value)
      return
    }
  }
}

/** What really changed, from the raw records alone (no derivation). */
function oracle(before: Doc, after: Doc, today: string): Set<string> {
  const index = (doc: Doc) => new Map(doc.records.filter(isWarRoom).map((r) => [r.id as string, r]))
  const a = index(before)
  const b = index(after)
  const factionOf = (r: Rec, all: Map<string, Rec>) => {
    const parent = all.get(r.parentId as string)
    return parent?.type === 'faction' ? (parent.id as string) : null
  }
  const overdue = (r: Rec | undefined) => {
    if (r?.type !== 'action') return false
    const p = r.props as Rec
    return (p.status === 'planned' || p.status === 'in-progress') && p.due !== '' && (p.due as string) < today
  }
  const out = new Set<string>()
  for (const [id, r] of b) {
    const old = a.get(id)
    if (!old) out.add(`${id} ${r.type}.added`)
    else {
      for (const [prop, code] of Object.entries(TRACKED[r.type as string]!)) {
        if ((old.props as Rec)[prop] !== (r.props as Rec)[prop]) out.add(`${id} ${code}`)
      }
      if (r.type === 'stakeholder' && factionOf(old, a) !== factionOf(r, b))
        out.add(`${id} stakeholder.faction.changed`)
    }
    if (overdue(r) && !overdue(old)) out.add(`${id} action.overdue`)
  }
  for (const [id, r] of a) if (!b.has(id)) out.add(`${id} ${r.type}.removed`)
  for (const [field, code] of Object.entries(ACCOUNT_TRACKED)) {
    if ((before.account[field] ?? '') !== (after.account[field] ?? '')) out.add(`${field} ${code}`)
  }
  return out
}

describe('diffPlans against an oracle', () => {
  it('reports exactly the shapes and fields a random edit sequence changed', () => {
    fc.assert(
      fc.property(fc.array(editArb, { maxLength: 40 }), (edits) => {
        const before = fresh()
        const after = fresh()
        for (const e of edits) apply(after, e)
        const today = '2026-12-01'
        const d = diffPlans(plan(before, today), plan(after, today))
        const reported = new Set(d.changes.filter((c) => c.entity !== 'finding').map((c) => `${c.id} ${c.code}`))
        expect(reported).toEqual(oracle(before, after, today))
        // Every change is listed once.
        expect(reported.size).toBe(d.changes.filter((c) => c.entity !== 'finding').length)
      }),
      { seed: 20261201, numRuns: 150 },
    )
    // Timing is not what this asserts: a loaded machine must not fail it.
  }, 120_000)
})
