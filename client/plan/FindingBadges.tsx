/**
 * A small badge at the top-right corner of every shape the plan has findings about: how many,
 * coloured by the worst severity. It is drawn in front of the canvas from each shape's page
 * bounds, which keeps the shape utils unaware of the plan. It scales with the card (between a
 * legible minimum and its full size) and sits mostly above the card's top edge, so it never
 * covers the card's name. Badges ignore the pointer: they must never get in the way of a resize
 * handle. The customer view (对客版) shows none.
 */
import type { ComponentType } from 'react'
import { type TLComponents, type TLShapeId, useEditor, useValue } from 'tldraw'
import { useLang, useT } from '../i18n'
import { audienceSignal } from '../present/audience'
import { type ShapeFindings, useOptionalPlanContext } from './PlanContext'

interface Badge extends ShapeFindings {
  id: string
  x: number
  y: number
}

/** The badge's scale: with the zoom, never below this (legible on a projector) nor above 1. */
export const BADGE_MIN_SCALE = 0.6

export const SEVERITY_GLYPH = { error: '!', warning: '!', info: 'i' } as const

export function FindingBadges() {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const byShape = useOptionalPlanContext()?.byShape

  const { badges, scale } = useValue('war-room finding badges', () => {
    const result: Badge[] = []
    const scale = Math.min(1, Math.max(BADGE_MIN_SCALE, editor.getZoomLevel()))
    if (!byShape?.size || audienceSignal.get() === 'customer') return { badges: result, scale }
    const pageId = editor.getCurrentPageId()
    for (const [id, findings] of byShape) {
      const shape = editor.getShape(id as TLShapeId)
      if (!shape || editor.getAncestorPageId(shape) !== pageId || editor.isShapeHidden(shape)) continue
      const bounds = editor.getShapePageBounds(shape)
      if (!bounds) continue
      const corner = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY })
      result.push({ id, x: corner.x, y: corner.y, ...findings })
    }
    return { badges: result, scale }
  }, [editor, byShape])

  if (badges.length === 0) return null
  return (
    <div className="wr-badges">
      {badges.map((badge) => (
        <div
          key={badge.id}
          className={`wr-badge wr-badge--${badge.worst}`}
          data-testid="wr-finding-badge"
          data-shape-id={badge.id}
          data-severity={badge.worst}
          data-count={badge.count}
          title={[t('plan.badge.title', { count: badge.count }), ...badge.findings.map((f) => f.message[lang])].join(
            '\n',
          )}
          // Three quarters above the top edge (so clear of the name row), right-aligned with the
          // corner, scaled about that corner.
          style={{
            transform: `translate(${badge.x}px, ${badge.y}px) scale(${scale}) translate(calc(-100% + 6px), -75%)`,
            transformOrigin: '0 0',
          }}
        >
          <span className="wr-badge__glyph" aria-hidden="true">
            {SEVERITY_GLYPH[badge.worst]}
          </span>
          {badge.count}
        </div>
      ))}
    </div>
  )
}

/**
 * tldraw components with the finding badges added in front of the canvas, after whatever the
 * given components already put there. Build it once (module scope): a new component identity
 * on each render would remount the layer.
 */
export function withFindingBadges(components: TLComponents): TLComponents {
  const Before: ComponentType | null | undefined = components.InFrontOfTheCanvas
  // biome-ignore lint/correctness/noComponentHookFactories: called once at module scope (see above), so the identity is stable
  function InFrontOfTheCanvas() {
    return (
      <>
        {Before && <Before />}
        <FindingBadges />
      </>
    )
  }
  return { ...components, InFrontOfTheCanvas }
}
