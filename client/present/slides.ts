/**
 * The slides of present mode (and of the presentation PDF): tldraw frames on the page in their
 * index order; with no frames, the whole map, then each faction, then each blocker with the
 * actions against it. In the customer view (对客版) factions and blockers are not shown, so the
 * deck without frames is the whole map, the people, then the actions.
 */
import { Box, type Editor, type TLArrowBinding, type TLShape, type TLShapeId } from 'tldraw'
import type { Audience } from '../../shared/audience'
import type { Label } from '../../shared/shapes/labels'
import { isHiddenFor } from './audience'

export type SlideKind = 'frame' | 'map' | 'faction' | 'blocker' | 'people' | 'actions'

export interface Slide {
  /** Stable across rebuilds while the document does not change (the shape or kind it shows). */
  key: string
  kind: SlideKind
  /** The frame's, faction's or blocker's own name; empty for the generated slides (see SLIDE_TITLES). */
  name: string
  /** What the slide shows, in page coordinates. */
  bounds: Box
  /** The shape the slide is, when it is one (a frame): exports clip to it. */
  shapeId?: TLShapeId
}

/** Titles of the slides that are not a shape of their own. */
export const SLIDE_TITLES: Record<'map' | 'people' | 'actions', Label> = {
  map: { zh: '全局作战地图', en: 'The whole map' },
  people: { zh: '组织与汇报关系', en: 'People and reporting lines' },
  actions: { zh: '行动计划', en: 'Actions' },
}

/** Customer-view titles: the same slides, but nothing there says 作战. */
export const CUSTOMER_SLIDE_TITLES: Record<'map', Label> = {
  map: { zh: '全局视图', en: 'Overview' },
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 }
const STATUS_ORDER: Record<string, number> = { open: 0, attacking: 1, cleared: 2 }

function visibleShapes(editor: Editor, audience: Audience): TLShape[] {
  return editor.getCurrentPageShapesSorted().filter((s) => !isHiddenFor(editor, s, audience))
}

function union(editor: Editor, shapes: readonly (TLShape | TLShapeId)[]): Box | null {
  const boxes = shapes.map((s) => editor.getShapePageBounds(s)).filter((b): b is Box => !!b)
  return boxes.length ? Box.Common(boxes) : null
}

function textOf(shape: TLShape, prop: string): string {
  const value = (shape.props as Record<string, unknown>)[prop]
  return typeof value === 'string' ? value : ''
}

/** The actions aimed at a blocker: arrows whose relation is `targets`, from an action to it. */
function actionsAgainst(editor: Editor, blockerId: TLShapeId, audience: Audience): TLShapeId[] {
  const result: TLShapeId[] = []
  for (const binding of editor.getBindingsToShape<TLArrowBinding>(blockerId, 'arrow')) {
    if (binding.props.terminal !== 'end') continue
    const arrow = editor.getShape(binding.fromId)
    if (arrow?.meta.relation !== 'targets') continue
    const start = editor
      .getBindingsFromShape<TLArrowBinding>(arrow.id, 'arrow')
      .find((b) => b.props.terminal === 'start')
    const from = start && editor.getShape(start.toId)
    if (from?.type === 'action' && !isHiddenFor(editor, from, audience)) result.push(from.id)
  }
  return result
}

/** The current page's slides for an audience (whatever the screen shows). */
export function buildSlides(editor: Editor, audience: Audience): Slide[] {
  const shapes = visibleShapes(editor, audience)
  const frames = shapes.filter((s) => s.type === 'frame')
  if (frames.length > 0) {
    return frames.flatMap((f) => {
      const bounds = editor.getShapePageBounds(f)
      return bounds ? [{ key: f.id, kind: 'frame' as const, name: textOf(f, 'name'), bounds, shapeId: f.id }] : []
    })
  }
  const slides: Slide[] = []
  const all = union(editor, shapes)
  if (!all) return slides
  slides.push({ key: 'map', kind: 'map', name: '', bounds: all })
  if (audience === 'customer') {
    const people = union(
      editor,
      shapes.filter((s) => s.type === 'stakeholder'),
    )
    if (people) slides.push({ key: 'people', kind: 'people', name: '', bounds: people })
    const actions = union(
      editor,
      shapes.filter((s) => s.type === 'action'),
    )
    if (actions) slides.push({ key: 'actions', kind: 'actions', name: '', bounds: actions })
    return slides
  }
  for (const faction of shapes.filter((s) => s.type === 'faction')) {
    const bounds = editor.getShapePageBounds(faction)
    if (bounds) slides.push({ key: faction.id, kind: 'faction', name: textOf(faction, 'name'), bounds })
  }
  const blockers = shapes
    .filter((s) => s.type === 'blocker')
    .sort(
      (a, b) =>
        (STATUS_ORDER[textOf(a, 'status')] ?? 9) - (STATUS_ORDER[textOf(b, 'status')] ?? 9) ||
        (SEVERITY_ORDER[textOf(a, 'severity')] ?? 9) - (SEVERITY_ORDER[textOf(b, 'severity')] ?? 9),
    )
  for (const blocker of blockers) {
    const bounds = union(editor, [blocker.id, ...actionsAgainst(editor, blocker.id, audience)])
    if (bounds) slides.push({ key: blocker.id, kind: 'blocker', name: textOf(blocker, 'title'), bounds })
  }
  return slides
}

export interface Insets {
  top: number
  right: number
  bottom: number
  left: number
}

/**
 * Moves the camera so `bounds` fills the part of the viewport inside `insets` (screen px), centred
 * there, at no more than `maxZoom`.
 */
export function fitBounds(
  editor: Editor,
  bounds: Box,
  insets: Insets,
  opts: { maxZoom?: number; animate?: boolean } = {},
): void {
  const viewport = editor.getViewportScreenBounds()
  const width = Math.max(1, viewport.w - insets.left - insets.right)
  const height = Math.max(1, viewport.h - insets.top - insets.bottom)
  const { zoomSteps } = editor.getCameraOptions()
  const minZoom = zoomSteps[0] ?? 0.05
  const zoom = Math.max(
    minZoom,
    Math.min(opts.maxZoom ?? 1, width / Math.max(bounds.w, 1), height / Math.max(bounds.h, 1)),
  )
  const centreX = insets.left + width / 2
  const centreY = insets.top + height / 2
  editor.setCamera(
    { x: centreX / zoom - bounds.midX, y: centreY / zoom - bounds.midY, z: zoom },
    opts.animate ? { animation: { duration: 220 } } : undefined,
  )
}
