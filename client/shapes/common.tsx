/**
 * Pieces the four War Room shape utils share: language, safe sizes for records
 * that may be broken, the in-place editor for a card's main text, the broken card,
 * the level of detail and the audience.
 *
 * Shape components also render inside tldraw's export root, a separate React root with
 * none of our providers (an error there silently drops the shape from the file). So
 * nothing here reads our React context: the language and the audience are tldraw signals.
 */
import { type CSSProperties, type ReactNode, useEffect, useRef } from 'react'
import {
  type Editor,
  HTMLContainer,
  type RecordProps,
  Rectangle2d,
  stopEventPropagation,
  T,
  type TLShape,
  useEditor,
  useIsEditing,
  useSvgExportContext,
  useValue,
} from 'tldraw'
import { diagnoseShapeProps, type PropProblem, repairShapeProps } from '../../shared/shapes/diagnose'
import type { Label } from '../../shared/shapes/labels'
import type { WarRoomShapeType } from '../../shared/shapes/types'
import { type Lang, type MessageKey, translate, useLangSignal } from '../i18n'
import { audienceSignal } from '../present/audience'

export type WarRoomShape = TLShape<WarRoomShapeType>

/** The display name of a contract value in the current language. */
export function useLabel(): (labels: Record<string, Label>, value: string) => string {
  const lang = useLangSignal()
  return (labels, value) => labels[value]?.[lang] ?? value
}

/** `t()` for shapes: the language from the signal, so it works in the export root too. */
export function useShapeT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const lang = useLangSignal()
  return (key, params) => translate(lang, key, params)
}

/**
 * Below this zoom a full card cannot be read (its smallest text is 13–14 px), so cards switch to
 * a simplified large-type rendering: level of detail, as maps do.
 */
export const LOW_DETAIL_ZOOM = 0.6

/**
 * The low-detail rendering's steps: below each zoom, names and titles grow to the step's size
 * (page px) so that they stay at 14 px or more on screen (size × the next step's zoom ≥ 14), down
 * to {@link LOD_LEGIBLE_ZOOM}. Steps 1–2 are the simplified card; from {@link LOD_LABEL_STEP} a
 * card shows only its name or title, as a map label (a name may spill over the card's edge).
 */
export const LOD_STEPS: readonly { below: number; namePx: number }[] = [
  { below: LOW_DETAIL_ZOOM, namePx: 42 },
  { below: 0.34, namePx: 52 },
  { below: 0.27, namePx: 72 },
  { below: 0.2, namePx: 96 },
]
/** From this step on a card is a map label. */
export const LOD_LABEL_STEP = 3
/** Names stay at 14 px or more on screen down to this zoom; below it they shrink again. */
export const LOD_LEGIBLE_ZOOM = 0.15

/** How many lines of `px` type fit in `height` (at least one). */
export function linesIn(height: number, px: number, lineHeight = 1.06): number {
  return Math.max(1, Math.floor(height / (px * lineHeight)))
}

/** The low-detail step at a zoom: 0 = the full card, 1… = {@link LOD_STEPS}. */
export function lodStepFor(zoom: number): number {
  let step = 0
  for (const [i, s] of LOD_STEPS.entries()) if (zoom < s.below) step = i + 1
  return step
}

/** The size (page px) of names and titles at a low-detail step. */
export function lodNamePx(step: number): number {
  return LOD_STEPS[Math.max(0, step - 1)]!.namePx
}

/**
 * This card's low-detail step: a stepped value derived from the zoom, so a card re-renders only
 * when the step changes, not on every zoom step. Exports always get the full card (they are read
 * at their own scale), and so does a card being edited in place (the input lives there).
 */
export function useLodStep(shape: WarRoomShape): number {
  const editor = useEditor()
  const exporting = useSvgExportContext() !== null
  const editing = useIsEditing(shape.id)
  const step = useValue('war-room lod step', () => lodStepFor(editor.getEfficientZoomLevel()), [editor])
  return exporting || editing ? 0 : step
}

/** Whether this card renders in low detail at all (any step). */
export function useLowDetail(shape: WarRoomShape): boolean {
  return useLodStep(shape) > 0
}

