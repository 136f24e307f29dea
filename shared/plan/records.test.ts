import { describe, expect, it } from 'vitest'
import { WAR_ROOM_SHAPE_TYPES } from '../shapes/types'
import {
  arrowBindingSchema,
  isArrowBinding,
  isShapeHead,
  parseShapeProps,
  shapePropsSchemas,
  shapeRecordSchema,
} from './records'
import { action, arrow, blocker, faction, stakeholder } from './testing/builders'

const SAMPLES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'kdm',
  'KDM',
  'cr4',
  'high',
  'ally',
  'critical',
  'attacking',
  'P3',
  'p3',
  'sales',
  'in-progress',
  'judgement',
  '2026-11-22',
  '2026-02-29',
  '2028-02-29',
  '2026-13-01',
  '20261122',
  'shape:s',
  'binding:b',
  true,
  false,
  0,
  1,
  NaN,
  {},
  [],
  ['kdm'],
  { toString: () => 'kdm' },
]

describe('the fast checks agree with the zod schemas', () => {
  it.each(WAR_ROOM_SHAPE_TYPES)('%s props, field by field', (type) => {
    const base = {
      stakeholder: stakeholder('shape:x'),
      faction: faction('shape:x'),
      blocker: blocker('shape:x'),
      action: action('shape:x'),
    }[type]
    const props = base.props as Record<string, unknown>
    const keys = Object.keys(props).filter((k) => k !== 'w' && k !== 'h')
    for (const key of keys) {
      for (const value of SAMPLES) {
        const candidate = { ...props, [key]: value }
        const zodOk = shapePropsSchemas[type].safeParse(candidate).success
        const { invalidFields } = parseShapeProps(type, candidate)
        expect({ key, value, ok: invalidFields.length === 0 }).toEqual({ key, value, ok: zodOk })
      }
    }
  })

  it('shape heads and arrow bindings', () => {
    const records = [stakeholder('shape:s'), ...arrow('shape:r', 'shape:a', 'shape:b')]
    const keys = ['id', 'typeName', 'type', 'parentId', 'fromId', 'toId', 'props']
    for (const record of records) {
      for (const key of keys) {
        for (const value of [...SAMPLES, { terminal: 'start' }, { terminal: 'middle' }]) {
          const candidate = { ...record, [key]: value }
          expect(isShapeHead(candidate)).toBe(shapeRecordSchema.safeParse(candidate).success)
          expect(isArrowBinding(candidate)).toBe(arrowBindingSchema.safeParse(candidate).success)
        }
      }
    }
  })
})
