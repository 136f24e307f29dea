/**
 * War Room's exports: PNG and SVG of the map, the selection or one frame, with every card as on
 * screen and the relation labels drawn by the arrow's own toSvg; and the presentation as a PDF,
 * one 2× raster page per slide plus the plan summary (pdf-lib), so Chinese needs no embedded
 * font. All of it goes through tldraw's editor API (getSvgString, toImage), and every export can
 * be made customer-safe (对客版) without changing what the screen shows: the export's shapes are
 * filtered and its cards rendered for its audience only (present/audience.ts withExportAudience).
 */
import { PDFDocument } from 'pdf-lib'
import { atom, Box, type Editor, type TLImageExportOptions, type TLShapeId } from 'tldraw'
import type { Audience } from '../../shared/audience'
import type { PlanRecord } from '../../shared/plan'
import type { Lang } from '../i18n'
import { isHiddenFor, withExportAudience } from '../present/audience'
import { buildSlides, CUSTOMER_SLIDE_TITLES, SLIDE_TITLES, type Slide } from '../present/slides'
import { changesSinceLastReview, currentAccountId } from './reviewChanges'
import { renderSummaryPng, summarySvg } from './summary'

/** The room's current plan (set by the room page), for the PDF's summary page when none is given. */
export const planSignal = atom<PlanRecord | null>('war-room plan', null)

export type ImageFormat = 'png' | 'svg'
/** What to export: the whole page, the selected shapes, or one frame. */
export type ExportTarget = 'map' | 'selection' | { frame: TLShapeId }

export interface ImageExportOptions {
  format: ImageFormat
  target?: ExportTarget
  audience?: Audience
  /** Bitmap pixel ratio (PNG only); 2 unless given. */
  pixelRatio?: number
}

function targetIds(editor: Editor, target: ExportTarget, audience: Audience): TLShapeId[] {
  if (target === 'map') return [...editor.getCurrentPageShapeIds()]
  if (target === 'selection') return editor.getSelectedShapeIds()
  const bounds = editor.getShapePageBounds(target.frame)
  return bounds ? shapesWithin(editor, bounds, audience) : []
}

/** A frame's export is clipped to the frame. */
function targetBounds(editor: Editor, target: ExportTarget): Box | undefined {
  return typeof target === 'object' ? editor.getShapePageBounds(target.frame) : undefined
}

/** A file name from the account name (or id), the target and the audience. */
export function exportFileName(base: string, target: ExportTarget, audience: Audience, ext: string): string {
  const what = target === 'map' ? 'map' : target === 'selection' ? 'selection' : 'frame'
  const safe = base.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'war-room'
  return `${safe}-${what}${audience === 'customer' ? '-customer' : ''}.${ext}`
}

/** The image of a target as a Blob (SVG text or PNG bytes). Throws when there is nothing to export. */
export async function exportImage(editor: Editor, opts: ImageExportOptions): Promise<Blob> {
  const target = opts.target ?? 'map'
  const audience = opts.audience ?? 'team'
  return withExportAudience(editor, audience, async () => {
    const ids = targetIds(editor, target, audience).filter((id) => !isHiddenFor(editor, id, audience))
    if (ids.length === 0) throw new Error('nothing to export')
    const bounds = targetBounds(editor, target)
    const framing = bounds ? { bounds, padding: 0 } : { padding: 32 }
    if (opts.format === 'svg') {
      const result = await editor.getSvgString(ids, { background: true, ...framing })
      if (!result) throw new Error('nothing to export')
      return new Blob([result.svg], { type: 'image/svg+xml' })
    }
    const { blob } = await editor.toImage(ids, {
      format: 'png',
      background: true,
      ...framing,
      pixelRatio: opts.pixelRatio ?? 2,
    })
    return blob
  })
}

/** Hands a Blob to the browser as a download. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The title a slide shows (header, PDF page). */
export function slideTitle(slide: Slide, lang: Lang, audience: Audience): string {
  if (slide.kind === 'map' && audience === 'customer') return CUSTOMER_SLIDE_TITLES.map[lang]
  if (slide.kind === 'map' || slide.kind === 'people' || slide.kind === 'actions') return SLIDE_TITLES[slide.kind][lang]
  return slide.name
}

/** The longest side of a slide's raster before the 2× pixel ratio: a page, not a poster. */
const SLIDE_MAX_SIDE = 1600

/**
 * The shapes shown within `bounds` (page coordinates). A frame exports with whatever lies on it,
 * whether or not those shapes were dropped into it (drawn first, framed later, they are not its
 * children), clipped to its edges.
 */
export function shapesWithin(editor: Editor, bounds: Box, audience: Audience): TLShapeId[] {
  return [...editor.getCurrentPageShapeIds()].filter((id) => {
    if (isHiddenFor(editor, id, audience)) return false
    const b = editor.getShapePageBounds(id)
    return !!b && b.collides(bounds)
  })
}

