/**
 * Defensive reading of tldraw records as stored in the Y.Doc. Any client can write any JSON
 * there, so each record is checked here (zod) before the plan uses it. War-room shape props are
 * read field by field: a bad field takes its default and is reported, the rest of the shape
 * still counts, the way the canvas shows a damaged shape rather than dropping it.
 */
import { z } from 'zod'
import {
  ACTION_STATUSES,
  type ActionProps,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  type BlockerProps,
  DEPARTMENTS,
  FACTION_STANCES,
  type FactionProps,
  FUNNEL_STAGES,
  INFLUENCE_LEVELS,
  RELATION_KINDS,
  RELATIONSHIP_LEVELS,
  REVIEW_CAUSES,
  type RelationKind,
  STAKEHOLDER_ROLES,
  type StakeholderProps,
  type WarRoomShapeType,
} from '../shapes/types'
import { isIsoDateOrEmpty } from './dates'

/** The props the plan reads (w and h are layout only and not checked here). */
export type StakeholderFields = Omit<StakeholderProps, 'w' | 'h'>
export type FactionFields = Omit<FactionProps, 'w' | 'h'>
export type BlockerFields = Omit<BlockerProps, 'w' | 'h'>
export type ActionFields = Omit<ActionProps, 'w' | 'h'>

export interface PlanFieldsMap {
  stakeholder: StakeholderFields
  faction: FactionFields
  blocker: BlockerFields
  action: ActionFields
}

/**
 * A prop's type, from which both its zod schema (the reference, used to explain failures) and a
 * plain predicate (the hot path: a 4,000-shape document is read on every edit) are built.
 */
type FieldType = { kind: 'text' } | { kind: 'bool' } | { kind: 'date' } | { kind: 'enum'; values: readonly string[] }
type FieldSpec<T> = { [K in keyof T]: FieldType & { fallback: T[K] } }

const text = { kind: 'text' } as const
const bool = { kind: 'bool' } as const
const date = { kind: 'date' } as const
const oneOf = (values: readonly string[]) => ({ kind: 'enum', values }) as const

const stakeholderSpec: FieldSpec<StakeholderFields> = {
  name: { ...text, fallback: '' },
  title: { ...text, fallback: '' },
  department: { ...text, fallback: '' },
  role: { ...oneOf(STAKEHOLDER_ROLES), fallback: 'other' },
  relationship: { ...oneOf(RELATIONSHIP_LEVELS), fallback: 'unknown' },
  influence: { ...oneOf(INFLUENCE_LEVELS), fallback: 'medium' },
  concern: { ...text, fallback: '' },
  champion: { ...bool, fallback: false },
  contact: { ...text, fallback: '' },
  lastContact: { ...date, fallback: '' },
}

const factionSpec: FieldSpec<FactionFields> = {
  name: { ...text, fallback: '' },
  stance: { ...oneOf(FACTION_STANCES), fallback: 'neutral' },
  leader: { ...text, fallback: '' },
  strategy: { ...text, fallback: '' },
}

const blockerSpec: FieldSpec<BlockerFields> = {
  title: { ...text, fallback: '' },
  detail: { ...text, fallback: '' },
  severity: { ...oneOf(BLOCKER_SEVERITIES), fallback: 'high' },
  status: { ...oneOf(BLOCKER_STATUSES), fallback: 'open' },
  stage: { ...oneOf([...FUNNEL_STAGES, '']), fallback: '' },
}

const actionSpec: FieldSpec<ActionFields> = {
  title: { ...text, fallback: '' },
  owner: { ...text, fallback: '' },
  department: { ...oneOf(DEPARTMENTS), fallback: 'sales' },
  resources: { ...text, fallback: '' },
  due: { ...date, fallback: '' },
  checkpoint: { ...text, fallback: '' },
  status: { ...oneOf(ACTION_STATUSES), fallback: 'planned' },
  reviewCause: { ...oneOf(REVIEW_CAUSES), fallback: '' },
  reviewNote: { ...text, fallback: '' },
}

function schemaOf(type: FieldType): z.ZodType {
  switch (type.kind) {
    case 'text':
      return z.string()
    case 'bool':
      return z.boolean()
    case 'date':
      return z.string().refine(isIsoDateOrEmpty, 'expected YYYY-MM-DD or empty')
    case 'enum':
      return z.enum(type.values as [string, ...string[]])
  }
}

function predicateOf(type: FieldType): (value: unknown) => boolean {
  switch (type.kind) {
    case 'text':
      return (v) => typeof v === 'string'
    case 'bool':
      return (v) => typeof v === 'boolean'
    case 'date':
      return isIsoDateOrEmpty
    case 'enum': {
      const allowed = new Set<unknown>(type.values)
      return (v) => allowed.has(v)
    }
  }
}

interface CompiledField<V> {
  key: string
  schema: z.ZodType
  /** Equivalent to `schema` (a test holds them to it), without zod's cost on the hot path. */
  accepts: (value: unknown) => boolean
  fallback: V
}

