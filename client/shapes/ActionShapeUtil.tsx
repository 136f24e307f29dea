import { BaseBoxShapeUtil, resizeBox, type TLResizeInfo } from 'tldraw'
import { customerSafeProps } from '../../shared/audience'
import {
  ACTION_DEFAULT_SIZE,
  type ActionShape,
  actionShapeMigrations,
  actionShapeProps,
  defaultActionProps,
} from '../../shared/shapes/action'
import { ACTION_STATUS_LABELS, DEPARTMENT_LABELS } from '../../shared/shapes/labels'
import { type ActionProps, LIVE_ACTION_STATUSES } from '../../shared/shapes/types'
import {
  BrokenCard,
  boxGeometry,
  brokenShapeGuards,
  Card,
  fitFontSize,
  fitLines,
  MainText,
  problemsOf,
  roundedRectPath,
  safeSize,
  textProp,
  todayIso,
  tolerantProps,
  useCustomerView,
  useLabel,
  useLowDetail,
  useShapeT,
} from './common'

const MIN = { w: 180, h: 100 }

/** A live action whose due date has passed (compared in the user's own time zone). */
export function isOverdue(props: Pick<ActionProps, 'due' | 'status'>, today = todayIso()): boolean {
  return props.due !== '' && props.due < today && LIVE_ACTION_STATUSES.includes(props.status)
}

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
}

const STATUS_MARK: Record<ActionProps['status'], string> = {
  planned: '○',
  'in-progress': '▶',
  done: '✓',
  failed: '✗',
  dropped: '—',
}

function ActionCard({ shape }: { shape: ActionShape }) {
  const t = useShapeT()
  const label = useLabel()
  const low = useLowDetail(shape)
  const customer = useCustomerView()
  const problems = problemsOf(shape)
  if (problems.length) return <BrokenCard shape={shape} fallback={ACTION_DEFAULT_SIZE} problems={problems} />

  // The customer view shows only the allow-listed props (shared/audience.ts); the rest are defaults.
  const p = customer ? customerSafeProps('action', shape.props, defaultActionProps()) : shape.props
  const overdue = !customer && isOverdue(p)
  if (low) {
    // Large type: title, owner, due.
    const { w } = safeSize(p, ACTION_DEFAULT_SIZE)
    const title = p.title || t('shape.untitled')
    const meta = `${p.owner || t('shape.noOwner')} · ${p.due || t('shape.noDue')}`
    return (
      <Card
        shape={shape}
        fallback={ACTION_DEFAULT_SIZE}
        className={`wr-action wr-lod wr-dept--${p.department} wr-action--${p.status} ${overdue ? 'wr-action--overdue' : ''}`}
      >
        <div
          className={`wr-lod__title wr-action__title ${p.title ? '' : 'wr-shape__placeholder'}`}
          data-testid="wr-card-name"
          style={{ fontSize: fitLines(`${STATUS_MARK[p.status]} ${title}`, w - 32, 3, 44, 38) }}
        >
          {STATUS_MARK[p.status]} {title}
        </div>
        <div
          className={`wr-lod__line ${overdue ? 'wr-lod__line--alert' : ''}`}
          style={{ fontSize: fitFontSize(meta, w - 32, 26) }}
        >
          {meta}
        </div>
      </Card>
    )
  }
  return (
    <Card
      shape={shape}
      fallback={ACTION_DEFAULT_SIZE}
      className={`wr-action wr-dept--${p.department} wr-action--${p.status} ${overdue ? 'wr-action--overdue' : ''}`}
    >
      <div className="wr-action__head">
        {!customer && <span className="wr-chip wr-dept-chip">{label(DEPARTMENT_LABELS, p.department)}</span>}
        <span className={`wr-chip wr-chip--action-${p.status}`}>
          {STATUS_MARK[p.status]} {label(ACTION_STATUS_LABELS, p.status)}
        </span>
      </div>
      <MainText shape={shape} prop="title" placeholder={t('shape.untitled')} className="wr-action__title" />
      <div className="wr-action__meta">
        <span className={p.owner ? 'wr-action__owner' : 'wr-action__owner wr-shape__missing'}>
          <span className="wr-shape__key">{t('field.owner.short')}</span> {p.owner || t('shape.noOwner')}
        </span>
        <span className={p.due ? 'wr-action__due' : 'wr-action__due wr-shape__missing'}>
          <span className="wr-shape__key">{t('shape.due')}</span> {p.due || t('shape.noDue')}
        </span>
        {overdue && <span className="wr-chip wr-chip--overdue">⚠ {t('shape.overdue')}</span>}
      </div>
      <div className={p.checkpoint ? 'wr-action__checkpoint' : 'wr-action__checkpoint wr-shape__missing'}>
        <span className="wr-shape__key">{t('shape.checkpoint')}</span> {p.checkpoint || t('shape.noCheckpoint')}
      </div>
    </Card>
  )
}
