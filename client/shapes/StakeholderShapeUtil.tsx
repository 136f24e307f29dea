import { BaseBoxShapeUtil, resizeBox, type TLResizeInfo, useEditor, useValue } from 'tldraw'
import { customerSafeProps } from '../../shared/audience'
import { INFLUENCE_LABELS, type Label, RELATIONSHIP_LABELS, ROLE_BADGES, ROLE_LABELS } from '../../shared/shapes/labels'
import {
  defaultStakeholderProps,
  STAKEHOLDER_DEFAULT_SIZE,
  type StakeholderShape,
  stakeholderShapeMigrations,
  stakeholderShapeProps,
} from '../../shared/shapes/stakeholder'
import type { InfluenceLevel, RelationshipLevel } from '../../shared/shapes/types'
import { useStance } from '../contacts/provenance'
import {
  BrokenCard,
  boxGeometry,
  brokenShapeGuards,
  Card,
  fitFontSize,
  MainText,
  problemsOf,
  roundedRectPath,
  safeSize,
  textProp,
  tolerantProps,
  useCustomerView,
  useLabel,
  useLowDetail,
  useShapeT,
  type WarRoomShape,
} from './common'

const MIN = { w: 180, h: 110 }

/**
 * A person on the customer side. Reads from across a room: name and title, a
 * role badge, the relationship level as a colour from green (CR1) to red (CR5),
 * influence, the champion mark, our contact.
 */
export class StakeholderShapeUtil extends BaseBoxShapeUtil<StakeholderShape> {
  static override type = 'stakeholder' as const
  // Tolerant on the client so a bad value shows as a broken card (see tolerantProps).
  static override props = tolerantProps(stakeholderShapeProps)
  static override migrations = stakeholderShapeMigrations

  override getDefaultProps() {
    return defaultStakeholderProps()
  }

  override canEdit(shape: StakeholderShape) {
    return brokenShapeGuards.canEdit(shape)
  }

  override canResize(shape: StakeholderShape) {
    return brokenShapeGuards.canResize(shape)
  }

  override getGeometry(shape: StakeholderShape) {
    return boxGeometry(shape.props, STAKEHOLDER_DEFAULT_SIZE)
  }

  override getIndicatorPath(shape: StakeholderShape) {
    return roundedRectPath(shape.props, STAKEHOLDER_DEFAULT_SIZE, 12)
  }

  override onResize(shape: StakeholderShape, info: TLResizeInfo<StakeholderShape>) {
    return resizeBox(shape, info, { minWidth: MIN.w, minHeight: MIN.h })
  }

  override getText(shape: StakeholderShape) {
    return textProp(shape, 'name')
  }

  override component(shape: StakeholderShape) {
    return <StakeholderCard shape={shape} />
  }
}

