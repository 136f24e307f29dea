import {
  BaseFrameLikeShapeUtil,
  type Editor,
  Group2d,
  Rectangle2d,
  type TLShape,
  useEditor,
  useValue,
  Vec,
} from 'tldraw'
import {
  defaultFactionProps,
  FACTION_DEFAULT_SIZE,
  type FactionShape,
  factionShapeMigrations,
  factionShapeProps,
} from '../../shared/shapes/faction'
import { useLangSignal } from '../i18n'
import { cardShapeUtil } from './cardShapeUtil'
import { factionSvg } from './cardSvg'
import { factionView } from './cardView'
import {
  Card,
  fitFontSize,
  LOD_LABEL_STEP,
  lodNamePx,
  MainText,
  safeSize,
  textProp,
  useLodStep,
  useShapeT,
  type WarRoomShape,
} from './common'

/** Height of the header band; a click there selects the faction (the body is open space for members). */
export const FACTION_HEADER_HEIGHT = 64

/**
 * A camp inside the customer, drawn as a container: a stakeholder dropped inside
 * becomes its child (a member), dragged out it leaves. Built on tldraw's
 * frame-like base, which does the reparenting on drag in and out.
 */
export class FactionShapeUtil extends cardShapeUtil<FactionShape>(BaseFrameLikeShapeUtil, {
  type: 'faction',
  props: factionShapeProps,
  migrations: factionShapeMigrations,
  defaults: defaultFactionProps,
  size: FACTION_DEFAULT_SIZE,
  min: { w: 260, h: 160 },
  radius: 16,
  text: 'name',
  Card: FactionCard,
  svg: (shape, { editor, lang, w, h }) =>
    factionSvg(factionView(shape.props, { lang, ...factionMembers(editor, shape) }), w, h),
}) {
  /** Only stakeholders are members; other shapes pass over a faction untouched. */
  override canReceiveNewChildrenOfType(shape: FactionShape, type: TLShape['type']) {
    return !shape.isLocked && type === 'stakeholder'
  }

  override getGeometry(shape: FactionShape) {
    const { w, h } = safeSize(shape.props, FACTION_DEFAULT_SIZE)
    return new Group2d({
      children: [
        new Rectangle2d({ width: w, height: h, isFilled: false }),
        // The header counts as the faction's label: frame-like shapes are selected by it.
        new Rectangle2d({ width: w, height: Math.min(FACTION_HEADER_HEIGHT, h), isFilled: true, isLabel: true }),
      ],
    })
  }

  override getClipPath(shape: FactionShape) {
    const { w, h } = safeSize(shape.props, FACTION_DEFAULT_SIZE)
    return [new Vec(0, 0), new Vec(w, 0), new Vec(w, h), new Vec(0, h)]
  }
}

/** A faction's member count and its leader's name, read from the editor. */
export function factionMembers(editor: Editor, shape: FactionShape): { members: number; leaderName: string } {
  const children = editor.getSortedChildIdsForParent(shape.id).map((id) => editor.getShape(id))
  const stakeholders = children.filter((c) => c?.type === 'stakeholder')
  const leaderId = textProp(shape, 'leader')
  const leader = leaderId ? editor.getShape(leaderId as TLShape['id']) : undefined
  return {
    members: stakeholders.length,
    leaderName: leader?.type === 'stakeholder' ? (textProp(leader as WarRoomShape, 'name') ?? '') : '',
  }
}

function FactionCard({ shape }: { shape: FactionShape }) {
  const t = useShapeT()
  const lang = useLangSignal()
  const step = useLodStep(shape)
  const low = step > 0
  const editor = useEditor()
  const { members, leaderName } = useValue('faction members', () => factionMembers(editor, shape), [
    editor,
    shape.id,
    textProp(shape, 'leader'),
  ])

  // What the card shows (cardView.ts; the export's SVG draws the same view).
  const v = factionView(shape.props, { lang, members, leaderName })
  if (low) {
    // Large type: the name above the box, as tldraw's frames carry theirs (inside, the band is
    // mostly under the leader's card at this zoom), the stance in the band's left corner.
    const { w } = safeSize(shape.props, FACTION_DEFAULT_SIZE)
    return (
      <>
        <div
          className={`wr-lod__name wr-faction__name wr-faction__outside ${step >= LOD_LABEL_STEP ? 'wr-faction__outside--label' : ''} ${v.name.missing ? 'wr-shape__placeholder' : ''} wr-stance--${v.stance}`}
          data-testid="wr-card-name"
          data-lod-step={step}
          // The simplified card fits the name to the box (never below the step's size); as a label it
          // keeps the step's size, spilling over.
          style={{
            fontSize:
              step >= LOD_LABEL_STEP
                ? lodNamePx(step)
                : fitFontSize(v.name.text, w - 16, Math.max(48, lodNamePx(step)), lodNamePx(step)),
            width: w,
          }}
        >
          {v.name.text}
        </div>
        <Card shape={shape} fallback={FACTION_DEFAULT_SIZE} className={`wr-faction wr-lod wr-stance--${v.stance}`}>
          <div className="wr-faction__head wr-lod__factionhead" style={{ height: FACTION_HEADER_HEIGHT }}>
            <span className={`wr-chip wr-stance-chip--${v.stance} wr-lod__chip`}>{v.stanceText}</span>
          </div>
        </Card>
      </>
    )
  }
  return (
    <Card shape={shape} fallback={FACTION_DEFAULT_SIZE} className={`wr-faction wr-stance--${v.stance}`}>
      <div className="wr-faction__head" style={{ height: FACTION_HEADER_HEIGHT }}>
        <div className="wr-faction__titlebar">
          <MainText shape={shape} prop="name" placeholder={t('shape.unnamed')} className="wr-faction__name" />
          <span className={`wr-chip wr-stance-chip--${v.stance}`}>{v.stanceText}</span>
          <span className="wr-faction__count">{v.count}</span>
        </div>
        <div className="wr-faction__sub">
          {v.leader && <span>{v.leader}</span>}
          {v.strategy && <span className="wr-faction__strategy">{v.strategy}</span>}
        </div>
      </div>
    </Card>
  )
}
