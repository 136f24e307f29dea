import { describe, expect, it } from 'vitest'
import { peopleFrom } from '../../client/live/people'
import { DEPARTMENT_COLORS } from '../../shared/live/people'
import type { LiveState } from '../../shared/live/spotlight'

const st = (id: string, name: string, page = 'page:1', extra: Partial<LiveState> = {}): LiveState => ({
  user: { id, name, department: 'sales', color: DEPARTMENT_COLORS.sales, role: 'editor' },
  presence: { currentPageId: page },
  ...extra,
})

describe('peopleFrom', () => {
  it('shows a person with several tabs once, me first, with the page of their latest tab', () => {
    const states = new Map<number, LiveState>([
      [1, st('me', '我')],
      [2, st('w', '王强', 'page:1')],
      [3, st('w', '王强', 'page:2')],
      [4, { note: 'no user yet' } as LiveState],
    ])
    const people = peopleFrom(states, {
      localClientId: 1,
      myUserId: 'me',
      lastChange: new Map([
        [2, 1000],
        [3, 5000],
      ]),
      now: 10_000,
      leaderClientId: 3,
    })
    expect(people.map((p) => p.id)).toEqual(['me', 'w'])
    expect(people[1]).toMatchObject({ tabs: 2, clientIds: [2, 3], pageId: 'page:2', leading: true, active: true })
    expect(people[0]).toMatchObject({ isMe: true, clientIds: [], tabs: 1 })
  })

  it('is idle after a minute without changes', () => {
    const people = peopleFrom(new Map([[2, st('w', '王强')]]), {
      localClientId: 1,
      myUserId: 'me',
      lastChange: new Map([[2, 0]]),
      now: 61_000,
      leaderClientId: null,
    })
    expect(people[0].active).toBe(false)
  })
})
