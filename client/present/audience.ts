/**
 * The client side of the customer-safe view (对客版): which audience the canvas is shown to, as a
 * tldraw signal (shape components read it in the export root too), and the editor's shape
 * visibility that applies shared/audience.ts's allow-list to what is drawn and exported.
 */
import { atom, type Editor, type TLArrowBinding, type TLShape } from 'tldraw'
import { type Audience, isCustomerSafeShape } from '../../shared/audience'

export const audienceSignal = atom<Audience>('war-room audience', 'team')

/** The audience exports are made for (the 对客版 item of the export menu). */
export const exportAudienceSignal = atom<Audience>('war-room export audience', 'team')

/** Whether present mode is on (the room shows it; menus and the room bar start it). */
export const presentingSignal = atom<boolean>('war-room presenting', false)

/** Runs `fn` with the canvas shown to `audience`, then restores the previous audience. */
export async function withAudience<T>(audience: Audience, fn: () => Promise<T>): Promise<T> {
  const previous = audienceSignal.get()
  audienceSignal.set(audience)
  try {
    return await fn()
  } finally {
    audienceSignal.set(previous)
  }
}

/**
 * tldraw's `getShapeVisibility`: in the customer view, shapes off the allow-list are hidden (and
 * so left out of exports, fits and hit-testing); the members of a hidden faction stay visible;
 * an arrow shows only as a reports-to line with both ends shown.
 */
export function warRoomShapeVisibility(shape: TLShape, editor: Editor): 'hidden' | 'visible' | 'inherit' {
  if (audienceSignal.get() !== 'customer') return 'inherit'
  if (!isCustomerSafeShape(shape)) return 'hidden'
  if (shape.type === 'arrow') {
    const ends = editor.getBindingsFromShape<TLArrowBinding>(shape.id, 'arrow')
    const shown = ends.filter((b) => editor.getShape(b.toId)?.type === 'stakeholder')
    return ends.length === 2 && shown.length === 2 ? 'visible' : 'hidden'
  }
  // Explicitly visible: a stakeholder's parent faction is hidden, and children inherit that.
  return 'visible'
}
