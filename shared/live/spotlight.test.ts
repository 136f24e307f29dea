import { describe, expect, it } from 'vitest'
import { type LiveState, presentersIn, spotlightLeader } from './spotlight'

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

describe('presentersIn', () => {
  it('lists tabs in present mode with sane slide numbers, not one’s own, latest last', () => {
    const states = new Map<number, LiveState>([
      [1, { user: { id: 'a', name: '王强' }, presenting: { slide: 2, of: 7 } }],
      [2, { user: { id: 'me', name: '我' }, presenting: { slide: 1, of: 3 } }],
      [3, { user: { id: 'b', name: '李娜' }, presenting: { slide: 1, of: 1 } }],
      [4, { user: { id: 'c' }, presenting: { slide: 8, of: 7 } }],
      [5, { user: { id: 'd' }, presenting: { slide: 1.5, of: 7 } }],
      [6, { user: { id: 'e' }, presenting: null }],
      [7, { presenting: { slide: 1, of: 2 } }],
    ])
    const changed: Record<number, number> = { 1: 50, 3: 10 }
    expect(presentersIn(states, 'me', (id) => changed[id] ?? 0)).toEqual([
      { clientId: 3, userId: 'b', name: '李娜', slide: 1, of: 1 },
      { clientId: 1, userId: 'a', name: '王强', slide: 2, of: 7 },
    ])
  })
})
