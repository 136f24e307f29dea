/**
 * Marks on the shapes that changed since the review the panel compares with ("新", "CR3→CR2",
 * "已突破"), drawn in front of the canvas in screen space at each shape's top-left corner while
 * the review panel is open. Like the finding badges, they ignore the pointer.
 */
import type { ComponentType } from 'react'
import { type TLComponents, type TLShapeId, useEditor, useValue } from 'tldraw'
import { useLang, useT } from '../i18n'
import { markFor } from './marks'
import { useOptionalReviewContext } from './ReviewContext'
import './review.css'

export function ChangeMarks() {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const review = useOptionalReviewContext()
  const byShape = review?.active ? review.byShape : null

  const marks = useValue('war-room change marks', () => {
    const out: { id: string; x: number; y: number; text: string; tone: string; title: string }[] = []
    if (!byShape?.size) return out
    const pageId = editor.getCurrentPageId()
    for (const [id, changes] of byShape) {
      const shape = editor.getShape(id as TLShapeId)
      if (!shape || editor.getAncestorPageId(shape) !== pageId) continue
      const bounds = editor.getShapePageBounds(shape)
      const mark = markFor(changes, t, lang)
      if (!bounds || !mark) continue
      const corner = editor.pageToViewport({ x: bounds.minX, y: bounds.minY })
      out.push({ id, x: corner.x, y: corner.y, ...mark, title: changes.map((c) => c.message[lang]).join('\n') })
    }
    return out
  }, [editor, byShape, t, lang])

  if (marks.length === 0) return null
  return (
    <div className="wr-marks">
      {marks.map((m) => (
        <div
          key={m.id}
          className={`wr-mark wr-mark--${m.tone}`}
          data-testid="wr-change-mark"
          data-shape-id={m.id}
          title={m.title}
          style={{ transform: `translate(${m.x}px, ${m.y}px) translate(-6px, calc(-100% - 4px))` }}
        >
          {m.text}
        </div>
      ))}
    </div>
  )
}

/** tldraw components with the change marks added in front of the canvas (build once, at module scope). */
export function withChangeMarks(components: TLComponents): TLComponents {
  const Before: ComponentType | null | undefined = components.InFrontOfTheCanvas
  // biome-ignore lint/correctness/noComponentHookFactories: called once at module scope, so the identity is stable
  function InFrontOfTheCanvas() {
    return (
      <>
        {Before && <Before />}
        <ChangeMarks />
      </>
    )
  }
  return { ...components, InFrontOfTheCanvas }
}
