import { BaseBoxShapeUtil, type Editor, useEditor, useValue } from 'tldraw'
import {
  defaultStakeholderProps,
  STAKEHOLDER_DEFAULT_SIZE,
  type StakeholderShape,
  stakeholderShapeMigrations,
  stakeholderShapeProps,
} from '../../shared/shapes/stakeholder'
import type { InfluenceLevel } from '../../shared/shapes/types'
import { stanceOf, useStance } from '../contacts/provenance'
import { useLangSignal } from '../i18n'
import { cardShapeUtil } from './cardShapeUtil'
import { stakeholderSvg } from './cardSvg'
import { stakeholderView } from './cardView'
import {
  Card,
  fitFontSize,
  LOD_LABEL_STEP,
  lodNamePx,
  MainText,
  safeSize,
  textProp,
  useCustomerView,
  useLodStep,
  useShapeT,
  type WarRoomShape,
} from './common'

/**
 * A person on the customer side. Reads from across a room: name and title, a
 * role badge, the relationship level as a colour from green (CR1) to red (CR5),
 * influence, the champion mark, our contact.
 */
export class StakeholderShapeUtil extends cardShapeUtil<StakeholderShape>(BaseBoxShapeUtil, {
  type: 'stakeholder',
  props: stakeholderShapeProps,
  migrations: stakeholderShapeMigrations,
  defaults: defaultStakeholderProps,
  size: STAKEHOLDER_DEFAULT_SIZE,
  min: { w: 180, h: 110 },
  radius: 12,
  text: 'name',
  Card: StakeholderCard,
  svg: (shape, { editor, lang, customer, w, h }) =>
    stakeholderSvg(
      stakeholderView(shape.props, {
        lang,
        customer,
        isLeader: isFactionLeader(editor, shape),
        stale: stanceOf(shape, lang).stale,
      }),
      w,
      h,
    ),
}) {}

function StakeholderCard({ shape }: { shape: StakeholderShape }) {
  const t = useShapeT()
  const lang = useLangSignal()
  const editor = useEditor()
  const step = useLodStep(shape)
  const low = step > 0
  const customer = useCustomerView()
  // The leader of the faction this card sits in gets a mark of its own.
  const isLeader = useValue('stakeholder is faction leader', () => isFactionLeader(editor, shape), [
    editor,
    shape.parentId,
    shape.id,
  ])
  // Who set the stance and when (hover the CR chip); an old stance fades the card (issue 14).
  const stance = useStance(shape)

  // What the card shows, for its audience (cardView.ts; the export's SVG draws the same view).
  const v = stakeholderView(shape.props, { lang, customer, isLeader, stale: stance.stale })
  const crClass = `wr-cr--${v.tone}`

  if (step >= LOD_LABEL_STEP) {
    // A map label: the name alone, at a size that stays legible (it may spill over the card's edge).
    return (
      <Card
        shape={shape}
        fallback={STAKEHOLDER_DEFAULT_SIZE}
        className={`wr-stakeholder wr-lod wr-lod--label ${crClass}`}
      >
        <div
          className={`wr-lod__label wr-stakeholder__name ${v.name.missing ? 'wr-shape__placeholder' : ''}`}
          data-testid="wr-card-name"
          data-lod-step={step}
          style={{ fontSize: lodNamePx(step) }}
        >
          {v.name.text}
          {v.champion && <span className="wr-lod__champion">★</span>}
        </div>
      </Card>
    )
  }
  if (low) {
    // Large type for a projector: name, role badge, CR level, champion (customer: name and title).
    const { w } = safeSize(shape.props, STAKEHOLDER_DEFAULT_SIZE)
    return (
      <Card shape={shape} fallback={STAKEHOLDER_DEFAULT_SIZE} className={`wr-stakeholder wr-lod ${crClass}`}>
        <div
          className={`wr-lod__name wr-stakeholder__name ${v.name.missing ? 'wr-shape__placeholder' : ''}`}
          data-testid="wr-card-name"
          data-lod-step={step}
          style={{ fontSize: fitFontSize(v.name.text, w - 28 - (v.champion ? 44 : 0), 52, lodNamePx(step)) }}
        >
          {v.name.text}
          {v.champion && (
            <span className="wr-lod__champion" title={v.championTitle}>
              ★
            </span>
          )}
        </div>
        {v.role && v.cr ? (
          <div className="wr-lod__row">
            <span className={`wr-role wr-role--${v.role.value} wr-lod__chip`}>{v.role.badge}</span>
            <span className={`wr-cr wr-cr-chip--${v.cr.level} wr-lod__chip`}>{v.cr.lod}</span>
          </div>
        ) : (
          <div className="wr-lod__line" style={{ fontSize: fitFontSize(v.jobTitle || '\u00a0', w - 28, 30, 22) }}>
            {v.jobTitle || '\u00a0'}
          </div>
        )}
      </Card>
    )
  }

  return (
    <Card
      shape={shape}
      fallback={STAKEHOLDER_DEFAULT_SIZE}
      className={`wr-stakeholder ${crClass}${v.stale ? ' wr-stakeholder--stale' : ''}`}
    >
      <div className="wr-stakeholder__head">
        {v.role && (
          <span className={`wr-role wr-role--${v.role.value}`} title={v.role.title}>
            {v.role.badge}
          </span>
        )}
        <MainText shape={shape} prop="name" placeholder={t('shape.unnamed')} className="wr-stakeholder__name" />
        {v.champion && (
          <span className="wr-champion" title={v.championTitle}>
            ★
          </span>
        )}
      </div>
      <div className="wr-stakeholder__subtitle">{v.subtitle || '\u00a0'}</div>
      {v.cr && (
        <div className="wr-stakeholder__row">
          <span
            className={`wr-cr wr-cr-chip--${v.cr.level}`}
            title={stance.line ?? v.cr.title}
            data-provenance={stance.line ?? undefined}
          >
            {v.cr.short}
          </span>
          {v.influence && (
            <InfluenceBars
              level={v.influence.level}
              bars={v.influence.bars}
              title={v.influence.title}
              short={v.influence.short}
            />
          )}
        </div>
      )}
      {v.concern && (
        <div className="wr-stakeholder__concern">
          <span className="wr-shape__key">{v.concern.key}</span>
          {v.concern.text}
        </div>
      )}
      {(v.leader || v.competitor || v.contact) && (
        <div className="wr-stakeholder__foot">
          {v.leader && <span className="wr-chip wr-chip--leader">{v.leader}</span>}
          {v.competitor && <span className="wr-chip wr-chip--competitor">{v.competitor}</span>}
          {v.contact && <span className="wr-stakeholder__contact">{v.contact}</span>}
        </div>
      )}
    </Card>
  )
}

/** Whether a stakeholder is the leader of the faction it sits in. */
export function isFactionLeader(editor: Editor, shape: StakeholderShape): boolean {
  const parent = editor.getShape(shape.parentId as never)
  return parent?.type === 'faction' && textProp(parent as WarRoomShape, 'leader') === shape.id
}

function InfluenceBars({
  level,
  bars,
  title,
  short,
}: {
  level: InfluenceLevel
  bars: number
  title: string
  short: string
}) {
  return (
    <span className={`wr-influence wr-influence--${level}`} title={title} role="img" aria-label={title}>
      {[1, 2, 3].map((i) => (
        <span key={i} className={i <= bars ? 'wr-influence__bar wr-influence__bar--on' : 'wr-influence__bar'} />
      ))}
      <span className="wr-influence__text">{short}</span>
    </span>
  )
}