/**
 * Whether cards are shown to the customer: present mode's 对客版 toggle. (Exports draw the cards'
 * native SVG, for the export's own audience: see the utils' `toSvg`.)
 */
export function useCustomerView(): boolean {
  return useValue(audienceSignal) === 'customer'
}

/**
 * A font size (page px) that fits `text` on one line of `width`, at most `max`: CJK characters
 * count as one em, other characters as about half.
 */
/**
 * The largest font size from `max` down to `min` (page px) at which `text` wraps into at most
 * `lines` lines of `width`; `min` when none does (the card then ends the text with an ellipsis).
 */
export function fitLines(text: string, width: number, lines: number, max: number, min: number): number {
  const chars = [...text].map((ch) => (CJK.test(ch) ? 1 : 0.56))
  for (let size = max; size > min; size--) {
    let used = 1
    let line = 0
    for (const em of chars) {
      if ((line + em) * size > width) {
        used++
        line = 0
      }
      line += em
    }
    if (used <= lines) return size
  }
  return min
}

const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/

export function fitFontSize(text: string, width: number, max: number, min = 12): number {
  let ems = 0
  for (const ch of text) ems += CJK.test(ch) ? 1 : 0.56
  if (ems === 0) return max
  return Math.max(min, Math.min(max, Math.floor(width / ems)))
}

export function labelIn(lang: Lang, labels: Record<string, Label>, value: string): string {
  return labels[value]?.[lang] ?? value
}

/**
 * A usable width and height even for a record whose `w`/`h` are missing or
 * invalid, so geometry, hit-testing and the broken card still work.
 */
export function safeSize(props: unknown, fallback: { w: number; h: number }): { w: number; h: number } {
  const p = (typeof props === 'object' && props !== null ? props : {}) as { w?: unknown; h?: unknown }
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0
  return { w: ok(p.w) ? p.w : fallback.w, h: ok(p.h) ? p.h : fallback.h }
}

export function boxGeometry(props: unknown, fallback: { w: number; h: number }) {
  const { w, h } = safeSize(props, fallback)
  return new Rectangle2d({ width: w, height: h, isFilled: true })
}

export function roundedRectPath(props: unknown, fallback: { w: number; h: number }, radius = 10): Path2D {
  const { w, h } = safeSize(props, fallback)
  const path = new Path2D()
  path.roundRect(0, 0, w, h, radius)
  return path
}

const anyValue = new T.Validator<unknown>((value) => value)

/**
 * The client store's validators for a War Room shape: props must be an object with
 * only the contract's keys (tldraw itself needs that much), but each value is
 * accepted as it is. A record with a wrong value thus reaches the canvas and shows
 * as a broken card, instead of being dropped or aborting a sync batch; the card and
 * the inspector check with the shared strict validators, and the server validates
 * strictly with createWarRoomSchema().
 */
export function tolerantProps<S extends WarRoomShape>(strict: RecordProps<S>): RecordProps<S> {
  return Object.fromEntries(Object.keys(strict).map((key) => [key, anyValue])) as unknown as RecordProps<S>
}

/** A string prop of a record that may be broken (props missing, null, or of the wrong type). */
export function textProp(shape: WarRoomShape, prop: string): string | undefined {
  const props = shape.props as unknown as Record<string, unknown> | null
  const value = typeof props === 'object' && props !== null ? props[prop] : undefined
  return typeof value === 'string' ? value : undefined
}

/**
 * A broken shape can be moved, selected, deleted and repaired, but not resized or
 * edited in place: those read props that may not be there.
 */
export const brokenShapeGuards = {
  canResize: (shape: WarRoomShape) => problemsOf(shape).length === 0,
  canEdit: (shape: WarRoomShape) => problemsOf(shape).length === 0,
}

/** Problems of a shape's props, or none; memo-free because the check is cheap. */
export function problemsOf(shape: WarRoomShape): PropProblem[] {
  return diagnoseShapeProps(shape.type, shape.props)
}

