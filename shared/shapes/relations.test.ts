import { describe, expect, it } from 'vitest'
import { inferRelation, relationChoices } from './relations'

describe('inferRelation', () => {
  it('stakeholder → stakeholder is reports-to unless switched to influences', () => {
    expect(inferRelation('stakeholder', 'stakeholder')).toBe('reports-to')
    expect(inferRelation('stakeholder', 'stakeholder', 'influences')).toBe('influences')
    expect(inferRelation('stakeholder', 'stakeholder', 'targets')).toBe('reports-to')
  })

  it('action → blocker or stakeholder targets it', () => {
    expect(inferRelation('action', 'blocker')).toBe('targets')
    expect(inferRelation('action', 'stakeholder')).toBe('targets')
  })

  it('blocker → stakeholder is held-by', () => {
    expect(inferRelation('blocker', 'stakeholder')).toBe('held-by')
  })

  it('other pairs, reversed pairs and unbound ends have no relation', () => {
    expect(inferRelation('blocker', 'action')).toBeUndefined()
    expect(inferRelation('stakeholder', 'action')).toBeUndefined()
    expect(inferRelation('faction', 'stakeholder')).toBeUndefined()
    expect(inferRelation('action', 'action')).toBeUndefined()
    expect(inferRelation(undefined, 'stakeholder')).toBeUndefined()
    expect(inferRelation('action', undefined, 'targets')).toBeUndefined()
    expect(inferRelation('geo', 'geo')).toBeUndefined()
  })

  it('only stakeholder pairs are switchable', () => {
    expect(relationChoices('stakeholder', 'stakeholder')).toEqual(['reports-to', 'influences'])
    expect(relationChoices('action', 'blocker')).toEqual(['targets'])
    expect(relationChoices('note', 'blocker')).toEqual([])
  })
})
