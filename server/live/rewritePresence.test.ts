import { describe, expect, it } from 'vitest'
import { DEPARTMENT_COLORS, NO_DEPARTMENT_COLOR } from '../../shared/live/people.ts'
import { type PresenceContext, rewritePresence } from './rewritePresence.ts'

const ctx = (over: Partial<PresenceContext> = {}): PresenceContext => ({
  user: { id: 'u-wang', name: '王强', department: 'presales' },
  role: 'editor',
  viewer: false,
  now: 1_000_000,
  ...over,
})

const presence = {
  typeName: 'instance_presence',
  userId: 'user:someone-else',
  userName: '李总',
  color: '#ff0000',
  cursor: { x: 1, y: 2 },
}

describe('rewritePresence', () => {
  it('replaces a forged user and the presence identity with the connection’s', () => {
    const out = rewritePresence(
      { user: { id: 'u-boss', name: '李总', department: 'management', color: '#000', role: 'owner' }, presence },
      ctx(),
    )
    expect(out?.user).toEqual({
      id: 'u-wang',
      name: '王强',
      department: 'presales',
      color: DEPARTMENT_COLORS.presales,
      role: 'editor',
    })
    expect(out?.presence).toEqual({
      ...presence,
      userId: 'user:u-wang',
      userName: '王强',
      color: DEPARTMENT_COLORS.presales,
    })
  })

  it('adds user to a state that has none and keeps other fields', () => {
    const out = rewritePresence({ note: 'hi' }, ctx({ user: { id: 'u1', name: 'A' } }))
    expect(out).toEqual({
      note: 'hi',
      user: { id: 'u1', name: 'A', department: null, color: NO_DEPARTMENT_COLOR, role: 'editor' },
    })
  })

  it('keeps a leaving client’s null, and turns a non-object state into just the user', () => {
    expect(rewritePresence(null, ctx())).toBeNull()
    expect(Object.keys(rewritePresence(42, ctx()) ?? {})).toEqual(['user'])
    expect(Object.keys(rewritePresence(['x'], ctx()) ?? {})).toEqual(['user'])
  })

  it('drops a presence that is not an object, keeps a null one', () => {
    expect(rewritePresence({ presence: 'fake' }, ctx())).not.toHaveProperty('presence')
    expect(rewritePresence({ presence: null }, ctx())?.presence).toBeNull()
  })

  it('stamps spotlight.since with server time the first time, ignoring the client’s value', () => {
    const out = rewritePresence({ spotlight: { since: 9_999_999_999_999 } }, ctx({ now: 5000 }))
    expect(out?.spotlight).toEqual({ since: 5000 })
  })

  it('takes a proposed since only when it is a server time of the last 10 s, not after now', () => {
    const at = (since: unknown) => rewritePresence({ spotlight: { since } }, ctx({ now: 50_000 }))?.spotlight
    expect(at(49_600)).toEqual({ since: 49_600 })
    expect(at(50_000)).toEqual({ since: 50_000 })
    expect(at(40_000)).toEqual({ since: 40_000 })
    // Later than the server's clock (a client trying to win), too old, or not an integer: now.
    expect(at(50_001)).toEqual({ since: 50_000 })
    expect(at(39_999)).toEqual({ since: 50_000 })
    expect(at(49_600.5)).toEqual({ since: 50_000 })
    expect(at('49600')).toEqual({ since: 50_000 })
  })

  it('keeps since while the spotlight stays, and restamps after it was turned off', () => {
    const first = rewritePresence({ spotlight: { since: 1 } }, ctx({ now: 50_000 }))
    expect(first?.spotlight).toEqual({ since: 50_000 })
    // A later state's (even valid) proposal does not move it.
    const again = rewritePresence({ spotlight: { since: 52_000 }, presence }, ctx({ now: 54_000 }), first)
    expect(again?.spotlight).toEqual({ since: 50_000 })
    const off = rewritePresence({ presence }, ctx({ now: 60_000 }), again)
    expect(off).not.toHaveProperty('spotlight')
    const on = rewritePresence({ spotlight: {} }, ctx({ now: 62_000 }), off)
    expect(on?.spotlight).toEqual({ since: 62_000 })
  })

  it('strips spotlight from viewers', () => {
    const out = rewritePresence({ spotlight: { since: 1 }, presence }, ctx({ viewer: true, role: 'viewer' }))
    expect(out).not.toHaveProperty('spotlight')
    expect(out?.user).toMatchObject({ role: 'viewer' })
  })

  it('drops spotlight values that are not an object', () => {
    expect(rewritePresence({ spotlight: 'yes' }, ctx())).not.toHaveProperty('spotlight')
    expect(rewritePresence({ spotlight: null }, ctx())).not.toHaveProperty('spotlight')
  })
})