interface CompiledSpec<T> {
  fields: CompiledField<T[keyof T]>[]
  /** The zod schema of the plan-relevant props (documentation and tests). */
  schema: z.ZodType<T>
}

function compile<T>(spec: FieldSpec<T>): CompiledSpec<T> {
  const fields = (Object.keys(spec) as (keyof T & string)[]).map((key) => ({
    key,
    schema: schemaOf(spec[key]),
    accepts: predicateOf(spec[key]),
    fallback: spec[key].fallback,
  }))
  const schema = z.object(Object.fromEntries(fields.map((f) => [f.key, f.schema]))) as unknown as z.ZodType<T>
  return { fields, schema }
}

const SPECS: { [K in WarRoomShapeType]: CompiledSpec<PlanFieldsMap[K]> } = {
  stakeholder: compile(stakeholderSpec),
  faction: compile(factionSpec),
  blocker: compile(blockerSpec),
  action: compile(actionSpec),
}

/** The zod schema of each war-room shape's plan-relevant props (w and h excluded). */
export const shapePropsSchemas: { [K in WarRoomShapeType]: z.ZodType<PlanFieldsMap[K]> } = {
  stakeholder: SPECS.stakeholder.schema,
  faction: SPECS.faction.schema,
  blocker: SPECS.blocker.schema,
  action: SPECS.action.schema,
}

export interface ParsedProps<T> {
  props: T
  /** Props that were missing or invalid and took their defaults. */
  invalidFields: string[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const NONE: readonly string[] = Object.freeze([])

/** Reads a war-room shape's props, falling back field by field. Never throws. */
export function parseShapeProps<K extends WarRoomShapeType>(type: K, raw: unknown): ParsedProps<PlanFieldsMap[K]> {
  const { fields } = SPECS[type] as unknown as CompiledSpec<Record<string, unknown>>
  const source = isRecord(raw) ? raw : {}
  const props: Record<string, unknown> = {}
  let invalidFields: string[] | null = null
  for (const field of fields) {
    const value = source[field.key]
    if (field.accepts(value)) props[field.key] = value
    else {
      props[field.key] = field.fallback
      ;(invalidFields ??= []).push(field.key)
    }
  }
  // The common case allocates no list.
  return { props: props as PlanFieldsMap[K], invalidFields: invalidFields ?? (NONE as string[]) }
}

/** The parts of a tldraw shape record the plan needs. */
export const shapeRecordSchema = z.object({
  id: z.string().startsWith('shape:'),
  typeName: z.literal('shape'),
  type: z.string().min(1),
  parentId: z.string(),
  props: z.unknown(),
  meta: z.unknown().optional(),
})
export type ShapeRecordHead = z.infer<typeof shapeRecordSchema>

/**
 * Whether a record has the shape head the plan needs: the plain equivalent of
 * shapeRecordSchema (a test holds them together), run on every record of every derivation.
 */
export function isShapeHead(record: Record<string, unknown>): record is Record<string, unknown> & ShapeRecordHead {
  const { id, type, parentId } = record
  return (
    typeof id === 'string' &&
    id.startsWith('shape:') &&
    record.typeName === 'shape' &&
    typeof type === 'string' &&
    type !== '' &&
    typeof parentId === 'string'
  )
}

/**
 * A tldraw 5 arrow binding (`@tldraw/tlschema` TLArrowBinding): `fromId` is the arrow shape,
 * `toId` the shape its `props.terminal` end is attached to.
 */
export const arrowBindingSchema = z.object({
  id: z.string().startsWith('binding:'),
  typeName: z.literal('binding'),
  type: z.literal('arrow'),
  fromId: z.string().startsWith('shape:'),
  toId: z.string().startsWith('shape:'),
  props: z.object({ terminal: z.enum(['start', 'end']) }),
})
export type ArrowBindingHead = z.infer<typeof arrowBindingSchema>

/** The plain equivalent of arrowBindingSchema (a test holds them together). */
export function isArrowBinding(record: Record<string, unknown>): record is Record<string, unknown> & ArrowBindingHead {
  const { id, fromId, toId, props } = record
  const terminal = typeof props === 'object' && props !== null ? (props as Record<string, unknown>).terminal : undefined
  return (
    typeof id === 'string' &&
    id.startsWith('binding:') &&
    record.typeName === 'binding' &&
    record.type === 'arrow' &&
    typeof fromId === 'string' &&
    fromId.startsWith('shape:') &&
    typeof toId === 'string' &&
    toId.startsWith('shape:') &&
    (terminal === 'start' || terminal === 'end')
  )
}

/** The relation an arrow's `meta.relation` declares, null when absent, 'invalid' when not a known kind. */
export function declaredRelation(meta: unknown): RelationKind | null | 'invalid' {
  if (!isRecord(meta)) return null
  const value = meta.relation
  if (value === undefined || value === null || value === '') return null
  return (RELATION_KINDS as readonly unknown[]).includes(value) ? (value as RelationKind) : 'invalid'
}
