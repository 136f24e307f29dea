/**
 * "Insert template": the starter decision chain of shared/templates/library.ts — a decision
 * maker over two influencers and two users, a blocker held by one influencer and an action aimed
 * at it, joined by relation arrows — in the user's language; and any template of the library
 * (the contacts bar's menu), inserted where the user is looking without covering a card.
 */
import { Box, createShapeId, type Editor, type TLShapeId, type TLShapePartial } from 'tldraw'
import type { RelationKind } from '../../shared/shapes/types'
import {
  defaultPropsOf,
  starterTemplate,
  type Template,
  type TemplateValue,
  templateSize,
} from '../../shared/templates/library'
import type { Lang } from '../i18n'
import { todayIso } from './common'
import { RELATION_LOOKS } from './relations'

export function insertTemplate(editor: Editor, lang: Lang): TLShapeId[] {
  return insertLibraryTemplate(editor, starterTemplate(todayIso(new Date())), lang)
}

/** A tldraw arrow bound at both ends (centre to centre), carrying its relation and look. */
export function connect(editor: Editor, fromId: TLShapeId, toId: TLShapeId, relation?: RelationKind): TLShapeId {
  const a = editor.getShapePageBounds(fromId)!.center
  const b = editor.getShapePageBounds(toId)!.center
  const id = createShapeId()
  editor.createShape({
    id,
    type: 'arrow',
    x: a.x,
    y: a.y,
    meta: relation ? { relation } : {},
    props: {
      start: { x: 0, y: 0 },
      end: { x: b.x - a.x, y: b.y - a.y },
      ...(relation ? RELATION_LOOKS[relation] : {}),
    },
  })
  const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
  editor.createBindings([
    { type: 'arrow', fromId: id, toId: fromId, props: { terminal: 'start', ...anchor } },
    { type: 'arrow', fromId: id, toId: toId, props: { terminal: 'end', ...anchor } },
  ])
  return id
}

/**
 * The top-left corner for a box of `size`: centred in the viewport if that covers nothing, else
 * the nearest free place around it (rings of candidates), else below everything on the page.
 */
export function freeSpot(editor: Editor, size: { w: number; h: number }): { x: number; y: number } {
  const taken = editor
    .getCurrentPageShapes()
    .filter((s) => s.parentId === editor.getCurrentPageId())
    .map((s) => editor.getShapePageBounds(s.id))
    .filter((b): b is Box => b !== undefined)
  const margin = 60
  const free = (x: number, y: number) => {
    const box = new Box(x - margin, y - margin, size.w + 2 * margin, size.h + 2 * margin)
    return !taken.some((b) => b.collides(box))
  }
  const center = editor.getViewportPageBounds().center
  const start = { x: center.x - size.w / 2, y: center.y - size.h / 2 }
  if (free(start.x, start.y)) return start
  const step = { x: (size.w + margin) / 2, y: (size.h + margin) / 2 }
  for (let ring = 1; ring <= 8; ring++) {
    let best: { x: number; y: number; d: number } | null = null
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue
        const x = start.x + i * step.x
        const y = start.y + j * step.y
        const d = i * i + j * j
        if (free(x, y) && (!best || d < best.d)) best = { x, y, d }
      }
    }
    if (best) return { x: best.x, y: best.y }
  }
  const page = editor.getCurrentPageBounds()
  return page ? { x: page.x, y: page.maxY + 160 } : start
}

/** Inserts a template in one history step and brings it into view. */
export function insertLibraryTemplate(editor: Editor, template: Template, lang: Lang): TLShapeId[] {
  const text = (v: TemplateValue) => (typeof v === 'object' ? v[lang] : v)
  const origin = freeSpot(editor, templateSize(template))
  const ids = new Map(template.cards.map((c) => [c.key, createShapeId()]))
  const shapes: TLShapePartial[] = template.cards.map((c) => {
    const props: Record<string, unknown> = { ...defaultPropsOf(c) }
    for (const [k, v] of Object.entries(c.props)) props[k] = text(v)
    return {
      id: ids.get(c.key)!,
      type: c.type,
      x: c.parent ? c.x : origin.x + c.x,
      y: c.parent ? c.y : origin.y + c.y,
      ...(c.parent ? { parentId: ids.get(c.parent)! } : {}),
      props,
    }
  })
  editor.markHistoryStoppingPoint(`insert template ${template.id}`)
  const all: TLShapeId[] = shapes.map((s) => s.id)
  editor.run(() => {
    // Factions first, so members can be parented to them and sit above them.
    editor.createShapes([...shapes.filter((s) => s.type === 'faction'), ...shapes.filter((s) => s.type !== 'faction')])
    for (const c of template.cards) {
      const leader =
        c.type === 'faction' ? template.cards.find((m) => m.parent === c.key && m.type === 'stakeholder') : undefined
      if (leader) editor.updateShape({ id: ids.get(c.key)!, type: 'faction', props: { leader: ids.get(leader.key)! } })
    }
    for (const [from, to, relation] of template.links) all.push(connect(editor, ids.get(from)!, ids.get(to)!, relation))
  })
  editor.select(
    ...shapes.filter((s) => !template.cards.find((c) => c.key === keyOf(ids, s.id))?.parent).map((s) => s.id),
  )
  editor.zoomToSelection({ animation: { duration: 200 } })
  return all
}

function keyOf(ids: Map<string, TLShapeId>, id: TLShapeId): string | undefined {
  for (const [k, v] of ids) if (v === id) return k
  return undefined
}
