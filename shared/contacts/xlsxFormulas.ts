/**
 * The formulas of an .xlsx sheet, read from the sheet's own XML. read-excel-file gives a formula
 * cell as the value the spreadsheet stored for it (or nothing), so a cell `=HYPERLINK(…)` would
 * arrive as "点我" and nobody would know it had been a formula. Values are data, never formulas:
 * the import takes the formula's text instead, as a CSV cell would carry it, and says so per row.
 *
 * Only what is needed for that is read: the first worksheet of the workbook (the one
 * read-excel-file reads), each `<c r="B3">` cell with an `<f>` child. A shared formula
 * (`<f t="shared" si="0"/>`, Excel's fill-down) carries its text only on its first cell; the
 * others get that text too (their relative references are not shifted: it is shown, never run).
 */
import { strFromU8, unzipSync } from 'fflate'

/** A formula cell: 0-based row and column, and the formula as written after "=". */
export interface FormulaCell {
  row: number
  col: number
  formula: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function unescapeXml(s: string): string {
  return s
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10)
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m
      }
      return ENTITIES[e] ?? m
    })
    .replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs)
  return m ? (m[1] ?? m[2]) : undefined
}

/** "B3" → row 2, col 1 (0-based). */
function cellRef(ref: string): { row: number; col: number } | null {
  const m = /^([A-Z]{1,3})(\d+)$/.exec(ref)
  if (!m) return null
  let col = 0
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64)
  return { row: Number(m[2]) - 1, col: col - 1 }
}

/** Path of the workbook's first worksheet inside the zip. */
function firstSheetPath(files: Record<string, Uint8Array>): string | null {
  const workbook = files['xl/workbook.xml']
  const rels = files['xl/_rels/workbook.xml.rels']
  if (!workbook || !rels) return null
  const sheet = /<(?:\w+:)?sheet\b([^>]*)>/.exec(strFromU8(workbook))
  const id = sheet ? (attr(sheet[1]!, 'r:id') ?? attr(sheet[1]!, '\\w+:id')) : undefined
  if (!id) return null
  for (const m of strFromU8(rels).matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    if (attr(m[1]!, 'Id') !== id) continue
    const target = attr(m[1]!, 'Target') ?? ''
    return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`
  }
  return null
}

/** Every formula cell of the first worksheet; empty when the file has none (or is not a workbook). */
export function readFormulaCells(bytes: Uint8Array): FormulaCell[] {
  let files: Record<string, Uint8Array>
  try {
    // Only the three small parts needed; the rest of the zip is not inflated.
    files = unzipSync(bytes, {
      filter: (f) =>
        f.name === 'xl/workbook.xml' || f.name === 'xl/_rels/workbook.xml.rels' || /^xl\/worksheets\//.test(f.name),
    })
  } catch {
    return []
  }
  const path = firstSheetPath(files)
  const xml = path ? files[path] : undefined
  if (!xml) return []
  const out: FormulaCell[] = []
  const shared = new Map<string, string>()
  for (const m of strFromU8(xml).matchAll(/<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g)) {
    const body = m[2]
    if (!body || !/<(?:\w+:)?f\b/.test(body)) continue
    const ref = cellRef(attr(m[1]!, 'r') ?? '')
    if (!ref) continue
    const f = /<(?:\w+:)?f\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?f>)/.exec(body)
    if (!f) continue
    const si = attr(f[1]!, 'si')
    let text = f[2] === undefined ? '' : unescapeXml(f[2])
    if (si !== undefined && attr(f[1]!, 't') === 'shared') {
      if (text) shared.set(si, text)
      else text = shared.get(si) ?? ''
    }
    if (text) out.push({ ...ref, formula: text })
  }
  return out
}
