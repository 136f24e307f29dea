import type { TLRecord } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import { createWarRoomSchema } from '../schema'
import { shapeRecord } from './records'
import { defaultStakeholderProps, stakeholderShapeVersions } from './stakeholder'

const schema = createWarRoomSchema()
const current = schema.serialize()

/** The current schema with one sequence set back to an earlier version. */
function schemaAt(sequenceId: string, version: number): typeof current {
  return { ...current, sequences: { ...current.sequences, [sequenceId]: version } }
}

function stakeholderRecord(props: object): TLRecord {
  return shapeRecord('shape:s1', 'stakeholder', props) as unknown as TLRecord
}

describe('War Room shape migrations', () => {
  it('the serialised schema carries one sequence per War Room shape, at its latest version', () => {
    expect(current.sequences).toMatchObject({
      'com.tldraw.shape.stakeholder': 1,
      'com.tldraw.shape.faction': 0,
      'com.tldraw.shape.blocker': 0,
      'com.tldraw.shape.action': 0,
    })
    expect(stakeholderShapeVersions.AddCompetitor).toBe('com.tldraw.shape.stakeholder/1')
  })

  it('stakeholder v0 → v1 (AddCompetitor) adds an empty competitor and keeps everything else', () => {
    const { competitor: _c, ...v0 } = { ...defaultStakeholderProps(), name: '赵强', role: 'kdm' as const }
    const result = schema.migratePersistedRecord(stakeholderRecord(v0), schemaAt('com.tldraw.shape.stakeholder', 0))
    expect(result.type).toBe('success')
    if (result.type !== 'success') return
    expect((result.value as { props: unknown }).props).toEqual({ ...v0, competitor: '' })
    expect(() => schema.types.shape.validate(result.value)).not.toThrow()
  })

  it('stakeholder v0 → v1 keeps a competitor an outside tool already wrote', () => {
    const props = { ...defaultStakeholderProps(), competitor: '竞品A' }
    const result = schema.migratePersistedRecord(stakeholderRecord(props), schemaAt('com.tldraw.shape.stakeholder', 0))
    expect(result.type === 'success' && (result.value as { props: { competitor: string } }).props.competitor).toBe(
      '竞品A',
    )
  })

  it('stakeholder v1 → v0 (down) removes competitor', () => {
    const v1 = { ...defaultStakeholderProps(), competitor: '竞品A' }
    const result = schema.migratePersistedRecord(
      stakeholderRecord(v1),
      schemaAt('com.tldraw.shape.stakeholder', 0),
      'down',
    )
    expect(result.type).toBe('success')
    if (result.type !== 'success') return
    const { competitor: _c, ...v0 } = v1
    expect((result.value as { props: unknown }).props).toEqual(v0)
  })

  it('a whole snapshot written by a v0 client is migrated up and loads', () => {
    const { competitor: _c, ...v0 } = defaultStakeholderProps()
    const record = stakeholderRecord(v0)
    const result = schema.migrateStoreSnapshot({
      store: { [record.id]: record } as Record<TLRecord['id'], TLRecord>,
      schema: schemaAt('com.tldraw.shape.stakeholder', 0),
    })
    expect(result.type).toBe('success')
    if (result.type !== 'success') return
    expect((result.value[record.id] as { props: { competitor: string } }).props.competitor).toBe('')
  })

  it('a document from a newer schema is refused rather than misread', () => {
    const result = schema.migratePersistedRecord(
      stakeholderRecord(defaultStakeholderProps()),
      schemaAt('com.tldraw.shape.stakeholder', 99),
    )
    expect(result.type).toBe('error')
  })
})
