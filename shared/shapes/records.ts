/**
 * Stored tldraw records (the document format of docs/document-format.md) built without an editor:
 * for the demo account the server seeds and for the plan's test builders. The records match what
 * tldraw 5.4 serialises; the builders' tests check bindings against @tldraw/tlschema's validator.
 */

type Rec = Record<string, unknown>

export const PAGE_ID = 'page:page'

/** A shape record with tldraw's defaults for everything but what is given. */
export function shapeRecord(
  id: string,
  type: string,
  props: object,
  at: { x?: number; y?: number; index?: string; parentId?: string; meta?: Rec } = {},
): Rec & { id: string } {
  return {
    id,
    typeName: 'shape',
    type,
    x: at.x ?? 0,
    y: at.y ?? 0,
    rotation: 0,
    index: at.index ?? 'a1',
    parentId: at.parentId ?? PAGE_ID,
    isLocked: false,
    opacity: 1,
    props,
    meta: at.meta ?? {},
  }
}

/** tldraw 5.4's arrow props for a straight arrow from (0, 0) to `end`, relative to the arrow's position. */
export function arrowProps(end: { x: number; y: number }): Rec {
  return {
    kind: 'arc',
    dash: 'draw',
    size: 'm',
    fill: 'none',
    color: 'black',
    labelColor: 'black',
    bend: 0,
    start: { x: 0, y: 0 },
    end,
    arrowheadStart: 'none',
    arrowheadEnd: 'arrow',
    richText: { type: 'doc', content: [{ type: 'paragraph' }] },
    labelPosition: 0.5,
    font: 'draw',
    scale: 1,
    elbowMidPoint: 0.5,
  }
}

/** The binding that ties one end of an arrow to the centre of a shape. */
export function arrowBinding(id: string, arrowId: string, toId: string, terminal: 'start' | 'end'): Rec {
  return {
    id,
    typeName: 'binding',
    type: 'arrow',
    fromId: arrowId,
    toId,
    props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    meta: {},
  }
}
