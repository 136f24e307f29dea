/**
 * The client side of the customer-safe view (对客版): which audience the canvas is shown to, as a
 * tldraw signal, the audience of the export being made, and the editor's shape visibility that
 * applies shared/audience.ts's allow-list to what is drawn and exported.
 */
import { atom, type Editor, type TLArrowBinding, type TLShape, type TLShapeId } from 'tldraw'
import { type Audience, isCustomerSafeShape } from '../../shared/audience'

export const audienceSignal = atom<Audience>('war-room audience', 'team')

/** The audience exports are made for (the 对客版 item of the export menu). */
export const exportAudienceSignal = atom<Audience>('war-room export audience', 'team')

/** Whether present mode is on (the room shows it; menus and the room bar start it). */
export const presentingSignal = atom<boolean>('war-room presenting', false)

/**
 * The audience an export being made now is for: the one {@link withExportAudience} runs, or, for a
 * direct call of the editor API (`editor.getSvgString`, `editor.toImage`), the screen's own.
 */
export function exportAudienceNow(): Audience {
  return exportingFor ?? audienceSignal.get()
}

/**
 * While an export runs: the audience it is for. Every shape util the canvas renders with reads it
 * (through {@link exportAudienceNow}) and leaves out of the export what that audience may not see
 * (client/shapes/exportFilter.ts), so an export never switches the screen's audience.
 */
let exportingFor: Audience | null = null

/** Exports run one at a time (each sets what its shapes render as). */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs an export for `audience` without touching the screen: the export's shapes are filtered
 * and its cards rendered for that audience, the canvas on screen stays as it is.
 */
export function withExportAudience<T>(_editor: Editor, audience: Audience, fn: () => Promise<T>): Promise<T> {
  const run = async () => {
    exportingFor = audience
    try {
      return await fn()
    } finally {
      exportingFor = null
    }
  }
  const result = queue.then(run, run)
  queue = result.catch(() => {})
  return result
}

/** The visibility rule of {@link warRoomShapeVisibility} for a given audience (no signal read). */
export function shapeVisibilityFor(
  audience: Audience,
  shape: TLShape,
  editor: Editor,
): 'hidden' | 'visible' | 'inherit' {
  if (audience !== 'customer') return 'inherit'
  if (!isCustomerSafeShape(shape)) return 'hidden'
  if (shape.type === 'arrow') {
    const ends = editor.getBindingsFromShape<TLArrowBinding>(shape.id, 'arrow')
    const shown = ends.filter((b) => editor.getShape(b.toId)?.type === 'stakeholder')
    return ends.length === 2 && shown.length === 2 ? 'visible' : 'hidden'
  }
  // Explicitly visible: a stakeholder's parent faction is hidden, and children inherit that.
  return 'visible'
}

/** Whether a shape is hidden when the canvas is shown to `audience` (tldraw's parent rule). */
export function isHiddenFor(editor: Editor, shapeOrId: TLShape | TLShapeId, audience: Audience): boolean {
  if (audience === 'team') return false
  const shape = typeof shapeOrId === 'string' ? editor.getShape(shapeOrId) : shapeOrId
  if (!shape) return true
  const visibility = shapeVisibilityFor(audience, shape, editor)
  const parent = editor.getShape(shape.parentId as TLShapeId)
  if (parent && isHiddenFor(editor, parent, audience)) return visibility !== 'visible'
  return visibility === 'hidden'
}

/**
 * tldraw's `getShapeVisibility`: in the customer view, shapes off the allow-list are hidden (and
 * so left out of fits and hit-testing); the members of a hidden faction stay visible; an arrow
 * shows only as a reports-to line with both ends shown.
 */
export function warRoomShapeVisibility(shape: TLShape, editor: Editor): 'hidden' | 'visible' | 'inherit' {
  return shapeVisibilityFor(audienceSignal.get(), shape, editor)
}
