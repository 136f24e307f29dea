import type { T } from '@tldraw/validate'
import { warRoomShapeDefinitions } from './definitions'
import type { WarRoomShapePropsMap, WarRoomShapeType } from './types'

/** One thing wrong with a War Room shape's props. */
export interface PropProblem {
  /** The prop's name, or '' when the props as a whole are not an object. */
  prop: string
  kind: 'missing' | 'invalid' | 'unknown' | 'not-an-object'
  /** The validator's explanation, in English (developer-facing; the UI adds its own wording). */
  message: string
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Every problem with a War Room shape's props, checked one prop at a time so that
 * all of them are reported (tldraw's own validation stops at the first). An empty
 * list means the props satisfy the contract.
 */
export function diagnoseShapeProps(type: WarRoomShapeType, props: unknown): PropProblem[] {
  if (!isPlainObject(props)) {
    return [
      { prop: '', kind: 'not-an-object', message: `Expected props to be an object, got ${JSON.stringify(props)}` },
    ]
  }
  const validators = warRoomShapeDefinitions[type].props as Record<string, T.Validatable<unknown>>
  const problems: PropProblem[] = []
  for (const [prop, validator] of Object.entries(validators)) {
    try {
      validator.validate(props[prop])
    } catch (error) {
      const missing = !(prop in props)
      problems.push({
        prop,
        kind: missing ? 'missing' : 'invalid',
        message: missing ? 'Missing' : error instanceof Error ? error.message : String(error),
      })
    }
  }
  for (const prop of Object.keys(props)) {
    if (!(prop in validators)) problems.push({ prop, kind: 'unknown', message: 'Not a prop of this shape' })
  }
  return problems
}

/**
 * A repaired copy of a War Room shape's props: valid props are kept as they are,
 * missing or invalid ones take their default, unknown ones are dropped. Used by the
 * "repair" button of a broken shape, so a user can decide to fix it; it is never
 * applied behind their back.
 */
export function repairShapeProps<K extends WarRoomShapeType>(type: K, props: unknown): WarRoomShapePropsMap[K] {
  const repaired: Record<string, unknown> = { ...(warRoomShapeDefinitions[type].defaults() as object) }
  if (!isPlainObject(props)) return repaired as unknown as WarRoomShapePropsMap[K]
  const validators = warRoomShapeDefinitions[type].props as Record<string, T.Validatable<unknown>>
  for (const [prop, validator] of Object.entries(validators)) {
    if (!(prop in props)) continue
    try {
      repaired[prop] = validator.validate(props[prop])
    } catch {
      // Keep the default: the stored value cannot be used.
    }
  }
  return repaired as unknown as WarRoomShapePropsMap[K]
}
