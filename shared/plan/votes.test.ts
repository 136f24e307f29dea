import { describe, expect, it } from 'vitest'
import type { DocVote } from '../live/votes'
import { derivePlan } from './derive'
import { planRecordSchema } from './schema'
import { action, blocker, goodAccount, TODAY } from './testing/builders'

const closed: DocVote = {
  id: 'vote-1',
  question: '先打哪个卡点?',
  shapeTypes: ['blocker', 'action'],
  votesPerPerson: 2,
  status: 'closed',
  openedAt: '2026-11-22T08:00:00.000Z',
  openedBy: { id: 'u1', name: '王强' },
  closedAt: '2026-11-22T08:05:00.000Z',
  closedBy: { id: 'u1', name: '王强' },
  eligible: [
    { id: 'u1', name: '王强' },
    { id: 'u2', name: '李娜' },
  ],
  voters: 2,
  counts: { 'shape:b1': 2, 'shape:a1': 1, 'shape:gone': 1 },
}

describe('the plan record lists votes', () => {
  it('with counts, ranks and card titles once closed; open votes without results', () => {
    const open: DocVote = {
      ...closed,
      id: 'vote-2',
      status: 'open',
      openedAt: '2026-11-22T09:00:00.000Z',
      closedAt: null,
      closedBy: null,
      eligible: [],
      voters: 0,
      counts: {},
    }
    const plan = derivePlan(
      {
        account: goodAccount(),
        records: [blocker('shape:b1', { title: '预算未批' }), action('shape:a1', { title: '拜访财务总监' })],
        votes: { 'vote-1': closed, 'vote-2': open, junk: { id: 3 } },
      },
      { today: TODAY },
    )
    expect(planRecordSchema.safeParse(plan).success).toBe(true)
    expect(plan.votes?.map((v) => v.id)).toEqual(['vote-1', 'vote-2'])
    expect(plan.votes?.[0]).toMatchObject({
      question: '先打哪个卡点?',
      openedBy: '王强',
      eligible: ['王强', '李娜'],
      voters: 2,
      results: [
        { shapeId: 'shape:b1', type: 'blocker', title: '预算未批', count: 2, rank: 1 },
        { shapeId: 'shape:a1', type: 'action', title: '拜访财务总监', count: 1, rank: 2 },
        { shapeId: 'shape:gone', type: 'missing', title: '', count: 1, rank: 2 },
      ],
    })
    expect(plan.votes?.[1]).toMatchObject({ status: 'open', results: [] })
  })

  it('is empty without votes', () => {
    expect(derivePlan({ account: goodAccount(), records: [] }, { today: TODAY }).votes).toEqual([])
  })
})
