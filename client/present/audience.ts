/**
 * The client side of the customer-safe view (对客版): which audience the canvas is shown to, as a
 * tldraw signal (shape components read it in the export root too), and the editor's shape
 * visibility that applies shared/audience.ts's allow-list to what is drawn and exported.
 */
import { atom, type Editor, type TLArrowBinding, type TLShape, type TLShapeId } from 'tldraw'
import { type Audience, isCustomerSafeShape } from '../../shared/audience'

export const audienceSignal = atom<Audience>('war-room audience', 'team')

/** The audience exports are made for (the 对客版 item of the export menu). */
export const exportAudienceSignal = atom<Audience>('war-room export audience', 'team')

/** Whether present mode is on (the room shows it; menus and the room bar start it). */
export const presentingSignal = atom<boolean>('war-room presenting', false)

/**
 * The audience the cards of an export being made render for. Only shapes rendered in tldraw's
 * export root read it (see `useCustomerView`), so an export never changes what the screen shows.
 */
export const exportRenderAudienceSignal = atom<Audience>('war-room export render audience', 'team')

/**
 * While an export runs: the audience whose shapes it draws. tldraw's export takes the shapes to
 * render from `editor.getUnorderedRenderingShapes(false)` (the screen uses `(true)`); the editor's
 * method is wrapped once ({@link installExportVisibility}) to filter that list by this audience
 * instead of switching the screen's audience for the duration.
 */
let exportingFor: Audience | null = null
const wrapped = new WeakSet<Editor>()

interface RenderingShapes {
  /** tldraw-internal (5.4.2, pinned in package.json): the export root's list of shapes to draw. */
  getUnorderedRenderingShapes?(useEditorState: boolean): { shape: TLShape }[]
}

/** Whether exports can be filtered without touching the screen (false: a tldraw without the hook). */
export function installExportVisibility(editor: Editor): boolean {
  if (wrapped.has(editor)) return true
  const internal = editor as unknown as RenderingShapes
  const method = internal.getUnorderedRenderingShapes
  if (typeof method !== 'function') return false
  wrapped.add(editor)
  const original = method.bind(editor)
  internal.getUnorderedRenderingShapes = (useEditorState: boolean) => {
    const shapes = original(useEditorState)
    const audience = exportingFor
    if (useEditorState || audience === null) return shapes
    return shapes.filter(({ shape }) => !isHiddenFor(editor, shape, audience))
  }
  return true
}

/** Exports run one at a time (each sets what its shapes render as). */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Runs an export for `audience` without touching the screen: the export's shapes are filtered
 * and its cards rendered for that audience, the canvas on screen stays as it is.
 */
export function withExportAudience<T>(editor: Editor, audience: Audience, fn: () => Promise<T>): Promise<T> {
  const filtered = installExportVisibility(editor)
  const run = async () => {
    exportingFor = audience
    exportRenderAudienceSignal.set(audience)
    // Without tldraw's hook the export can only be made by showing the canvas to its audience.
    const previous = audienceSignal.get()
    if (!filtered) audienceSignal.set(audience)
    try {
      return await fn()
    } finally {
      exportingFor = null
      if (!filtered) audienceSignal.set(previous)
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
