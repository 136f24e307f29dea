import { describe, expect, it } from 'vitest'
import { defaultActionProps } from './action'
import { diagnoseShapeProps, repairShapeProps } from './diagnose'
import { defaultStakeholderProps } from './stakeholder'

describe('diagnoseShapeProps', () => {
  it('finds nothing wrong with valid props', () => {
    expect(diagnoseShapeProps('stakeholder', { ...defaultStakeholderProps(), name: '李明', role: 'kdm' })).toEqual([])
  })

  it('reports every problem, one per prop', () => {
    const { owner: _owner, ...props } = defaultActionProps()
    const problems = diagnoseShapeProps('action', { ...props, status: 'finished', due: '31.12.2026', colour: 'red' })
    expect(problems.map(({ prop, kind }) => [prop, kind])).toEqual([
      ['owner', 'missing'],
      ['due', 'invalid'],
      ['status', 'invalid'],
      ['colour', 'unknown'],
    ])
    expect(problems.find((p) => p.prop === 'status')?.message).toContain('finished')
  })

  it('reports props that are not an object', () => {
    expect(diagnoseShapeProps('blocker', null)).toEqual([expect.objectContaining({ kind: 'not-an-object' })])
    expect(diagnoseShapeProps('blocker', [1])).toEqual([expect.objectContaining({ kind: 'not-an-object' })])
  })
})

describe('repairShapeProps', () => {
  it('keeps valid values, defaults invalid or missing ones, drops unknown ones', () => {
    const repaired = repairShapeProps('stakeholder', {
      name: '王芳',
      role: 'boss',
      champion: true,
      colour: 'red',
      w: -1,
    })
    expect(repaired).toEqual({ ...defaultStakeholderProps(), name: '王芳', champion: true })
    expect(diagnoseShapeProps('stakeholder', repaired)).toEqual([])
  })

  it('starts from the defaults when props are not an object', () => {
    expect(repairShapeProps('action', 'garbage')).toEqual(defaultActionProps())
  })
})
