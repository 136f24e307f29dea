/**
 * tldraw's arrow, extended to draw a relation arrow's label (汇报, 影响, 针对, 卡在) as part of the
 * arrow itself: on the canvas in `component`, and in exports in `toSvg`, so PNG and SVG files
 * carry the labels (an overlay would not be in them). The label is in the viewer's language, read
 * from the language signal: the document stores only the relation kind.
 */
import {
  ArrowShapeUtil,
  type Editor,
  getArrowInfo,
  type SvgExportContext,
  type TLArrowShape,
  useEditor,
  useValue,
} from 'tldraw'
import { RELATION_LABELS } from '../../shared/shapes/labels'
import type { RelationKind } from '../../shared/shapes/types'
import { type Lang, langSignal, useLangSignal } from '../i18n'
import { exportAudienceNow, isHiddenFor } from '../present/audience'
import { fitFontSize, LOW_DETAIL_ZOOM } from './common'
import { isRelationKind } from './relations'

/** Ink per relation; the same hues as RELATION_LOOKS' arrow colours. */
export const RELATION_INK: Record<RelationKind, string> = {
  'reports-to': '#1d1d1f',
  influences: '#7b1fa2',
  targets: '#1565c0',
  'held-by': '#c62828',
}

const LABEL_FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'

interface RelationLabelInfo {
  relation: RelationKind
  /** The label's centre in the arrow's own space. */
  x: number
  y: number
}

/** Where a relation arrow's label goes, or null when it has none (not a relation, or its own text). */
export function relationLabelInfo(editor: Editor, shape: TLArrowShape): RelationLabelInfo | null {
  const relation = shape.meta.relation
  if (!isRelationKind(relation)) return null
  // An arrow with its own text shows that instead.
  if (editor.getShapeUtil(shape).getText(shape)?.trim()) return null
  const info = getArrowInfo(editor, shape)
  if (!info?.isValid) return null
  // Elbow arrows have no single middle point; their geometry's centre is close enough.
  const middle = 'middle' in info ? info.middle : editor.getShapeGeometry(shape).bounds.center
  return { relation, x: middle.x, y: middle.y }
}

/** Width of a one-line label of `text` at `fontSize` (CJK one em, other characters about half). */
function labelWidth(text: string, fontSize: number): number {
  // fitFontSize answers the inverse question; a very wide box gives back the em count.
  const ems = 1000 / fitFontSize(text, 1000, 1000, 0.001)
  return ems * fontSize
}

export class RelationArrowShapeUtil extends ArrowShapeUtil {
  override component(shape: TLArrowShape) {
    return (
      <>
        {super.component(shape)}
        <RelationLabel shape={shape} />
      </>
    )
  }

  override toSvg(shape: TLArrowShape, ctx: SvgExportContext) {
    // Left out of an export whose audience may not see it (the customer: reports-to lines only).
    // (An empty group: the arrow util's toSvg type has no null.)
    if (isHiddenFor(this.editor, shape, exportAudienceNow())) return <g />
    const arrow = super.toSvg(shape, ctx)
    const label = relationLabelInfo(this.editor, shape)
    if (!label) return arrow
    return (
      <>
        {arrow}
        <RelationLabelSvg label={label} lang={langSignal.get()} />
      </>
    )
  }
}

/** The label as SVG (exports): a white pill with the relation's ink. */
function RelationLabelSvg({ label, lang }: { label: RelationLabelInfo; lang: Lang }) {
  const text = RELATION_LABELS[label.relation][lang]
  const fontSize = 14
  const w = labelWidth(text, fontSize) + 20
  const h = fontSize + 10
  const ink = RELATION_INK[label.relation]
  return (
    <g className="wr-relation-label-svg" data-relation={label.relation}>
      <rect
        x={label.x - w / 2}
        y={label.y - h / 2}
        width={w}
        height={h}
        rx={h / 2}
        fill="#fff"
        stroke={ink}
        strokeWidth={2}
      />
      <text
        x={label.x}
        y={label.y}
        textAnchor="middle"
        dominantBaseline="central"
        fontFamily={LABEL_FONT}
        fontSize={fontSize}
        fontWeight={700}
        fill={ink}
      >
        {text}
      </text>
    </g>
  )
}

/** The label on the canvas: HTML in the arrow's space, larger type at low zoom. */
function RelationLabel({ shape }: { shape: TLArrowShape }) {
  const editor = useEditor()
  const lang = useLangSignal()
  const low = useValue('war-room low detail', () => editor.getEfficientZoomLevel() < LOW_DETAIL_ZOOM, [editor])
  const label = relationLabelInfo(editor, shape)
  if (!label) return null
  return (
    <div
      className={`wr-relation-label wr-relation--${label.relation} ${low ? 'wr-relation-label--lod' : ''}`}
      data-testid="wr-relation-label"
      data-relation={label.relation}
      style={{ transform: `translate(${label.x}px, ${label.y}px) translate(-50%, -50%)` }}
    >
      {RELATION_LABELS[label.relation][lang]}
    </div>
  )
}
