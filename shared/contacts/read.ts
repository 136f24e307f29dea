/**
 * A contact sheet's bytes to a table of text cells: CSV (UTF-8 with or without BOM, UTF-16 with
 * BOM, or GB18030/GBK as Chinese Excel writes it) through papaparse, .xlsx through
 * read-excel-file. Runs unchanged in the browser and in Node (TextDecoder, Blob, no Node APIs).
 *
 * Cells are data: a CSV cell "=HYPERLINK(…)" stays that text; an .xlsx formula cell gives the
 * value the spreadsheet stored for it (what its author saw), and nothing is ever evaluated here.
 */
import Papa from 'papaparse'
import { readSheet } from 'read-excel-file/universal'
import type { Bilingual } from './messages'

export type SheetFormat = 'csv' | 'xlsx'

export interface Table {
  format: SheetFormat
  /** The text encoding a CSV was read with. */
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'
  /** Every row of the sheet, the header first, empty rows included (row i is sheet row i + 1). */
  rows: string[][]
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

export function parseCsvText(text: string): string[][] {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: false, delimitersToGuess: [',', '\t', ';', '|'] })
  const quotes = result.errors.find((e) => e.type === 'Quotes')
  if (quotes) {
    const row = (quotes.row ?? 0) + 1
    throw new SheetError('sheet.quotes', {
      zh: `第 ${row} 行有引号没有闭合：请检查文件中的引号`,
      en: `a quoted cell is never closed (row ${row}): check the file's quotes`,
    })
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

async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let data: unknown[][]
  try {
    data = (await readSheet(buffer, { trim: false })) as unknown[][]
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new SheetError('sheet.unreadable', {
      zh: `无法读取此 .xlsx 文件（${why}）`,
      en: `this .xlsx file cannot be read (${why})`,
    })
  }
  return data.map((row) => row.map(cellText))
}

/** Reads a contact sheet. Throws {@link SheetError} when the file as a whole cannot be read. */
export async function readTable(input: Uint8Array | ArrayBuffer): Promise<Table> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input)
  if (bytes.byteLength === 0) throw new SheetError('sheet.empty', { zh: '文件是空的', en: 'the file is empty' })
  const format = sniffFormat(bytes)
  if (format === 'xls') {
    throw new SheetError('sheet.xls', {
      zh: '不读取旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV',
      en: 'old Excel .xls files are not read: save the sheet as .xlsx or CSV',
    })
  }
  if (format === 'xlsx') return { format, rows: await readXlsx(bytes) }
  const { text, encoding } = decodeText(bytes)
  return { format, encoding, rows: parseCsvText(text.replace(/^\uFEFF/, '')) }
}
