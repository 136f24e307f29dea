/**
 * Relations are ordinary tldraw arrows: whenever an arrow's bindings change, the
 * relation follows from the shapes its ends are bound to (shared/shapes/relations.ts),
 * is recorded in the arrow's `meta.relation`, and the arrow takes that relation's look.
 */
import type { Editor, TLArrowBinding, TLArrowShape, TLArrowShapeProps, TLShape, TLShapeId } from 'tldraw'
import { inferRelation, RELATION_LOOKS as SHARED_RELATION_LOOKS } from '../../shared/shapes/relations'
import { RELATION_KINDS, type RelationKind } from '../../shared/shapes/types'

/** Line style and colour per relation (shared/shapes/relations.ts), typed as tldraw's arrow props. */
export const RELATION_LOOKS: Record<
  RelationKind,
  Pick<TLArrowShapeProps, 'color' | 'dash' | 'size' | 'arrowheadEnd'>
> = SHARED_RELATION_LOOKS

/** tldraw's defaults, restored when an arrow stops being a relation (unless the user restyled it). */
const PLAIN_LOOK: Pick<TLArrowShapeProps, 'color' | 'dash' | 'size' | 'arrowheadEnd'> = {
  color: 'black',
  dash: 'draw',
  size: 'm',
  arrowheadEnd: 'arrow',
}

export function isRelationKind(value: unknown): value is RelationKind {
  return typeof value === 'string' && (RELATION_KINDS as readonly string[]).includes(value)
}

/** The types of the shapes an arrow's start and end are bound to. */
export function arrowEndTypes(editor: Editor, arrowId: TLShapeId): { from?: string; to?: string } {
  const ends: { from?: string; to?: string } = {}
  for (const binding of editor.getBindingsFromShape<TLArrowBinding>(arrowId, 'arrow')) {
    const type = editor.getShape(binding.toId)?.type
    if (binding.props.terminal === 'start') ends.from = type
    else ends.to = type
  }
  return ends
}

function sameLook(arrow: TLArrowShape, look: typeof PLAIN_LOOK): boolean {
  return (Object.keys(look) as (keyof typeof look)[]).every((key) => arrow.props[key] === look[key])
}

/** Brings one arrow's `meta.relation` and look in line with what its ends are bound to. */
export function syncArrowRelation(editor: Editor, arrowId: TLShapeId, chosen?: RelationKind): void {
  const shape = editor.getShape(arrowId)
  if (shape?.type !== 'arrow') return
  const arrow = shape as TLArrowShape
  const { from, to } = arrowEndTypes(editor, arrowId)
  const current = arrow.meta.relation
  const next = inferRelation(from, to, chosen ?? current)
  if (next === current) return

  const { relation: _previous, ...restMeta } = arrow.meta
  let props: Partial<TLArrowShapeProps> | undefined
  if (next) props = RELATION_LOOKS[next]
  else if (isRelationKind(current) && sameLook(arrow, RELATION_LOOKS[current])) props = PLAIN_LOOK
  // A whole-record update: editor.updateShape merges meta, and a relation that ended must be removed.
  const updated: TLArrowShape = {
    ...arrow,
    meta: next ? { ...restMeta, relation: next } : restMeta,
    props: { ...arrow.props, ...props },
  }
  editor.store.put([updated])
}

/**
 * Keeps relations up to date as users draw, re-bind and delete (and a faction's
 * leader when that stakeholder is deleted). Only the user's
 * own changes are acted on: the client that drew the arrow records its relation,
 * and everyone else receives it through the document.
 */
export function registerRelationSideEffects(editor: Editor): () => void {
  const onBinding = (binding: { type: string; fromId: TLShapeId }, source: 'user' | 'remote') => {
    if (source !== 'user' || binding.type !== 'arrow') return
    syncArrowRelation(editor, binding.fromId)
  }
  // A faction whose leader is deleted has no leader, rather than a dangling id.
  const onShapeDeleted = (shape: TLShape, source: 'user' | 'remote') => {
    if (source !== 'user' || shape.type !== 'stakeholder') return
    const led = editor
      .getCurrentPageShapes()
      .filter((s) => s.type === 'faction' && (s.props as { leader?: unknown } | null)?.leader === shape.id)
    if (led.length) editor.updateShapes(led.map((f) => ({ id: f.id, type: 'faction', props: { leader: '' } })))
  }
  const cleanups = [
    editor.sideEffects.registerAfterCreateHandler('binding', (b, source) => onBinding(b, source)),
    editor.sideEffects.registerAfterChangeHandler('binding', (_prev, next, source) => onBinding(next, source)),
    editor.sideEffects.registerAfterDeleteHandler('binding', (b, source) => onBinding(b, source)),
    editor.sideEffects.registerAfterDeleteHandler('shape', (s, source) => onShapeDeleted(s, source)),
  ]
  return () => {
    for (const cleanup of cleanups) cleanup()
  }
}