/** What one slide's image is made of: the shapes in its bounds (a frame: clipped to the frame). */
export function slideExport(
  editor: Editor,
  slide: Slide,
  audience: Audience,
): { ids: TLShapeId[]; opts: TLImageExportOptions } {
  const bounds = slide.shapeId
    ? new Box(slide.bounds.x, slide.bounds.y, slide.bounds.w, slide.bounds.h)
    : new Box(slide.bounds.x, slide.bounds.y, slide.bounds.w, slide.bounds.h).expandBy(24)
  const scale = Math.min(1, SLIDE_MAX_SIDE / Math.max(bounds.w, bounds.h))
  return {
    ids: shapesWithin(editor, bounds, audience),
    opts: { format: 'png', background: true, scale, pixelRatio: 2, bounds, padding: 0 },
  }
}

/** One slide as a PNG at 2× (width and height as toImage reports them: CSS pixels). */
export async function renderSlidePng(
  editor: Editor,
  slide: Slide,
  audience: Audience,
): Promise<{ bytes: Uint8Array; w: number; h: number }> {
  const { ids, opts } = slideExport(editor, slide, audience)
  const { blob, width, height } = await editor.toImage(ids, opts)
  return { bytes: new Uint8Array(await blob.arrayBuffer()), w: width, h: height }
}

/**
 * The SVG text each page of the presentation PDF is rasterised from (slides, then the summary):
 * what a test reads to check a customer-safe PDF, since the PDF itself holds only images.
 */
export async function presentationSvgs(editor: Editor, opts: PdfOptions): Promise<string[]> {
  return withExportAudience(editor, opts.audience, async () => {
    const slides = buildSlides(editor, opts.audience)
    const out: string[] = []
    for (const slide of slides) {
      const { ids, opts: imageOpts } = slideExport(editor, slide, opts.audience)
      out.push((await editor.getSvgString(ids, imageOpts))?.svg ?? '')
    }
    const plan = opts.plan === undefined ? planSignal.get() : opts.plan
    if (plan) {
      const titles = slides.map((s) => slideTitle(s, opts.lang, opts.audience))
      const accountId = opts.accountId === undefined ? currentAccountId() : opts.accountId
      const changes = accountId ? await changesSinceLastReview(accountId, plan, opts.audience) : null
      out.push(summarySvg(plan, { audience: opts.audience, lang: opts.lang, slides: titles, changes }).svg)
    }
    return out
  })
}

export interface PdfOptions {
  audience: Audience
  lang: Lang
  /** The plan for the summary page (default: the room's, planSignal); null: slides only. */
  plan?: PlanRecord | null
  /** The account, for the changes since its last review (default: the room's, from the URL). */
  accountId?: string | null
}

/** Points per CSS pixel of a slide image on its PDF page (pages are sized to their image). */
const PT_PER_PX = 0.5

/**
 * The presentation as a PDF: one raster page per slide (as present mode shows them, in the same
 * order), then the plan summary. Customer-safe when `audience` is `customer`.
 */
export async function exportPresentationPdf(editor: Editor, opts: PdfOptions): Promise<Blob> {
  return withExportAudience(editor, opts.audience, async () => {
    const pdf = await PDFDocument.create()
    pdf.setCreator('War Room')
    pdf.setProducer('War Room (pdf-lib)')
    const slides = buildSlides(editor, opts.audience)
    for (const slide of slides) {
      const { bytes, w, h } = await renderSlidePng(editor, slide, opts.audience)
      const image = await pdf.embedPng(bytes)
      // toImage reports the CSS size (the bitmap inside is 2× that); the page is sized from it.
      const pageW = w * PT_PER_PX
      const pageH = h * PT_PER_PX
      const page = pdf.addPage([pageW, pageH])
      page.drawImage(image, { x: 0, y: 0, width: pageW, height: pageH })
    }
    const plan = opts.plan === undefined ? planSignal.get() : opts.plan
    if (plan) {
      const accountId = opts.accountId === undefined ? currentAccountId() : opts.accountId
      const summary = await renderSummaryPng(plan, {
        audience: opts.audience,
        lang: opts.lang,
        slides: slides.map((s) => slideTitle(s, opts.lang, opts.audience)),
        changes: accountId ? await changesSinceLastReview(accountId, plan, opts.audience) : null,
      })
      const image = await pdf.embedPng(summary.bytes)
      const [pageW, pageH] = [(summary.w / 2) * PT_PER_PX, (summary.h / 2) * PT_PER_PX]
      const page = pdf.addPage([pageW, pageH])
      page.drawImage(image, { x: 0, y: 0, width: pageW, height: pageH })
    }
    pdf.setTitle(plan?.account.name || 'War Room')
    const bytes = await pdf.save()
    return new Blob([bytes as BlobPart], { type: 'application/pdf' })
  })
}
