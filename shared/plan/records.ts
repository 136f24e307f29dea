/**
 * Defensive reading of tldraw records as stored in the Y.Doc. Any client can write any JSON
 * there, so each record is checked here (zod) before the plan uses it. War-room shape props are
 * read field by field: a bad field takes its default and is reported, the rest of the shape
 * still counts, the way the canvas shows a damaged shape rather than dropping it.
 */
import { z } from 'zod'
import {
  ACTION_STATUSES,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  DEPARTMENTS,
  FACTION_STANCES,
  FUNNEL_STAGES,
  INFLUENCE_LEVELS,
  RELATION_KINDS,
  RELATIONSHIP_LEVELS,
  REVIEW_CAUSES,
  STAKEHOLDER_ROLES,
  type ActionProps,
  type BlockerProps,
  type FactionProps,
  type RelationKind,
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

const text = z.string()
const isoDateOrEmpty = z.string().refine(isIsoDateOrEmpty)

type FieldSpec<T> = { [K in keyof T]: { schema: z.ZodType<T[K]>; fallback: T[K] } }

const stakeholderSpec: FieldSpec<StakeholderFields> = {
  name: { schema: text, fallback: '' },
  title: { schema: text, fallback: '' },
  department: { schema: text, fallback: '' },
  role: { schema: z.enum(STAKEHOLDER_ROLES), fallback: 'other' },
  relationship: { schema: z.enum(RELATIONSHIP_LEVELS), fallback: 'unknown' },
  influence: { schema: z.enum(INFLUENCE_LEVELS), fallback: 'medium' },
  concern: { schema: text, fallback: '' },
  champion: { schema: z.boolean(), fallback: false },
  contact: { schema: text, fallback: '' },
  lastContact: { schema: isoDateOrEmpty, fallback: '' },
}

const factionSpec: FieldSpec<FactionFields> = {
  name: { schema: text, fallback: '' },
  stance: { schema: z.enum(FACTION_STANCES), fallback: 'neutral' },
  leader: { schema: text, fallback: '' },
  strategy: { schema: text, fallback: '' },
}

const blockerSpec: FieldSpec<BlockerFields> = {
  title: { schema: text, fallback: '' },
  detail: { schema: text, fallback: '' },
  severity: { schema: z.enum(BLOCKER_SEVERITIES), fallback: 'medium' },
  status: { schema: z.enum(BLOCKER_STATUSES), fallback: 'open' },
  stage: { schema: z.enum([...FUNNEL_STAGES, '']), fallback: '' },
}

const actionSpec: FieldSpec<ActionFields> = {
  title: { schema: text, fallback: '' },
  owner: { schema: text, fallback: '' },
  department: { schema: z.enum(DEPARTMENTS), fallback: 'sales' },
  resources: { schema: text, fallback: '' },
  due: { schema: isoDateOrEmpty, fallback: '' },
  checkpoint: { schema: text, fallback: '' },
  status: { schema: z.enum(ACTION_STATUSES), fallback: 'planned' },
  reviewCause: { schema: z.enum(REVIEW_CAUSES), fallback: '' },
  reviewNote: { schema: text, fallback: '' },
}

interface CompiledSpec<T> {
  spec: FieldSpec<T>
  keys: (keyof T & string)[]
  whole: z.ZodType<T>
}

function compile<T>(spec: FieldSpec<T>): CompiledSpec<T> {
  const keys = Object.keys(spec) as (keyof T & string)[]
  const shape = Object.fromEntries(keys.map((k) => [k, spec[k].schema]))
  return { spec, keys, whole: z.object(shape) as unknown as z.ZodType<T> }
}

const SPECS: { [K in WarRoomShapeType]: CompiledSpec<PlanFieldsMap[K]> } = {
  stakeholder: compile(stakeholderSpec),
  faction: compile(factionSpec),
  blocker: compile(blockerSpec),
  action: compile(actionSpec),
}

export interface ParsedProps<T> {
  props: T
  /** Props that were missing or invalid and took their defaults. */
  invalidFields: string[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads a war-room shape's props, falling back field by field. Never throws. */
export function parseShapeProps<K extends WarRoomShapeType>(type: K, raw: unknown): ParsedProps<PlanFieldsMap[K]> {
  const compiled = SPECS[type] as unknown as CompiledSpec<PlanFieldsMap[K]>
  const source = isRecord(raw) ? raw : {}
  // Fast path: a well-formed record (the common case) is checked in one pass.
  const whole = compiled.whole.safeParse(source)
  if (whole.success) return { props: whole.data, invalidFields: [] }
  const props = {} as PlanFieldsMap[K]
  const invalidFields: string[] = []
  for (const key of compiled.keys) {
    const { schema, fallback } = compiled.spec[key]
    const result = schema.safeParse(source[key])
    if (result.success) props[key] = result.data
    else {
      props[key] = fallback
      invalidFields.push(key)
    }
  }
  return { props, invalidFields }
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

/** The relation an arrow's `meta.relation` declares, null when absent, 'invalid' when not a known kind. */
export function declaredRelation(meta: unknown): RelationKind | null | 'invalid' {
  if (!isRecord(meta)) return null
  const value = meta.relation
  if (value === undefined || value === null || value === '') return null
  return (RELATION_KINDS as readonly unknown[]).includes(value) ? (value as RelationKind) : 'invalid'
}
