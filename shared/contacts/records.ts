/**
 * An import plan as tldraw records in the stored document format, for writing outside an editor
 * (the import API): new cards laid out below the page's shapes (or inside a faction), fractional
 * indexes from tldraw's own index helpers, updated cards with only their changed props. Every
 * record is checked against the shared schema before anything is returned.
 */
import { getIndicesAbove, type IndexKey } from '@tldraw/utils'
import { checkRecord } from '../schema'
import { shapeRecord } from '../shapes/records'
import { type ExistingCard, type ImportPlan, metaAfterImport, propsForNewCard, propsForUpdate } from './importPlan'
import { type Box, layoutInFaction, layoutOnPage } from './layout'
import { type Bilingual, importMessages } from './messages'
import type { Author } from './provenance'

type Rec = Record<string, unknown>

export interface BuildOptions {
  author: Author
  /** ISO timestamp of the import (provenance). */
  at: string
  /** A new shape id (`shape:…`). */
  newId: () => string
  /** Put new cards into this faction instead of below the page's shapes. */
  factionId?: string
  /** The page to lay new cards on (default: the document's first page). */
  pageId?: string
}

/** The faction chosen as the import's target is not on the map. */
export class ImportTargetError extends Error {
  constructor(readonly localized: Bilingual) {
    super(localized.en)
  }
}

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback
}

function boxOf(r: Rec): Box {
  const props = isRec(r.props) ? r.props : {}
  return { x: num(r.x, 0), y: num(r.y, 0), w: num(props.w, 0), h: num(props.h, 0) }
}

function union(boxes: Box[]): Box | null {
  if (boxes.length === 0) return null
  const x = Math.min(...boxes.map((b) => b.x))
  const y = Math.min(...boxes.map((b) => b.y))
  const r = Math.max(...boxes.map((b) => b.x + b.w))
  const btm = Math.max(...boxes.map((b) => b.y + b.h))
  return { x, y, w: r - x, h: btm - y }
}

function maxIndex(records: Rec[]): IndexKey | null {
  let best: string | null = null
  for (const r of records) if (typeof r.index === 'string' && (best === null || r.index > best)) best = r.index
  return best as IndexKey | null
}

/** The stakeholder cards in a document's records (for planImport). */
export function existingCards(records: readonly unknown[]): ExistingCard[] {
  return records
    .filter(isRec)
    .flatMap((r) =>
      r.typeName === 'shape' && r.type === 'stakeholder' && typeof r.id === 'string' && isRec(r.props)
        ? [{ id: r.id, props: r.props, meta: isRec(r.meta) ? r.meta : {} }]
        : [],
    )
}

/**
 * The records to put into the document (new and changed ones, whole). `records` are the
 * document's current records (latest value per id).
 */
export function buildImportRecords(plan: ImportPlan, records: readonly unknown[], options: BuildOptions): Rec[] {
  const all = records.filter(isRec)
  const byId = new Map(all.filter((r) => typeof r.id === 'string').map((r) => [r.id as string, r]))
  const out: Rec[] = []

  const pages = all.filter((r) => r.typeName === 'page').sort((a, b) => String(a.index).localeCompare(String(b.index)))
  let pageId = options.pageId ?? (typeof pages[0]?.id === 'string' ? (pages[0].id as string) : null)
  if (!pageId) {
    // A document nobody has opened yet: give it the document and page tldraw would create.
    pageId = 'page:page'
    if (!byId.has('document:document'))
      out.push({ id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} })
    out.push({ id: pageId, typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
  }

  const adds = plan.rows.filter((r) => r.action === 'add')
  let parentId = pageId
  let positions: { x: number; y: number }[]
  let siblings: Rec[]
  if (options.factionId) {
    const faction = byId.get(options.factionId)
    if (faction?.typeName !== 'shape' || faction.type !== 'faction') {
      throw new ImportTargetError(importMessages.factionMissing(options.factionId))
    }
    parentId = options.factionId
    siblings = all.filter((r) => r.typeName === 'shape' && r.parentId === parentId)
    const box = boxOf(faction)
    const laid = layoutInFaction(
      adds.map((r) => r.fields),
      { w: box.w, h: box.h },
      siblings.map(boxOf),
    )
    positions = laid.positions
    if (adds.length > 0 && (laid.size.w !== box.w || laid.size.h !== box.h)) {
      out.push({ ...faction, props: { ...(faction.props as Rec), w: laid.size.w, h: laid.size.h } })
    }
  } else {
    siblings = all.filter((r) => r.typeName === 'shape' && r.parentId === pageId)
    positions = layoutOnPage(
      adds.map((r) => r.fields),
      union(siblings.map(boxOf)),
    )
  }

  const top = maxIndex(siblings)
  const indexes = adds.length > 0 ? getIndicesAbove(top, adds.length) : []
  adds.forEach((row, i) => {
    out.push(
      shapeRecord(options.newId(), 'stakeholder', propsForNewCard(row.fields), {
        x: positions[i]!.x,
        y: positions[i]!.y,
        index: indexes[i],
        parentId,
        meta: metaAfterImport({}, row.fields, null, options.author, options.at),
      }),
    )
  })

  for (const row of plan.rows) {
    if (row.action !== 'update' || !row.shapeId) continue
    const current = byId.get(row.shapeId)
    if (!current || !isRec(current.props)) continue
    const props = current.props
    out.push({
      ...current,
      props: { ...props, ...propsForUpdate(row.fields, props) },
      meta: metaAfterImport(isRec(current.meta) ? current.meta : {}, row.fields, props, options.author, options.at),
    })
  }

  for (const record of out) {
    const check = checkRecord(record)
    if (!check.ok) throw new Error(`import built an invalid record ${String(record.id)}: ${check.error}`)
  }
  return out
}
