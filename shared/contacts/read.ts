/**
 * A contact sheet's bytes to a table of text cells: CSV (UTF-8 with or without BOM, UTF-16 with
 * BOM, or GB18030/GBK as Chinese Excel writes it) through papaparse, .xlsx through
 * read-excel-file. Runs unchanged in the browser and in Node (TextDecoder, Blob, no Node APIs).
 *
 * Cells are data, never formulas: a CSV cell "=HYPERLINK(…)" stays that text, and so does an .xlsx
 * formula cell — its formula is read from the sheet's XML (xlsxFormulas.ts) in place of the value
 * the spreadsheet stored for it, and listed in `formulas` so the preview can say so. Nothing is
 * ever evaluated here.
 */
import { type Bilingual, importMessages } from './messages'

export type SheetFormat = 'csv' | 'xlsx'

export interface Table {
  format: SheetFormat
  /** The text encoding a CSV was read with. */
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'
  /** Every row of the sheet, the header first, empty rows included (row i is sheet row i + 1). */
  rows: string[][]
  /** .xlsx cells that were formulas (0-based row and column); their text in `rows` is "=" + the formula. */
  formulas?: { row: number; col: number }[]
}

export type SheetErrorCode =
  | 'sheet.unreadable'
  | 'sheet.xls'
  | 'sheet.quotes'
  | 'sheet.empty'
  | 'sheet.noName'
  | 'sheet.tooManyRows'
  | 'sheet.tooLarge'

/** A file that cannot be read at all (as opposed to single rows that cannot). */
export class SheetError extends Error {
  constructor(
    readonly code: SheetErrorCode,
    /** What to tell a person, in both languages; `message` is the English. */
    readonly localized: Bilingual,
  ) {
    super(localized.en)
  }
}

function startsWith(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b)
}

/** Text of a CSV file: by its byte-order mark, else UTF-8 when it is valid UTF-8, else GB18030. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: NonNullable<Table['encoding']> } {
  if (startsWith(bytes, 0xef, 0xbb, 0xbf)) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' }
  if (startsWith(bytes, 0xff, 0xfe)) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' }
  if (startsWith(bytes, 0xfe, 0xff)) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    // GB18030 is a superset of GBK and GB2312: every byte sequence Chinese Excel writes decodes.
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' }
  }
}

/** What a file is, by its first bytes (names and MIME types lie; bytes do not). */
export function sniffFormat(bytes: Uint8Array): SheetFormat | 'xls' {
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) return 'xlsx'
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) return 'xls'
  return 'csv'
}

/**
 * The parsers (papaparse, read-excel-file, fflate) load on the first sheet read, not with the module: a
 * server that never imports a sheet does not keep them in memory (issue 11, idle RSS).
 */
export async function parseCsvText(text: string): Promise<string[][]> {
  const { default: Papa } = await import('papaparse')
  const result = Papa.parse<string[]>(text, { skipEmptyLines: false, delimitersToGuess: [',', '\t', ';', '|'] })
  const quotes = result.errors.find((e) => e.type === 'Quotes')
  if (quotes) {
    const row = (quotes.row ?? 0) + 1
    throw new SheetError('sheet.quotes', importMessages.sheet('contacts.sheet.quotes', { row }))
  }
  const rows = result.data
  // A final line break yields one empty row at the end; it is not part of the sheet.
  if (rows.length > 0 && rows[rows.length - 1]!.every((c) => c === '')) rows.pop()
  return rows
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return ''
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
  }
  return String(value)
}

async function readXlsx(bytes: Uint8Array): Promise<Pick<Table, 'rows' | 'formulas'>> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  const [{ readSheet }, { readFormulaCells }] = await Promise.all([
    import('read-excel-file/universal'),
    import('./xlsxFormulas'),
  ])
  let data: unknown[][]
  try {
    data = (await readSheet(buffer, { trim: false })) as unknown[][]
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new SheetError('sheet.unreadable', importMessages.sheet('contacts.sheet.unreadable', { why }))
  }
  const rows = data.map((row) => row.map(cellText))
  const formulas = readFormulaCells(bytes)
  for (const { row, col, formula } of formulas) {
    while (rows.length <= row) rows.push([])
    const cells = rows[row]!
    while (cells.length <= col) cells.push('')
    cells[col] = `=${formula}`
  }
  return { rows, formulas: formulas.map(({ row, col }) => ({ row, col })) }
}

/** 5 MB, 2 KB, 300 B: a size as a person reads it. */
export function sizeText(bytes: number): string {
  const round = (n: number) => Math.round(n * 10) / 10
  if (bytes >= 1024 * 1024) return `${round(bytes / 1024 / 1024)} MB`
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`
  return `${bytes} B`
}

/** Refuses a sheet larger than `maxBytes` before anything reads it. */
export function checkSheetSize(bytes: Uint8Array | ArrayBuffer, maxBytes: number): void {
  if (bytes.byteLength > maxBytes) {
    throw new SheetError(
      'sheet.tooLarge',
      importMessages.sheet('contacts.sheet.tooLarge', { size: sizeText(bytes.byteLength), limit: sizeText(maxBytes) }),
    )
  }
}

/** Reads a contact sheet. Throws {@link SheetError} when the file as a whole cannot be read. */
export async function readTable(input: Uint8Array | ArrayBuffer): Promise<Table> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input)
  if (bytes.byteLength === 0) throw new SheetError('sheet.empty', importMessages.sheet('contacts.sheet.empty'))
  const format = sniffFormat(bytes)
  if (format === 'xls') {
    throw new SheetError('sheet.xls', importMessages.sheet('contacts.sheet.xls'))
  }
  if (format === 'xlsx') return { format, ...(await readXlsx(bytes)) }
  const { text, encoding } = decodeText(bytes)
  return { format, encoding, rows: await parseCsvText(text.replace(/^\uFEFF/, '')) }
}