/** Today in the user's time zone, as `YYYY-MM-DD` (what a due date is compared with). */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** The card's frame: an HTML container the size of the shape with our base class. */
export function Card({
  shape,
  fallback,
  className,
  style,
  children,
  testId,
}: {
  shape: WarRoomShape
  fallback: { w: number; h: number }
  className: string
  style?: CSSProperties
  children: ReactNode
  testId?: string
}) {
  const { w, h } = safeSize(shape.props, fallback)
  return (
    <HTMLContainer
      id={shape.id}
      className={`wr-shape ${className}`}
      style={{ width: w, height: h, ...style }}
      data-testid={testId ?? `wr-${shape.type}`}
    >
      {children}
    </HTMLContainer>
  )
}

/**
 * The main text of a card (a name or a title): plain text, or an input while the
 * shape is being edited (double-click). Enter or Escape ends the edit.
 */
export function MainText({
  shape,
  prop,
  placeholder,
  className,
}: {
  shape: WarRoomShape
  prop: 'name' | 'title'
  placeholder: string
  className: string
}) {
  const editor = useEditor()
  const isEditing = useIsEditing(shape.id)
  const value = String((shape.props as unknown as Record<string, unknown>)[prop] ?? '')
  const ref = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!isEditing) return
    const input = ref.current
    input?.focus()
    input?.select()
  }, [isEditing])

  if (!isEditing) {
    // Long (usually romanised) names step down a size rather than lose their end.
    const long = [...value].length > 9 ? 'wr-shape__text--long' : ''
    return <div className={`${className} ${long} ${value ? '' : 'wr-shape__placeholder'}`}>{value || placeholder}</div>
  }
  return (
    <input
      ref={ref}
      className={`${className} wr-shape__input`}
      data-testid="wr-main-text-input"
      value={value}
      placeholder={placeholder}
      onChange={(event) => updateProps(editor, shape, { [prop]: event.currentTarget.value })}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === 'Escape') {
          event.preventDefault()
          event.stopPropagation()
          editor.complete()
        }
      }}
      onPointerDown={stopEventPropagation}
      onPointerUp={stopEventPropagation}
      onPointerMove={stopEventPropagation}
      style={{ pointerEvents: 'all' }}
    />
  )
}

export function updateProps(editor: Editor, shape: WarRoomShape, props: Record<string, unknown>) {
  editor.updateShape({ id: shape.id, type: shape.type, props } as never)
}

/**
 * What a shape whose props do not fit the contract shows instead of its card:
 * never a crash, and the record is left as it is until someone chooses to repair it.
 */
export function BrokenCard({
  shape,
  fallback,
  problems,
}: {
  shape: WarRoomShape
  fallback: { w: number; h: number }
  problems: PropProblem[]
}) {
  const t = useShapeT()
  // Wrong values first: they say more about what happened than the props that are merely missing.
  const ordered = [...problems].sort((a, b) => Number(a.kind === 'missing') - Number(b.kind === 'missing'))
  return (
    <Card shape={shape} fallback={fallback} className="wr-broken" testId="wr-broken-shape">
      <div className="wr-broken__title">⚠ {t('shape.broken.title')}</div>
      <div className="wr-broken__type">{shape.type}</div>
      <ul className="wr-broken__list">
        {ordered.slice(0, 4).map((p) => (
          <li key={`${p.prop}:${p.kind}`}>
            <code>{p.prop || 'props'}</code> {p.kind === 'missing' ? '—' : ''} {p.message}
          </li>
        ))}
        {problems.length > 4 && <li>…</li>}
      </ul>
    </Card>
  )
}

export function repairShape(editor: Editor, shape: WarRoomShape) {
  const props = repairShapeProps(shape.type, shape.props)
  // A full replacement (not a merge), so unknown props are dropped too.
  editor.store.put([{ ...shape, props } as TLShape])
}

/**
 * A blocker's or action's title as a map label (from {@link LOD_LABEL_STEP}): at the step's
 * legible size, in as many lines as the card's height holds, ended with "…" when longer.
 */
export function LodTitle({
  text,
  step,
  height,
  className,
}: {
  text: { text: string; missing: boolean }
  step: number
  height: number
  className: string
}) {
  const px = lodNamePx(step)
  const lines = linesIn(height, px)
  return (
    <div
      className={`wr-lod__title ${className} ${text.missing ? 'wr-shape__placeholder' : ''}`}
      data-testid="wr-card-name"
      data-lod-step={step}
      style={{ fontSize: px, WebkitLineClamp: lines }}
    >
      {text.text}
    </div>
  )
}
