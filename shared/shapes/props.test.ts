import { T } from '@tldraw/validate'
import { describe, expect, it } from 'vitest'
import { warRoomShapeDefinitions } from './definitions'
import {
  ACTION_STATUSES,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  DEPARTMENTS,
  FACTION_STANCES,
  FUNNEL_STAGES,
  INFLUENCE_LEVELS,
  RELATIONSHIP_LEVELS,
  REVIEW_CAUSES,
  STAKEHOLDER_ROLES,
  WAR_ROOM_SHAPE_TYPES,
  type WarRoomShapeType,
} from './types'

function propsValidator(type: WarRoomShapeType) {
  return T.object(warRoomShapeDefinitions[type].props as Record<string, T.Validatable<unknown>>)
}

function accepts(type: WarRoomShapeType, patch: Record<string, unknown>): boolean {
  return propsValidator(type).isValid({ ...warRoomShapeDefinitions[type].defaults(), ...patch })
}

/** Every enumerated prop with every value the contract allows. */
const enumProps: [WarRoomShapeType, string, readonly string[]][] = [
  ['stakeholder', 'role', STAKEHOLDER_ROLES],
  ['stakeholder', 'relationship', RELATIONSHIP_LEVELS],
  ['stakeholder', 'influence', INFLUENCE_LEVELS],
  ['faction', 'stance', FACTION_STANCES],
  ['blocker', 'severity', BLOCKER_SEVERITIES],
  ['blocker', 'status', BLOCKER_STATUSES],
  ['blocker', 'stage', ['', ...FUNNEL_STAGES]],
  ['action', 'department', DEPARTMENTS],
  ['action', 'status', ACTION_STATUSES],
  ['action', 'reviewCause', REVIEW_CAUSES],
]

describe('War Room shape props validators', () => {
  it.each(WAR_ROOM_SHAPE_TYPES)('%s: the defaults are valid', (type) => {
    expect(propsValidator(type).isValid(warRoomShapeDefinitions[type].defaults())).toBe(true)
  })

  it.each(enumProps)('%s.%s accepts every contract value and nothing else', (type, prop, values) => {
    for (const value of values) expect(accepts(type, { [prop]: value }), `${prop}=${value}`).toBe(true)
    for (const bad of ['KDM', 'CR1', 'p1', 'unknown-value', ' ', null, undefined, 1, true]) {
      if ((values as readonly unknown[]).includes(bad)) continue
      expect(accepts(type, { [prop]: bad }), `${prop}=${String(bad)}`).toBe(false)
    }
  })

  it.each([
    ['stakeholder', 'lastContact'],
    ['action', 'due'],
  ] as const)('%s.%s takes a real YYYY-MM-DD day or empty', (type, prop) => {
    for (const good of ['', '2026-11-22', '2024-02-29', '1999-12-31'])
      expect(accepts(type, { [prop]: good }), good).toBe(true)
    for (const bad of [
      '2026-13-01',
      '2025-02-29',
      '2026-1-5',
      '22/11/2026',
      '2026-11-22T10:00:00Z',
      'tomorrow',
      null,
    ]) {
      expect(accepts(type, { [prop]: bad }), String(bad)).toBe(false)
    }
  })

  it.each(WAR_ROOM_SHAPE_TYPES)('%s: w and h must be finite and positive', (type) => {
    expect(accepts(type, { w: 1, h: 0.5 })).toBe(true)
    for (const bad of [0, -10, Number.NaN, Number.POSITIVE_INFINITY, '200']) {
      expect(accepts(type, { w: bad }), `w=${String(bad)}`).toBe(false)
      expect(accepts(type, { h: bad }), `h=${String(bad)}`).toBe(false)
    }
  })

  it('text props take any string, Chinese included, and nothing else', () => {
    const text: [WarRoomShapeType, string][] = [
      ['stakeholder', 'name'],
      ['stakeholder', 'title'],
      ['stakeholder', 'department'],
      ['stakeholder', 'concern'],
      ['stakeholder', 'contact'],
      ['faction', 'name'],
      ['faction', 'strategy'],
      ['blocker', 'title'],
      ['blocker', 'detail'],
      ['action', 'title'],
      ['action', 'owner'],
      ['action', 'resources'],
      ['action', 'checkpoint'],
      ['action', 'reviewNote'],
    ]
    for (const [type, prop] of text) {
      expect(accepts(type, { [prop]: '王建国 · 信息中心主任 "CIO"' }), `${type}.${prop}`).toBe(true)
      expect(accepts(type, { [prop]: 42 }), `${type}.${prop}=42`).toBe(false)
      expect(accepts(type, { [prop]: null }), `${type}.${prop}=null`).toBe(false)
    }
  })

  it('stakeholder.champion is a boolean', () => {
    expect(accepts('stakeholder', { champion: true })).toBe(true)
    expect(accepts('stakeholder', { champion: 'yes' })).toBe(false)
    expect(accepts('stakeholder', { champion: 1 })).toBe(false)
  })

  it('stakeholder.competitor (added in v1) is an optional string', () => {
    const { competitor: _dropped, ...v0 } = warRoomShapeDefinitions.stakeholder.defaults()
    expect(propsValidator('stakeholder').isValid(v0)).toBe(true)
    expect(accepts('stakeholder', { competitor: '华为' })).toBe(true)
    expect(accepts('stakeholder', { competitor: 3 })).toBe(false)
  })

  it('faction.leader is a shape id or empty', () => {
    expect(accepts('faction', { leader: '' })).toBe(true)
    expect(accepts('faction', { leader: 'shape:abc' })).toBe(true)
    expect(accepts('faction', { leader: '王总' })).toBe(false)
    expect(accepts('faction', { leader: null })).toBe(false)
  })

  it.each(WAR_ROOM_SHAPE_TYPES)('%s: a missing or an unknown prop is rejected', (type) => {
    const defaults = warRoomShapeDefinitions[type].defaults() as unknown as Record<string, unknown>
    const { w: _w, ...withoutW } = defaults
    expect(propsValidator(type).isValid(withoutW)).toBe(false)
    expect(propsValidator(type).isValid({ ...defaults, colour: 'red' })).toBe(false)
  })
})
