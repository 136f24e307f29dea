import { BaseBoxShapeUtil } from 'tldraw'
import {
  BLOCKER_DEFAULT_SIZE,
  type BlockerShape,
  blockerShapeMigrations,
  blockerShapeProps,
  defaultBlockerProps,
} from '../../shared/shapes/blocker'
import { useLangSignal } from '../i18n'
import { cardShapeUtil } from './cardShapeUtil'
import { blockerSvg } from './cardSvg'
import { blockerView } from './cardView'
import {
  Card,
  fitLines,
  LOD_LABEL_STEP,
  LodTitle,
  linesIn,
  lodNamePx,
  MainText,
  safeSize,
  useLodStep,
  useShapeT,
} from './common'

/**
 * Where the deal is stuck. Unmistakable: hazard stripes and a severity colour
 * while open or under attack; greyed, struck through and stamped once cleared.
 */
export class BlockerShapeUtil extends cardShapeUtil<BlockerShape>(BaseBoxShapeUtil, {
  type: 'blocker',
  props: blockerShapeProps,
  migrations: blockerShapeMigrations,
  defaults: defaultBlockerProps,
  size: BLOCKER_DEFAULT_SIZE,
  min: { w: 170, h: 90 },
  radius: 6,
  text: 'title',
  Card: BlockerCard,
  svg: (shape, { lang, w, h, ctx }) => blockerSvg(blockerView(shape.props, { lang }), w, h, ctx),
}) {}

function BlockerCard({ shape }: { shape: BlockerShape }) {
  const t = useShapeT()
  const lang = useLangSignal()
  const step = useLodStep(shape)
  const low = step > 0

  // Blockers are never in the customer view: the editor hides them (client/present/audience.ts).
  // What the card shows (cardView.ts; the export's SVG draws the same view).
  const v = blockerView(shape.props, { lang })
  const tone = `wr-severity--${v.severity} wr-blocker--${v.status}`
  if (step >= LOD_LABEL_STEP) {
    // A map label: the title alone, as many lines as the card holds at a legible size.
    const { h } = safeSize(shape.props, BLOCKER_DEFAULT_SIZE)
    return (
      <Card shape={shape} fallback={BLOCKER_DEFAULT_SIZE} className={`wr-blocker wr-lod wr-lod--titled ${tone}`}>
        <div className="wr-blocker__stripes" />
        <LodTitle text={v.title} step={step} height={h - 24} className="wr-blocker__title" />
      </Card>
    )
  }
  if (low) {
    // Large type: title and status.
    const { w, h } = safeSize(shape.props, BLOCKER_DEFAULT_SIZE)
    // Two lines at most, fewer when the card's height (less the status chip) holds fewer.
    const px = fitLines(v.title.text, w - 26, 2, Math.max(42, lodNamePx(step)), lodNamePx(step))
    return (
      <Card shape={shape} fallback={BLOCKER_DEFAULT_SIZE} className={`wr-blocker wr-lod ${tone}`}>
        <div className="wr-blocker__stripes" />
        <div
          className={`wr-lod__title wr-blocker__title ${v.title.missing ? 'wr-shape__placeholder' : ''}`}
          data-testid="wr-card-name"
          data-lod-step={step}
          style={{ fontSize: px, WebkitLineClamp: Math.min(2, linesIn(h - 67, px)) }}
        >
          {v.title.text}
        </div>
        <div className="wr-lod__row">
          <span className={`wr-chip wr-chip--status-${v.status} wr-lod__chip`}>{v.statusText}</span>
        </div>
      </Card>
    )
  }
  return (
    <Card shape={shape} fallback={BLOCKER_DEFAULT_SIZE} className={`wr-blocker ${tone}`}>
      <div className="wr-blocker__stripes" />
      <div className="wr-blocker__head">
        <span className="wr-blocker__kind">{v.kind}</span>
        <span className={`wr-chip wr-chip--severity-${v.severity}`}>{v.severityText}</span>
      </div>
      <MainText shape={shape} prop="title" placeholder={t('shape.untitled')} className="wr-blocker__title" />
      {v.detail && <div className="wr-blocker__detail">{v.detail}</div>}
      <div className="wr-blocker__foot">
        <span className="wr-blocker__stage">{v.stage}</span>
        {v.status === 'cleared' ? (
          <span className="wr-blocker__stamp">{v.statusText}</span>
        ) : (
          <span className={`wr-chip wr-chip--status-${v.status}`}>{v.statusText}</span>
        )}
      </div>
    </Card>
  )
}
