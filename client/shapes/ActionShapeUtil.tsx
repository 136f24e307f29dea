import { BaseBoxShapeUtil, resizeBox, type TLResizeInfo } from 'tldraw'
import {
  ACTION_DEFAULT_SIZE,
  type ActionShape,
  actionShapeMigrations,
  actionShapeProps,
  defaultActionProps,
} from '../../shared/shapes/action'
import { langSignal, translate, useLangSignal } from '../i18n'
import { exportAudienceNow, isHiddenFor } from '../present/audience'
import { actionSvg, brokenSvg, tagged } from './cardSvg'
import { actionView } from './cardView'
import {
  BrokenCard,
  boxGeometry,
  brokenShapeGuards,
  Card,
  fitFontSize,
  fitLines,
  LOD_LABEL_STEP,
  LodTitle,
  linesIn,
  lodNamePx,
  MainText,
  problemsOf,
  roundedRectPath,
  safeSize,
  textProp,
  todayIso,
  tolerantProps,
  useCustomerView,
  useLodStep,
  useShapeT,
} from './common'

const MIN = { w: 180, h: 100 }

/**
 * A battle action: owner, department colour, due date, status and checkpoint;
 * an overdue one turns red and says so.
 */
export class ActionShapeUtil extends BaseBoxShapeUtil<ActionShape> {
  static override type = 'action' as const
  // Tolerant on the client so a bad value shows as a broken card (see tolerantProps).
  static override props = tolerantProps(actionShapeProps)
  static override migrations = actionShapeMigrations

  override getDefaultProps() {
    return defaultActionProps()
  }

  override canEdit(shape: ActionShape) {
    return brokenShapeGuards.canEdit(shape)
  }

  override canResize(shape: ActionShape) {
    return brokenShapeGuards.canResize(shape)
  }

  override getGeometry(shape: ActionShape) {
    return boxGeometry(shape.props, ACTION_DEFAULT_SIZE)
  }

  override getIndicatorPath(shape: ActionShape) {
    return roundedRectPath(shape.props, ACTION_DEFAULT_SIZE, 10)
  }

  override onResize(shape: ActionShape, info: TLResizeInfo<ActionShape>) {
    return resizeBox(shape, info, { minWidth: MIN.w, minHeight: MIN.h })
  }

  override getText(shape: ActionShape) {
    return textProp(shape, 'title')
  }

  override component(shape: ActionShape) {
    return <ActionCard shape={shape} />
  }

  /** Exports: the full card as native SVG, from the same view as the canvas's card. */
  override toSvg(shape: ActionShape) {
    const audience = exportAudienceNow()
    if (isHiddenFor(this.editor, shape, audience)) return null
    const { w, h } = safeSize(shape.props, ACTION_DEFAULT_SIZE)
    const lang = langSignal.get()
    const problems = problemsOf(shape)
    if (problems.length)
      return tagged(shape.id, brokenSvg(shape.type, translate(lang, 'shape.broken.title'), problems, w, h))
    return tagged(
      shape.id,
      actionSvg(actionView(shape.props, { lang, customer: audience === 'customer', today: todayIso() }), w, h),
    )
  }
}

function ActionCard({ shape }: { shape: ActionShape }) {
  const t = useShapeT()
  const lang = useLangSignal()
  const step = useLodStep(shape)
  const low = step > 0
  const customer = useCustomerView()
  const problems = problemsOf(shape)
  if (problems.length) return <BrokenCard shape={shape} fallback={ACTION_DEFAULT_SIZE} problems={problems} />

  // What the card shows, for its audience (cardView.ts; the export's SVG draws the same view).
  const v = actionView(shape.props, { lang, customer, today: todayIso() })
  const tone = `wr-dept--${v.department} wr-action--${v.status} ${v.overdue ? 'wr-action--overdue' : ''}`
  if (step >= LOD_LABEL_STEP) {
    // A map label: the title alone, as many lines as the card holds at a legible size.
    const { h } = safeSize(shape.props, ACTION_DEFAULT_SIZE)
    return (
      <Card shape={shape} fallback={ACTION_DEFAULT_SIZE} className={`wr-action wr-lod wr-lod--titled ${tone}`}>
        <LodTitle text={v.title} step={step} height={h - 16} className="wr-action__title" />
      </Card>
    )
  }
  if (low) {
    // Large type: title, owner, due.
    const { w, h } = safeSize(shape.props, ACTION_DEFAULT_SIZE)
    // Three lines at most, fewer when the card's height (less the owner/due line) holds fewer.
    const px = fitLines(`${v.mark} ${v.title.text}`, w - 32, 3, Math.max(44, lodNamePx(step)), lodNamePx(step))
    return (
      <Card shape={shape} fallback={ACTION_DEFAULT_SIZE} className={`wr-action wr-lod ${tone}`}>
        <div
          className={`wr-lod__title wr-action__title ${v.title.missing ? 'wr-shape__placeholder' : ''}`}
          data-testid="wr-card-name"
          data-lod-step={step}
          style={{ fontSize: px, WebkitLineClamp: Math.min(3, linesIn(h - 56, px)) }}
        >
          {v.mark} {v.title.text}
        </div>
        <div
          className={`wr-lod__line ${v.overdue ? 'wr-lod__line--alert' : ''}`}
          style={{ fontSize: fitFontSize(v.meta, w - 32, 26) }}
        >
          {v.meta}
        </div>
      </Card>
    )
  }
  const missing = (k: { missing: boolean }, cls: string) => (k.missing ? `${cls} wr-shape__missing` : cls)
  return (
    <Card shape={shape} fallback={ACTION_DEFAULT_SIZE} className={`wr-action ${tone}`}>
      <div className="wr-action__head">
        {v.departmentText && <span className="wr-chip wr-dept-chip">{v.departmentText}</span>}
        <span className={`wr-chip wr-chip--action-${v.status}`}>{v.statusText}</span>
      </div>
      <MainText shape={shape} prop="title" placeholder={t('shape.untitled')} className="wr-action__title" />
      <div className="wr-action__meta">
        <span className={missing(v.owner, 'wr-action__owner')}>
          <span className="wr-shape__key">{v.owner.key}</span> {v.owner.text}
        </span>
        <span className={missing(v.due, 'wr-action__due')}>
          <span className="wr-shape__key">{v.due.key}</span> {v.due.text}
        </span>
        {v.overdueText && <span className="wr-chip wr-chip--overdue">{v.overdueText}</span>}
      </div>
      <div className={missing(v.checkpoint, 'wr-action__checkpoint')}>
        <span className="wr-shape__key">{v.checkpoint.key}</span> {v.checkpoint.text}
      </div>
    </Card>
  )
}
