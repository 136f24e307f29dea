/**
 * The review panel's pure parts: the mark a changed shape carries on the canvas (from real diffs
 * and the real catalogue), and the portfolio's sorting (rows without a value go last).
 */
import { describe, expect, it } from 'vitest'
import { translate } from '../../client/i18n/index.tsx'
import { markFor } from '../../client/review/marks.ts'
import { sortAccounts } from '../../client/review/portfolio.tsx'
import type { AccountSummary } from '../../shared/accounts.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { blocker, goodDoc, stakeholder, TODAY } from '../../shared/plan/testing/builders.ts'
import { diffPlans } from '../../shared/review/diff.ts'

const zh = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('zh', key, params)

function marks(edit: Parameters<typeof goodDoc>[0], extra: Record<string, unknown>[] = []) {
  const before = derivePlan(goodDoc(), { today: TODAY })
  const doc = goodDoc(edit)
  doc.records.push(...extra)
  const diff = diffPlans(before, derivePlan(doc, { today: TODAY }))
  const byShape = new Map<string, typeof diff.changes>()
  for (const c of diff.changes) byShape.set(c.id, [...(byShape.get(c.id) ?? []), c])
  return new Map([...byShape].map(([id, changes]) => [id, markFor(changes, zh, 'zh')]))
}

describe('marks on changed shapes', () => {
  it('say 新, CR3→CR2, 已突破 and 已完成, toned good, bad or new', () => {
    const m = marks(
      {
        stakeholders: { 'shape:s1': { relationship: 'cr2' }, 'shape:s2': { relationship: 'cr4' } },
        blockers: { 'shape:b1': { status: 'cleared' } },
        actions: { 'shape:a2': { status: 'done' } },
      },
      [stakeholder('shape:s9', { name: '新人' }), blocker('shape:b9', { title: '新卡点' })],
    )
    expect(m.get('shape:s1')).toEqual({ text: 'CR3→CR2', tone: 'good' })
    // A high-influence supporter turned rival's supporter, with nothing aimed at him: a new finding too.
    expect(m.get('shape:s2')).toEqual({ text: 'CR1→CR4 · 新问题', tone: 'bad' })
    expect(m.get('shape:b1')).toEqual({ text: '已突破', tone: 'good' })
    expect(m.get('shape:a2')).toEqual({ text: '已完成', tone: 'good' })
    // A new shape is just new, whatever findings it brings.
    expect(m.get('shape:s9')).toEqual({ text: '新', tone: 'new' })
    expect(m.get('shape:b9')).toEqual({ text: '新', tone: 'new' })
  })

  it('join two words at most, and show nothing for a finding that only went away', () => {
    const m = marks({ actions: { 'shape:a1': { owner: '王五', due: '2026-12-31', title: '改名了' } } })
    expect(m.get('shape:a1')!.text.split(' · ')).toHaveLength(2)
    expect(markFor([], zh, 'zh')).toBeNull()
  })
})

describe('portfolio sorting', () => {
  const row = (id: string, over: Partial<AccountSummary>): AccountSummary => ({
    id,
    name: id,
    tier: '',
    owner: '',
    stage: '',
    health: null,
    lastActivityAt: '2026-11-01T00:00:00Z',
    createdAt: '2026-11-01T00:00:00Z',
    archived: false,
    role: 'owner',
    lastReview: null,
    sinceLastReview: null,
    ...over,
  })
  const health = (score: number) => ({ score, findings: 0, errors: 0, warnings: 0 })
  const rows = [
    row('a', { health: health(40), stage: 'P2', lastReview: { id: 'r1', at: '2026-10-31T00:00:00Z', title: '' } }),
    row('b', { health: health(90), stage: 'P5' }),
    row('c', { stage: '' }),
    row('d', { health: health(65), stage: 'P3', lastReview: { id: 'r2', at: '2026-11-30T00:00:00Z', title: '' } }),
  ]
  const ids = (list: AccountSummary[]) => list.map((r) => r.id)

  it('sorts by health, stage and last review either way, rows without a value last', () => {
    expect(ids(sortAccounts(rows, { key: 'health', dir: 'asc' }))).toEqual(['a', 'd', 'b', 'c'])
    expect(ids(sortAccounts(rows, { key: 'health', dir: 'desc' }))).toEqual(['b', 'd', 'a', 'c'])
    expect(ids(sortAccounts(rows, { key: 'stage', dir: 'desc' }))).toEqual(['b', 'd', 'a', 'c'])
    expect(ids(sortAccounts(rows, { key: 'lastReview', dir: 'desc' }))).toEqual(['d', 'a', 'b', 'c'])
    expect(ids(sortAccounts(rows, null))).toEqual(['a', 'b', 'c', 'd'])
  })
})
