import { BaseBoxShapeUtil } from 'tldraw'
import {
  ACTION_DEFAULT_SIZE,
  type ActionShape,
  actionShapeMigrations,
  actionShapeProps,
  defaultActionProps,
} from '../../shared/shapes/action'
import { useLangSignal } from '../i18n'
import { cardShapeUtil } from './cardShapeUtil'
import { actionSvg } from './cardSvg'
import { actionView } from './cardView'
import {
  Card,
  fitFontSize,
  fitLines,
  LOD_LABEL_STEP,
  LodTitle,
  linesIn,
  lodNamePx,
  MainText,
  safeSize,
  todayIso,
  useCustomerView,
  useLodStep,
  useShapeT,
} from './common'

/**
 * A battle action: owner, department colour, due date, status and checkpoint;
 * an overdue one turns red and says so.
 */
export class ActionShapeUtil extends cardShapeUtil<ActionShape>(BaseBoxShapeUtil, {
  type: 'action',
  props: actionShapeProps,
  migrations: actionShapeMigrations,
  defaults: defaultActionProps,
  size: ACTION_DEFAULT_SIZE,
  min: { w: 180, h: 100 },
  radius: 10,
  text: 'title',
  Card: ActionCard,
  svg: (shape, { lang, customer, w, h }) =>
    actionSvg(actionView(shape.props, { lang, customer, today: todayIso() }), w, h),
}) {}

function ActionCard({ shape }: { shape: ActionShape }) {
  const t = useShapeT()
  const lang = useLangSignal()
  const step = useLodStep(shape)
  const low = step > 0
  const customer = useCustomerView()

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
