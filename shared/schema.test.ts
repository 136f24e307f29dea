import { describe, expect, it } from 'vitest'
import { checkRecord, createWarRoomSchema, warRoomShapeSchemas } from './schema'
import { defaultActionProps } from './shapes/action'
import { defaultBlockerProps } from './shapes/blocker'
import { defaultFactionProps } from './shapes/faction'
import { shapeRecord } from './shapes/records'
import { defaultStakeholderProps } from './shapes/stakeholder'
import { WAR_ROOM_SHAPE_TYPES, type WarRoomShapeType } from './shapes/types'

const defaults = {
  stakeholder: defaultStakeholderProps,
  faction: defaultFactionProps,
  blocker: defaultBlockerProps,
  action: defaultActionProps,
} satisfies Record<WarRoomShapeType, () => object>

function shape(type: string, props: unknown, extra: Record<string, unknown> = {}) {
  return {
    ...shapeRecord(`shape:${type}1`, type, props as object, { x: 120, y: -40 }),
    ...extra,
  }
}

describe('createWarRoomSchema', () => {
  const schema = createWarRoomSchema()

  it('knows the four War Room shapes and all of tldraw’s defaults', () => {
    expect(Object.keys(warRoomShapeSchemas).sort()).toEqual([...WAR_ROOM_SHAPE_TYPES].sort())
    const sequences = Object.keys(schema.serialize().sequences)
    for (const type of [...WAR_ROOM_SHAPE_TYPES, 'arrow', 'geo', 'note', 'frame', 'text', 'draw']) {
      expect(sequences).toContain(`com.tldraw.shape.${type}`)
    }
    expect(sequences).toContain('com.tldraw.binding.arrow')
  })

  it.each(WAR_ROOM_SHAPE_TYPES)('validates a full %s record', (type) => {
    const record = shape(type, { ...defaults[type](), w: 300 }, { parentId: 'shape:faction1' })
    expect(() => schema.types.shape.validate(record)).not.toThrow()
    expect(checkRecord(record, schema)).toEqual({ ok: true, record })
  })

  it('a realistic filled-in stakeholder is valid', () => {
    const record = shape('stakeholder', {
      w: 260,
      h: 160,
      name: '王建国',
      title: '信息中心主任',
      department: '信息中心',
      role: 'kdm',
      relationship: 'cr3',
      influence: 'high',
      concern: '系统稳定、明年预算',
      champion: false,
      contact: '陈亮',
      lastContact: '2026-11-02',
      competitor: '',
    })
    expect(checkRecord(record, schema).ok).toBe(true)
  })

  it('says why a War Room shape is broken, prop by prop', () => {
    const check = checkRecord(shape('blocker', { ...defaultBlockerProps(), severity: 'fatal', status: 'done' }), schema)
    expect(check.ok).toBe(false)
    if (check.ok) return
    expect(check.error).toMatch(/props\.(severity|status)/)
    expect(check.propProblems.map((p) => p.prop)).toEqual(['severity', 'status'])
  })

  it('reports broken base fields and unknown record types without throwing', () => {
    const badBase = checkRecord(shape('action', defaultActionProps(), { x: 'left' }), schema)
    expect(badBase.ok).toBe(false)
    if (!badBase.ok) expect(badBase.propProblems).toEqual([])
    expect(checkRecord(shape('battleship', {}), schema).ok).toBe(false)
    expect(checkRecord({ typeName: 'spaceship' }, schema)).toMatchObject({ ok: false })
    expect(checkRecord(null, schema)).toMatchObject({ ok: false })
  })
})