function StakeholderCard({ shape }: { shape: StakeholderShape }) {
  const t = useShapeT()
  const label = useLabel()
  const editor = useEditor()
  const low = useLowDetail(shape)
  const customer = useCustomerView()
  // The leader of the faction this card sits in gets a mark of its own.
  const isLeader = useValue('stakeholder is faction leader', () => {
    const parent = editor.getShape(shape.parentId as never)
    return parent?.type === 'faction' && textProp(parent as WarRoomShape, 'leader') === shape.id
  }, [editor, shape.parentId, shape.id])
  // Who set the stance and when (hover the CR chip); an old stance fades the card (issue 14).
  const stance = useStance(shape)
  const problems = problemsOf(shape)
  if (problems.length) return <BrokenCard shape={shape} fallback={STAKEHOLDER_DEFAULT_SIZE} problems={problems} />

  // The customer view shows only the allow-listed props (shared/audience.ts); the rest are defaults.
  const p = customer ? customerSafeProps('stakeholder', shape.props, defaultStakeholderProps()) : shape.props
  const subtitle = [p.title, p.department].filter(Boolean).join(' · ')
  const crClass = customer ? 'wr-cr--customer' : `wr-cr--${p.relationship}`

  if (low) {
    // Large type for a projector: name, role badge, CR level, champion (customer: name and title).
    const { w } = safeSize(p, STAKEHOLDER_DEFAULT_SIZE)
    const name = p.name || t('shape.unnamed')
    return (
      <Card shape={shape} fallback={STAKEHOLDER_DEFAULT_SIZE} className={`wr-stakeholder wr-lod ${crClass}`}>
        <div
          className={`wr-lod__name wr-stakeholder__name ${p.name ? '' : 'wr-shape__placeholder'}`}
          data-testid="wr-card-name"
          style={{ fontSize: fitFontSize(name, w - 28 - (p.champion ? 44 : 0), 52) }}
        >
          {name}
          {!customer && p.champion && (
            <span className="wr-lod__champion" title={t('shape.champion')}>
              ★
            </span>
          )}
        </div>
        {customer ? (
          <div className="wr-lod__line" style={{ fontSize: fitFontSize(p.title || '\u00a0', w - 28, 30, 22) }}>
            {p.title || '\u00a0'}
          </div>
        ) : (
          <div className="wr-lod__row">
            <span className={`wr-role wr-role--${p.role} wr-lod__chip`}>{label(ROLE_BADGES, p.role)}</span>
            <span className={`wr-cr wr-cr-chip--${p.relationship} wr-lod__chip`}>
              {label(RELATIONSHIP_LOD, p.relationship)}
            </span>
          </div>
        )}
      </Card>
    )
  }

  return (
    <Card
      shape={shape}
      fallback={STAKEHOLDER_DEFAULT_SIZE}
      className={`wr-stakeholder ${crClass}${!customer && stance.stale ? ' wr-stakeholder--stale' : ''}`}
    >
      <div className="wr-stakeholder__head">
        {!customer && (
          <span className={`wr-role wr-role--${p.role}`} title={label(ROLE_LABELS, p.role)}>
            {label(ROLE_BADGES, p.role)}
          </span>
        )}
        <MainText shape={shape} prop="name" placeholder={t('shape.unnamed')} className="wr-stakeholder__name" />
        {!customer && p.champion && (
          <span className="wr-champion" title={t('shape.champion')}>
            ★
          </span>
        )}
      </div>
      <div className="wr-stakeholder__subtitle">{subtitle || '\u00a0'}</div>
      {!customer && (
        <div className="wr-stakeholder__row">
          <span
            className={`wr-cr wr-cr-chip--${p.relationship}`}
            title={stance.line ?? label(RELATIONSHIP_LABELS, p.relationship)}
            data-provenance={stance.line ?? undefined}
          >
            {label(RELATIONSHIP_SHORT, p.relationship)}
          </span>
          <InfluenceBars
            level={p.influence}
            title={label(INFLUENCE_LABELS, p.influence)}
            short={label(INFLUENCE_SHORT, p.influence)}
          />
        </div>
      )}
      {!customer && p.concern && (
        <div className="wr-stakeholder__concern">
          <span className="wr-shape__key">{t('shape.concern')}</span>
          {p.concern}
        </div>
      )}
      {!customer && (
        <div className="wr-stakeholder__foot">
          {isLeader && <span className="wr-chip wr-chip--leader">♛ {t('shape.leader')}</span>}
          {p.competitor && (
            <span className="wr-chip wr-chip--competitor">
              {t('shape.backs')} {p.competitor}
            </span>
          )}
          {p.contact && (
            <span className="wr-stakeholder__contact">
              {t('shape.contact')}: {p.contact}
            </span>
          )}
        </div>
      )}
    </Card>
  )
}

/** The CR level alone, for the low-detail card (the colour says the rest). */
const RELATIONSHIP_LOD: Record<RelationshipLevel, Label> = {
  cr1: { zh: 'CR1', en: 'CR1' },
  cr2: { zh: 'CR2', en: 'CR2' },
  cr3: { zh: 'CR3', en: 'CR3' },
  cr4: { zh: 'CR4', en: 'CR4' },
  cr5: { zh: 'CR5', en: 'CR5' },
  unknown: { zh: 'CR?', en: 'CR?' },
}

/** Short relationship names for the card (the full names are in the inspector and the tooltip). */
const RELATIONSHIP_SHORT: Record<RelationshipLevel, Label> = {
  cr1: { zh: 'CR1 铁杆支持', en: 'CR1 Firm supporter' },
  cr2: { zh: 'CR2 友善', en: 'CR2 Friendly' },
  cr3: { zh: 'CR3 中立', en: 'CR3 Neutral' },
  cr4: { zh: 'CR4 对手铁杆', en: 'CR4 Backs a rival' },
  cr5: { zh: 'CR5 坚决反对', en: 'CR5 Firm opponent' },
  unknown: { zh: '关系未知', en: 'Unknown' },
}

/** Short influence words for the card; the long form is its tooltip. */
const INFLUENCE_SHORT: Record<InfluenceLevel, Label> = {
  high: { zh: '影响力高', en: 'High' },
  medium: { zh: '影响力中', en: 'Medium' },
  low: { zh: '影响力低', en: 'Low' },
}

function InfluenceBars({ level, title, short }: { level: InfluenceLevel; title: string; short: string }) {
  const filled = level === 'high' ? 3 : level === 'medium' ? 2 : 1
  return (
    <span className={`wr-influence wr-influence--${level}`} title={title} role="img" aria-label={title}>
      {[1, 2, 3].map((i) => (
        <span key={i} className={i <= filled ? 'wr-influence__bar wr-influence__bar--on' : 'wr-influence__bar'} />
      ))}
      <span className="wr-influence__text">{short}</span>
    </span>
  )
}
