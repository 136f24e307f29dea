/**
 * `npx tsx bench/importBrowser.ts [runs]` (also part of `npm run bench`): the contact import as a
 * person does it, in a real Chromium against the real server (1400×900, zh-CN). bench/import.ts
 * times the shared code in Node; this times what the browser adds: the dialog reads the generated
 * 2,000-row CSV (bench/import.ts's sheet), previews it, and on "confirm" writes the cards through
 * the editor (createShapes in one history step, selected and zoomed to).
 *
 * - preview: file chosen → preview table shown;
 * - write: confirm clicked → "done" shown (the 2,000 cards created, selected, in view).
 * Reference in the same run and page: tldraw's own geo rectangles with a text label, 2,000 of them
 * created the same way (one history step, one editor.run, selected and zoomed to), then a frame.
 *
 * Each run uses a new, empty account. Medians over `runs` (default 5) after one warm-up; ratios.
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { chromium, type Page } from 'playwright-core'
import { createAccount } from '../tests/helpers/auth'
import { CHROMIUM_FLAGS, chromiumPath, signedIn } from '../tests/helpers/browser'
import { startTestServer, tempDataDir } from '../tests/helpers/server'
import { csvText, sheetRows } from './import'

const ROWS = 2000

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** 2,000 tldraw geo rectangles with text, created as the dialog creates its cards; ms until a frame. */
const REFERENCE = `(async () => {
  const editor = window.__warRoomEditor
  const shapes = Array.from({ length: ${ROWS} }, (_, i) => ({
    type: 'geo', x: (i % 6) * 300, y: (Math.floor(i / 6) + 20) * 200,
    props: { w: 260, h: 160, geo: 'rectangle', richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '联系人' + i + ' · 职务' }] }] } },
  }))
  const t0 = performance.now()
  editor.markHistoryStoppingPoint('reference')
  editor.run(() => editor.createShapes(shapes))
  editor.selectAll()
  editor.zoomToSelection()
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  return performance.now() - t0
})()`

async function openRoom(page: Page, url: string) {
  await page.goto(url)
  await page.waitForFunction(
    () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected',
    undefined,
    { timeout: 120_000 },
  )
}

export async function main(args: string[]) {
  const runs = Number(args[0] ?? 5)
  const data = tempDataDir('war-room-bench-import-browser-')
  const server = await startTestServer({ dataDir: data.dir, accounts: [] })
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS })
  const csv = Buffer.from(`\uFEFF${csvText(sheetRows())}`)
  const previews: number[] = []
  const writes: number[] = []
  const references: number[] = []
  try {
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext(
        signedIn(server, server.cookie, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } }),
      )
      const page = await context.newPage()
      const id = await createAccount(server, server.cookie, { id: `bench-import-${i}` })
      await openRoom(page, `${server.url}/a/${id}`)

      await page.getByTestId('wr-open-import').click()
      let t0 = performance.now()
      await page
        .getByTestId('wr-import-file')
        .setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: csv })
      await page.getByTestId('wr-import-preview').waitFor({ timeout: 120_000 })
      const preview = performance.now() - t0
      t0 = performance.now()
      // The cards are created inside the click's handler: the click returns when it is done.
      await page.getByTestId('wr-import-confirm').click({ timeout: 300_000 })
      await page.getByTestId('wr-import-done').waitFor({ timeout: 120_000 })
      const write = performance.now() - t0
      const cards = await page.evaluate(
        () => window.__warRoomEditor!.getCurrentPageShapes().filter((s) => s.type === 'stakeholder').length,
      )
      if (cards !== ROWS) throw new Error(`expected ${ROWS} cards after the import, found ${cards}`)
      await page.getByTestId('wr-import-close').click({ timeout: 300_000 })
      const reference = (await page.evaluate(REFERENCE)) as number
      console.log(
        `  run ${i}${i === 0 ? ' (warm-up)' : ''}: preview ${preview.toFixed(0)} ms, write ${write.toFixed(0)} ms, reference ${reference.toFixed(0)} ms`,
      )
      if (i > 0) {
        previews.push(preview)
        writes.push(write)
        references.push(reference)
      }
      await context.close()
    }
  } finally {
    await browser.close()
    await server.close()
    data.remove()
  }
  const ref = median(references)
  console.log(`\nContact import in the browser, ${ROWS} rows, ${runs} runs, load average ${loadavg()[0]!.toFixed(1)}`)
  console.log('| What | median | ratio to the reference |')
  console.log('| --- | --- | --- |')
  console.log(`| reference: ${ROWS} tldraw geo shapes created, selected, zoomed to | ${ref.toFixed(0)} ms | 1 |`)
  console.log(`| preview (file → table) | ${median(previews).toFixed(0)} ms | ${(median(previews) / ref).toFixed(2)} |`)
  console.log(
    `| write (confirm → done, ${ROWS} cards) | ${median(writes).toFixed(0)} ms | ${(median(writes) / ref).toFixed(2)} |`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
