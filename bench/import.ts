/**
 * Contact import benchmark: a 2,000-row contact sheet (the default IMPORT_MAX_ROWS), as UTF-8 CSV,
 * GBK CSV and .xlsx, through the shared code the dialog and the API run:
 * - preview: read + map + plan against the map (what the dialog shows, what `?dryRun=1` answers);
 * - write: preview + records built and checked against the schema + written into a Y.Doc in one
 *   transaction (what the API does; the dialog hands the same records to the editor instead);
 * - re-import of the same sheet into the map that now holds the 2,000 cards (all unchanged).
 * Reference in the same run: one `derivePlan` of the resulting document, the work the server
 * does about a second after every edit. Run: `npx tsx bench/import.ts [runs]`.
 */
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import writeXlsxFile from 'write-excel-file/universal'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { planImport } from '../shared/contacts/importPlan'
import { mapTable } from '../shared/contacts/mapping'
import { readTable } from '../shared/contacts/read'
import { buildImportRecords, existingCards } from '../shared/contacts/records'
import { derivePlan } from '../shared/plan/derive'
import { readDocRecords } from '../shared/plan/readDoc'
import { DocKeys } from '../shared/protocol'

const ROWS = 2000
const HEADER = ['姓名', '职务', '部门', '角色', '关系', '影响力', '关注点', '对接人', '最近接触', 'CRM ID']
const ROLES = ['KDM', '关键影响者', 'KU', '把关者', '其他']
const CRS = ['CR1', 'CR2 友善者', '中立者', 'CR4', 'CR5', '未知']
const DEPTS = ['集团领导班子', '信息中心', '财务部', '采购中心', '审计部', '生产部', '调度中心', '人力资源部']

export function sheetRows(): string[][] {
  return Array.from({ length: ROWS }, (_, i) => [
    `联系人${i}`,
    `职务${i % 37}`,
    DEPTS[i % DEPTS.length]!,
    ROLES[i % ROLES.length]!,
    CRS[i % CRS.length]!,
    ['高', '中', '低'][i % 3]!,
    `关注点 ${i}，含逗号, 与"引号"`,
    ['张三', '张三、李四', '王五', ''][i % 4]!,
    `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    `C-${100000 + i}`,
  ])
}

export function csvText(rows: string[][]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')
}

/** GB18030 bytes of a text, by looking each character up in a table built with TextDecoder. */
function gbkBytes(text: string): Uint8Array {
  const table = new Map<string, number[]>()
  const decoder = new TextDecoder('gb18030')
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue
      const ch = decoder.decode(new Uint8Array([hi, lo]))
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo])
    }
  }
  const out: number[] = []
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code < 0x80) out.push(code)
    else out.push(...(table.get(ch) ?? [0x3f]))
  }
  return new Uint8Array(out)
}

function median(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function time(runs: number, fn: () => unknown | Promise<unknown>) {
  for (let i = 0; i < 2; i++) await fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await fn()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

const author = { id: 'bench', name: '压测' }

function emptyDoc() {
  const doc = new Y.Doc()
  const kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
  doc.transact(() => {
    kv.set('document:document', { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} })
    kv.set('page:page', { id: 'page:page', typeName: 'page', name: 'P', index: 'a1', meta: {} })
  })
  return { doc, kv }
}

async function preview(bytes: Uint8Array, doc: Y.Doc) {
  const table = await readTable(bytes)
  return planImport(mapTable(table.rows), existingCards(readDocRecords(doc).records as unknown[]))
}

let n = 0
async function write(bytes: Uint8Array, target: { doc: Y.Doc; kv: YKeyValue<unknown> }) {
  const plan = await preview(bytes, target.doc)
  const records = buildImportRecords(plan, readDocRecords(target.doc).records as unknown[], {
    author,
    at: new Date().toISOString(),
    newId: () => `shape:bench${n++}`,
  })
  target.doc.transact(() => {
    for (const r of records) target.kv.set(r.id as string, r)
  })
  return plan
}

export async function runImportBench(runs = 15) {
  const rows = sheetRows()
  const text = csvText(rows)
  const utf8 = new TextEncoder().encode(`\uFEFF${text}`)
  const gbk = gbkBytes(text)
  const xlsx = new Uint8Array(await (await writeXlsxFile([HEADER, ...rows]).toBlob()).arrayBuffer())

  const filled = emptyDoc()
  const first = await write(utf8, filled)
  if (first.added !== ROWS) throw new Error(`expected ${ROWS} added, got ${first.added}`)
  const again = await preview(utf8, filled.doc)
  if (again.unchanged !== ROWS) throw new Error(`expected ${ROWS} unchanged, got ${again.unchanged}`)

  const reference = await time(runs, () => derivePlan(readDocRecords(filled.doc), { today: '2026-12-01' }))
  const results = {
    'reference: derivePlan of the 2,000-card map': reference,
    'preview, UTF-8 CSV (empty map)': await time(runs, () => preview(utf8, emptyDoc().doc)),
    'preview, GBK CSV (empty map)': await time(runs, () => preview(gbk, emptyDoc().doc)),
    'preview, .xlsx (empty map)': await time(runs, () => preview(xlsx, emptyDoc().doc)),
    'write, UTF-8 CSV (empty map → 2,000 cards)': await time(runs, () => write(utf8, emptyDoc())),
    're-import preview, 2,000 unchanged': await time(runs, () => preview(utf8, filled.doc)),
  }
  return { results, sizes: { utf8: utf8.byteLength, gbk: gbk.byteLength, xlsx: xlsx.byteLength } }
}

function print({ results, sizes }: Awaited<ReturnType<typeof runImportBench>>) {
  const ref = results['reference: derivePlan of the 2,000-card map'].cpu
  console.log(
    `contact import, ${ROWS} rows (CSV ${(sizes.utf8 / 1024).toFixed(0)} KiB, GBK ${(sizes.gbk / 1024).toFixed(0)} KiB, xlsx ${(sizes.xlsx / 1024).toFixed(0)} KiB); ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
  )
  console.log('| what | wall median (ms) | CPU median (ms) | ratio to reference (CPU) |')
  console.log('| --- | --- | --- | --- |')
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} | ${(r.cpu / ref).toFixed(2)} |`)
  }
}

export async function main(argv = process.argv.slice(2)) {
  const runs = Number(argv[0] ?? 15)
  print(await runImportBench(Number.isInteger(runs) && runs > 0 ? runs : 15))
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
