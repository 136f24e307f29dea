/**
 * Exports for an audience, through tldraw's public shape-util API: every shape util the canvas
 * renders with leaves a shape out of an export when the export's audience may not see it (the
 * allow-list of shared/audience.ts, applied by client/present/audience.ts's `isHiddenFor`).
 *
 * War Room's own cards and the relation arrow check this in their own `toSvg`; tldraw's other
 * shapes get it here, as subclasses of their utils: `toSvg`/`toBackgroundSvg` answer nothing for a
 * hidden shape, and the two without a `toSvg` (bookmark, embed: exported as HTML) render nothing
 * in the export root. So an export never changes what the screen shows, and needs nothing of
 * tldraw's internals.
 */
import { createElement, type ReactElement } from 'react'
import {
  defaultShapeUtils,
  type SvgExportContext,
  type TLAnyShapeUtilConstructor,
  type TLShape,
  useEditor,
  useSvgExportContext,
} from 'tldraw'
import { exportAudienceNow, isHiddenFor } from '../present/audience'

type SvgResult = ReactElement | null | Promise<ReactElement | null>

interface AnyUtil {
  editor: import('tldraw').Editor
  toSvg?(shape: TLShape, ctx: SvgExportContext): SvgResult
  toBackgroundSvg?(shape: TLShape, ctx: SvgExportContext): SvgResult
  component(shape: TLShape): unknown
}

type UtilClass = abstract new (...args: never[]) => AnyUtil

/** Nothing for a shape hidden from the audience of the export being made. */
function hidden(util: AnyUtil, shape: TLShape): boolean {
  return isHiddenFor(util.editor, shape, exportAudienceNow())
}

/** The util, leaving hidden shapes out of exports (see the module's comment). */
export function filteredForExport(Util: TLAnyShapeUtilConstructor): TLAnyShapeUtilConstructor {
  const Base = Util as unknown as UtilClass
  const proto = Base.prototype as AnyUtil
  if (typeof proto.toSvg === 'function') {
    abstract class Filtered extends Base {
      override toSvg(shape: TLShape, ctx: SvgExportContext): SvgResult {
        return hidden(this, shape) ? null : (proto.toSvg as NonNullable<AnyUtil['toSvg']>).call(this, shape, ctx)
      }
    }
    if (typeof proto.toBackgroundSvg === 'function') {
      Object.defineProperty(Filtered.prototype, 'toBackgroundSvg', {
        value(this: AnyUtil, shape: TLShape, ctx: SvgExportContext) {
          return hidden(this, shape) ? null : proto.toBackgroundSvg!.call(this, shape, ctx)
        },
      })
    }
    return Filtered as unknown as TLAnyShapeUtilConstructor
  }
  // Exported as HTML in a foreignObject: the component renders nothing there for a hidden shape.
  abstract class FilteredHtml extends Base {
    override component(shape: TLShape) {
      return createElement(HiddenInExport, { shape, render: () => proto.component.call(this, shape) })
    }
  }
  return FilteredHtml as unknown as TLAnyShapeUtilConstructor
}

function HiddenInExport({ shape, render }: { shape: TLShape; render: () => unknown }) {
  const editor = useEditor()
  const exporting = useSvgExportContext() !== null
  // Rendered either way, so the component's own hooks run in the same order every time.
  const element = render() as ReactElement
  return exporting && isHiddenFor(editor, shape, exportAudienceNow()) ? null : element
}

/** tldraw's own shape utils, filtered; the arrow is War Room's relation arrow (filtered itself). */
export const filteredDefaultShapeUtils: readonly TLAnyShapeUtilConstructor[] = defaultShapeUtils
  .filter((Util) => Util.type !== 'arrow')
  .map(filteredForExport)
