import { describe, expect, it } from 'vitest'
import { type LiveState, spotlightLeader } from './spotlight'

const st = (id: string, since?: number): LiveState => ({
  user: { id, name: id },
  ...(since === undefined ? {} : { spotlight: { since } }),
})

describe('spotlightLeader', () => {
  it('is null without any spotlight', () => {
    expect(spotlightLeader(new Map([[1, st('a')]]))).toBeNull()
  })
  it('the later since leads; ties go to the larger client id', () => {
    const states = new Map<number, LiveState>([
      [1, st('a', 100)],
      [2, st('b', 200)],
      [3, st('c')],
    ])
    expect(spotlightLeader(states)).toEqual({ clientId: 2, userId: 'b', name: 'b', since: 200 })
    states.set(4, st('d', 200))
    expect(spotlightLeader(states)?.userId).toBe('d')
  })
  it('ignores states without a user or with a broken since', () => {
    const states = new Map<number, LiveState>([
      [1, { spotlight: { since: 500 } }],
      [2, { user: { id: 'b' }, spotlight: { since: Number.NaN } }],
      [3, st('c', 10)],
    ])
    expect(spotlightLeader(states)?.userId).toBe('c')
  })
})
