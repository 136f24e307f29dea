import { T } from '@tldraw/validate'

/**
 * Validators shared by the four War Room shapes. `@tldraw/validate` is the same
 * library tldraw validates its own records with, so a record our validators accept
 * is one the tldraw store accepts.
 */

/** `YYYY-MM-DD` naming a real calendar day. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A date field: a real `YYYY-MM-DD` day, or empty for "not set". */
export const isoDateOrEmpty = T.string.check('iso-date', (value) => {
  if (value !== '' && !isIsoDate(value)) {
    throw new T.ValidationError(`Expected a YYYY-MM-DD date or an empty string, got ${JSON.stringify(value)}`)
  }
})

/** Width and height: finite and greater than zero. */
export const dimension = T.nonZeroNumber

/** A reference to another shape by id (`shape:…`), or empty for "none". */
export const shapeIdOrEmpty = T.string.check('shape-id', (value) => {
  if (value !== '' && !value.startsWith('shape:')) {
    throw new T.ValidationError(`Expected a shape id ("shape:…") or an empty string, got ${JSON.stringify(value)}`)
  }
})

export { T }
