/**
 * A small badge at the top-right corner of every shape the plan has findings about: how many,
 * coloured by the worst severity. It is drawn in front of the canvas in screen space (so it
 * stays legible at any zoom) from each shape's page bounds, which keeps the shape utils unaware
 * of the plan. Badges ignore the pointer: they must never get in the way of a resize handle.
 */
import type { ComponentType } from 'react'
import { type TLComponents, type TLShapeId, useEditor, useValue } from 'tldraw'
import { useLang, useT } from '../i18n'
import { type ShapeFindings, useOptionalPlanContext } from './PlanContext'

interface Badge extends ShapeFindings {
  id: string
  x: number
  y: number
}

export const SEVERITY_GLYPH = { error: '!', warning: '!', info: 'i' } as const

export function FindingBadges() {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const byShape = useOptionalPlanContext()?.byShape

  const badges = useValue('war-room finding badges', () => {
    const result: Badge[] = []
    if (!byShape?.size) return result
    const pageId = editor.getCurrentPageId()
    for (const [id, findings] of byShape) {
      const shape = editor.getShape(id as TLShapeId)
      if (!shape || editor.getAncestorPageId(shape) !== pageId) continue
      const bounds = editor.getShapePageBounds(shape)
      if (!bounds) continue
      const corner = editor.pageToViewport({ x: bounds.maxX, y: bounds.minY })
      result.push({ id, x: corner.x, y: corner.y, ...findings })
    }
    return result
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
          // Just above the top-right corner, right-aligned with it, clear of the corner handle.
          style={{ transform: `translate(${badge.x}px, ${badge.y}px) translate(calc(-100% + 6px), calc(-100% - 4px))` }}
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
