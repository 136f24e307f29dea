import { BaseBoxShapeUtil, resizeBox, type TLResizeInfo } from 'tldraw'
import {
  BLOCKER_DEFAULT_SIZE,
  type BlockerShape,
  blockerShapeMigrations,
  blockerShapeProps,
  defaultBlockerProps,
} from '../../shared/shapes/blocker'
import { BLOCKER_STATUS_LABELS, SEVERITY_LABELS, STAGE_LABELS } from '../../shared/shapes/labels'
import {
  BrokenCard,
  boxGeometry,
  brokenShapeGuards,
  Card,
  fitLines,
  MainText,
  problemsOf,
  roundedRectPath,
  safeSize,
  textProp,
  tolerantProps,
  useLabel,
  useLowDetail,
  useShapeT,
} from './common'

const MIN = { w: 170, h: 90 }

/**
 * Where the deal is stuck. Unmistakable: hazard stripes and a severity colour
 * while open or under attack; greyed, struck through and stamped once cleared.
 */
export class BlockerShapeUtil extends BaseBoxShapeUtil<BlockerShape> {
  static override type = 'blocker' as const
  // Tolerant on the client so a bad value shows as a broken card (see tolerantProps).
  static override props = tolerantProps(blockerShapeProps)
  static override migrations = blockerShapeMigrations

  override getDefaultProps() {
    return defaultBlockerProps()
  }

  override canEdit(shape: BlockerShape) {
    return brokenShapeGuards.canEdit(shape)
  }

  override canResize(shape: BlockerShape) {
    return brokenShapeGuards.canResize(shape)
  }

  override getGeometry(shape: BlockerShape) {
    return boxGeometry(shape.props, BLOCKER_DEFAULT_SIZE)
  }

  override getIndicatorPath(shape: BlockerShape) {
    return roundedRectPath(shape.props, BLOCKER_DEFAULT_SIZE, 6)
  }

  override onResize(shape: BlockerShape, info: TLResizeInfo<BlockerShape>) {
    return resizeBox(shape, info, { minWidth: MIN.w, minHeight: MIN.h })
  }

  override getText(shape: BlockerShape) {
    return textProp(shape, 'title')
  }

  override component(shape: BlockerShape) {
    return <BlockerCard shape={shape} />
  }
}

function BlockerCard({ shape }: { shape: BlockerShape }) {
  const t = useShapeT()
  const label = useLabel()
  const low = useLowDetail(shape)
  const problems = problemsOf(shape)
  if (problems.length) return <BrokenCard shape={shape} fallback={BLOCKER_DEFAULT_SIZE} problems={problems} />

  // Blockers are never in the customer view: the editor hides them (client/present/audience.ts).
  const p = shape.props
  if (low) {
    // Large type: title and status.
    const { w } = safeSize(p, BLOCKER_DEFAULT_SIZE)
    const title = p.title || t('shape.untitled')
    return (
      <Card
        shape={shape}
        fallback={BLOCKER_DEFAULT_SIZE}
        className={`wr-blocker wr-lod wr-severity--${p.severity} wr-blocker--${p.status}`}
      >
        <div className="wr-blocker__stripes" />
        <div
          className={`wr-lod__title wr-blocker__title ${p.title ? '' : 'wr-shape__placeholder'}`}
          data-testid="wr-card-name"
          style={{ fontSize: fitLines(title, w - 26, 2, 42, 38) }}
        >
          {title}
        </div>
        <div className="wr-lod__row">
          <span className={`wr-chip wr-chip--status-${p.status} wr-lod__chip`}>
            {p.status === 'cleared' ? '✓ ' : ''}
            {label(BLOCKER_STATUS_LABELS, p.status)}
          </span>
        </div>
      </Card>
    )
  }
  return (
    <Card
      shape={shape}
      fallback={BLOCKER_DEFAULT_SIZE}
      className={`wr-blocker wr-severity--${p.severity} wr-blocker--${p.status}`}
    >
      <div className="wr-blocker__stripes" />
      <div className="wr-blocker__head">
        <span className="wr-blocker__kind">{t('inspector.title.blocker')}</span>
        <span className={`wr-chip wr-chip--severity-${p.severity}`}>{label(SEVERITY_LABELS, p.severity)}</span>
      </div>
      <MainText shape={shape} prop="title" placeholder={t('shape.untitled')} className="wr-blocker__title" />
      {p.detail && <div className="wr-blocker__detail">{p.detail}</div>}
      <div className="wr-blocker__foot">
        <span className="wr-blocker__stage">{p.stage ? label(STAGE_LABELS, p.stage) : ''}</span>
        {p.status === 'cleared' ? (
          <span className="wr-blocker__stamp">✓ {label(BLOCKER_STATUS_LABELS, 'cleared')}</span>
        ) : (
          <span className={`wr-chip wr-chip--status-${p.status}`}>{label(BLOCKER_STATUS_LABELS, p.status)}</span>
        )}
      </div>
    </Card>
  )
}
