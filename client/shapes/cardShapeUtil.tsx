/**
 * The skeleton the four War Room card utils share, so that each util says only what is its own:
 * its contract (type, props, migrations, defaults), its size, its card and its export drawing.
 *
 * Shared: the client's tolerant validators (a bad value shows as a broken card), no in-place
 * edit or resize of a broken card, box geometry and a rounded indicator, resizing down to a
 * minimum, the card's main text for tldraw's text search, the broken card in place of the card,
 * and the export: nothing for an audience that may not see the card, the broken card's SVG for a
 * broken one, the card's own SVG tagged with its id otherwise.
 */
import type { ComponentType, ReactElement } from 'react'
import {
  type BaseBoxShapeUtil,
  type Editor,
  type Geometry2d,
  type RecordProps,
  resizeBox,
  type SvgExportContext,
  type TLBaseBoxShape,
  type TLPropsMigrations,
  type TLResizeInfo,
} from 'tldraw'
import { type Lang, langSignal, translate } from '../i18n'
import { exportAudienceNow, isHiddenFor } from '../present/audience'
import { brokenSvg, tagged } from './cardSvg'
import {
  BrokenCard,
  boxGeometry,
  brokenShapeGuards,
  problemsOf,
  roundedRectPath,
  safeSize,
  textProp,
  tolerantProps,
  type WarRoomShape,
} from './common'

type CardShape = WarRoomShape & TLBaseBoxShape

/** What an export draws a card with: the editor, the export's language and audience, the card's size. */
export interface CardSvgInput {
  editor: Editor
  lang: Lang
  /** The export is for the customer (对客版). */
  customer: boolean
  w: number
  h: number
  ctx: SvgExportContext
}

export interface CardSpec<S extends CardShape> {
  type: S['type']
  /** The shared strict validators (shared/shapes/); the client registers their tolerant twins. */
  props: RecordProps<S>
  migrations: TLPropsMigrations
  defaults: () => S['props']
  /** The size a new card has, and what a record with a broken `w`/`h` is drawn at. */
  size: { w: number; h: number }
  /** The smallest size a card resizes to. */
  min: { w: number; h: number }
  /** Corner radius of the selection indicator (page px). */
  radius: number
  /** The prop that is the card's main text: its name or its title. */
  text: 'name' | 'title'
  /** The card on the canvas (a valid record: a broken one gets the broken card). */
  Card: ComponentType<{ shape: S }>
  /** The card's native SVG for an export (hidden and broken cards never reach it). */
  svg: (shape: S, input: CardSvgInput) => ReactElement
}

/**
 * A card util's base class, built on `Base` (tldraw's box base, or its frame-like base for a
 * container): `class BlockerShapeUtil extends cardShapeUtil(BaseBoxShapeUtil, { type: 'blocker', … }) {}`.
 */
export function cardShapeUtil<S extends CardShape>(Base: typeof BaseBoxShapeUtil, spec: CardSpec<S>) {
  const { size, Card } = spec
  abstract class CardShapeUtil extends Base<S> {
    static override type = spec.type
    // Tolerant on the client so a bad value shows as a broken card (see tolerantProps).
    static override props = tolerantProps(spec.props)
    static override migrations = spec.migrations

    override getDefaultProps() {
      return spec.defaults()
    }

    override canEdit(shape: S) {
      return brokenShapeGuards.canEdit(shape)
    }

    override canResize(shape: S) {
      return brokenShapeGuards.canResize(shape)
    }

    override getGeometry(shape: S): Geometry2d {
      return boxGeometry(shape.props, size)
    }

    override getIndicatorPath(shape: S) {
      return roundedRectPath(shape.props, size, spec.radius)
    }

    override onResize(shape: S, info: TLResizeInfo<S>) {
      return resizeBox(shape, info, { minWidth: spec.min.w, minHeight: spec.min.h })
    }

    override getText(shape: S) {
      return textProp(shape, spec.text)
    }

    override component(shape: S) {
      const problems = problemsOf(shape)
      if (problems.length) return <BrokenCard shape={shape} fallback={size} problems={problems} />
      return <Card shape={shape} />
    }

    /** Exports: the full card as native SVG, from the same view as the canvas's card. */
    override toSvg(shape: S, ctx: SvgExportContext) {
      const audience = exportAudienceNow()
      if (isHiddenFor(this.editor, shape, audience)) return null
      const { w, h } = safeSize(shape.props, size)
      const lang = langSignal.get()
      const problems = problemsOf(shape)
      if (problems.length)
        return tagged(shape.id, brokenSvg(shape.type, translate(lang, 'shape.broken.title'), problems, w, h))
      return tagged(
        shape.id,
        spec.svg(shape, { editor: this.editor, lang, customer: audience === 'customer', w, h, ctx }),
      )
    }
  }
  return CardShapeUtil
}
