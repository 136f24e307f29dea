import { describe, expect, it } from 'vitest'
import { type DocVote, lastVoteRanks, rankCounts, readDocVotes } from './votes'

const vote = (over: Partial<DocVote>): DocVote => ({
  id: 'v1',
  question: 'q',
  shapeTypes: ['blocker'],
  votesPerPerson: 3,
  status: 'closed',
  openedAt: '2026-12-01T08:00:00.000Z',
  openedBy: { id: 'u', name: 'U' },
  closedAt: '2026-12-01T08:10:00.000Z',
  closedBy: { id: 'u', name: 'U' },
  eligible: [],
  voters: 2,
  counts: {},
  ...over,
})

describe('votes', () => {
  it('ranks with ties sharing a rank', () => {
    expect(rankCounts({ 'shape:a': 1, 'shape:b': 3, 'shape:c': 3, 'shape:d': 0 })).toEqual([
      { shapeId: 'shape:b', count: 3, rank: 1 },
      { shapeId: 'shape:c', count: 3, rank: 1 },
      { shapeId: 'shape:a', count: 1, rank: 3 },
    ])
  })

  it('gives each shape the rank of the last closed vote of its type', () => {
    const types: Record<string, string> = { 'shape:b1': 'blocker', 'shape:b2': 'blocker', 'shape:a1': 'action' }
    const votes = [
      vote({ id: 'old', counts: { 'shape:b1': 5, 'shape:b2': 1 } }),
      vote({
        id: 'new',
        closedAt: '2026-12-01T09:00:00.000Z',
        shapeTypes: ['blocker', 'action'],
        counts: { 'shape:b2': 2, 'shape:a1': 4 },
      }),
      vote({ id: 'open', status: 'open', closedAt: null, counts: {} }),
    ]
    const ranks = lastVoteRanks(votes, (id) => types[id])
    expect(ranks.get('shape:a1')).toMatchObject({ rank: 1, voteId: 'new' })
    expect(ranks.get('shape:b2')).toMatchObject({ rank: 2, count: 2 })
    expect(ranks.has('shape:b1')).toBe(false)
  })

  it('reads only well-formed votes from the document', () => {
    expect(readDocVotes({ a: vote({ id: 'a' }), b: { id: 'b' }, c: 'x' }).map((v) => v.id)).toEqual(['a'])
    expect(readDocVotes(null)).toEqual([])
  })
})
