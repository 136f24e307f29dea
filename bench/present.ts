/**
 * `npx tsx bench/present.ts [runs]` (also part of `npm run bench`): presenting and exporting in
 * a real Chromium against the real server, at 1280×720.
 *
 * - PNG export (editor.toImage, 2×) and SVG export (editor.getSvgString) of the demo map (47 shapes, War Room cards) and of a
 *   4,000-shape page (bench/derive.ts's document, laid out on a grid), each against a reference in
 *   the same run: the same number of tldraw's own geo shapes with text at the same places.
 * - Present mode's slide change: from the PageDown key to the slide's camera move finished and a
 *   frame painted, against tldraw's own zoomToBounds with the same 220 ms animation.
 *
 * Medians over `runs` (default 7), after one warm-up; ratios against the reference.
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { chromium, type Page } from 'playwright-core'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../shared/protocol'
import { createAccount } from '../tests/helpers/auth'
import { startTestServer, tempDataDir, wsUrl } from '../tests/helpers/server'
import { connectClient, whenSynced } from '../tests/helpers/yclient'
import { buildDocument } from './derive'

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** The derive benchmark's 4,000 shapes, placed on a grid (its records all sit at the origin). */
function laidOutDocument(): Record<string, unknown>[] {
  const { records } = buildDocument()
  let top = 0
  const inFaction = new Map<string, number>()
  const out: Record<string, unknown>[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} },
  ]
  for (const r of records) {
    if (r.typeName !== 'shape' || r.type === 'arrow') {
      out.push(r)
      continue
    }
    if (r.parentId === 'page:page') {
      const i = top++
      out.push({ ...r, x: (i % 50) * 700, y: Math.floor(i / 50) * 460 })
    } else {
      const n = inFaction.get(r.parentId as string) ?? 0
      inFaction.set(r.parentId as string, n + 1)
      out.push({ ...r, x: 20 + (n % 2) * 290, y: 80 + Math.floor(n / 2) * 150 })
    }
  }
  return out
}

async function timeInPage(page: Page, fn: string, runs: number, warmUp = true, label = ''): Promise<number[]> {
  const samples: number[] = []
  for (let i = warmUp ? 0 : 1; i <= runs; i++) {
    const ms = await page.evaluate(fn)
    if (i > 0) samples.push(ms as number)
    // Long samples are printed as they come, so a slow run still leaves figures behind.
    if (label) console.log(`  ${label} #${i}: ${(ms as number).toFixed(0)} ms`)
  }
  return samples
}

/** Adds a reference page: tldraw geo rectangles with text where the current page's shapes are. */
const ADD_REFERENCE_PAGE = `(() => {
  const editor = window.__warRoomEditor
  const source = editor.getCurrentPageShapes().filter((s) => s.type !== 'arrow')
  const arrows = editor.getCurrentPageShapes().filter((s) => s.type === 'arrow').length
  const from = editor.getCurrentPageId()
  const boxes = source.map((s) => editor.getShapePageBounds(s))
  editor.createPage({ name: 'reference', id: 'page:reference' })
  editor.setCurrentPage('page:reference')
  const shapes = boxes.map((b, i) => ({
    type: 'geo', x: b.x, y: b.y,
    props: { w: b.w, h: b.h, geo: 'rectangle', richText: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '参考卡片 ' + i }] }] } },
  }))
  for (let i = 0; i < arrows; i++) {
    const b = boxes[i % boxes.length]
    shapes.push({ type: 'arrow', x: b.x, y: b.y, props: { start: { x: 0, y: 0 }, end: { x: 120, y: 80 } } })
  }
  editor.createShapes(shapes)
  const count = editor.getCurrentPageShapeIds().size
  editor.setCurrentPage(from)
  return count
})()`

const EXPORT_CURRENT_PAGE = `(async () => {
  const editor = window.__warRoomEditor
  const ids = [...editor.getCurrentPageShapeIds()]
  const t0 = performance.now()
  await editor.toImage(ids, { format: 'png', pixelRatio: 2, background: true })
  return performance.now() - t0
})()`

const EXPORT_CURRENT_PAGE_SVG = `(async () => {
  const editor = window.__warRoomEditor
  const ids = [...editor.getCurrentPageShapeIds()]
  const t0 = performance.now()
  await editor.getSvgString(ids, { background: true })
  return performance.now() - t0
})()`

const onPage = (id: string, fn: string) => `(async () => {
  const editor = window.__warRoomEditor
  const back = editor.getCurrentPageId()
  editor.setCurrentPage('${id}')
  try { return await ${fn} } finally { editor.setCurrentPage(back) }
})()`

/** PageDown, then wait until the camera has stopped and a frame is painted. */
const SLIDE_CHANGE = `(async () => {
  const editor = window.__warRoomEditor
  const before = window.__warRoomSlide?.key
  const t0 = performance.now()
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true }))
  await new Promise((resolve, reject) => {
    const check = () => {
      const moved = window.__warRoomSlide?.key !== before
      if (moved && editor.getCameraState() === 'idle') {
        requestAnimationFrame(() => resolve())
      } else if (performance.now() - t0 > 10000) reject(new Error('the slide did not change within 10 s'))
      else requestAnimationFrame(check)
    }
    requestAnimationFrame(check)
  })
  const ms = performance.now() - t0
  // Back to the first slide when at the end.
  if (document.querySelector('[data-testid="wr-slide-count"]')?.textContent?.match(/(\\d+) \\/ \\1$/)) {
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }))
    await new Promise((r) => setTimeout(r, 400))
  }
  return ms
})()`

/** The reference: tldraw's own camera move to the same kind of bounds, same duration. */
const CAMERA_MOVE = `(async () => {
  const editor = window.__warRoomEditor
  const shapes = editor.getCurrentPageShapes().filter((s) => s.type === 'faction')
  const i = (window.__benchCameraIndex = ((window.__benchCameraIndex ?? 0) + 1) % shapes.length)
  const b = editor.getShapePageBounds(shapes[i])
  const t0 = performance.now()
  editor.zoomToBounds(b, { inset: 40, animation: { duration: 220 } })
  await new Promise((resolve) => {
    const check = () => (editor.getCameraState() === 'idle' ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check))
    setTimeout(() => requestAnimationFrame(check), 0)
  })
  return performance.now() - t0
})()`

export async function main(args: string[]) {
  const runs = Number(args[0] ?? 7)
  console.log(
    `load average before the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  const data = tempDataDir('war-room-bench-present-')
  const server = await startTestServer({ dataDir: data.dir, seedDemo: true, accounts: [] })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: FLAGS,
  })
  try {
    const [name, value] = [
      server.cookie.slice(0, server.cookie.indexOf('=')),
      server.cookie.slice(server.cookie.indexOf('=') + 1),
    ]
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
      locale: 'zh-CN',
      storageState: {
        cookies: [
          { name, value, domain: '127.0.0.1', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
        ],
        origins: [],
      },
    })
    const open = async (id: string) => {
      const page = await context.newPage()
      await page.goto(`${server.url}/a/${id}`)
      await page.waitForFunction(() => Boolean(window.__warRoomEditor), undefined, { timeout: 120_000 })
      await page.waitForTimeout(1500)
      return page
    }
    const report: string[] = []
    const row = (what: string, ours: number[], ref: number[]) => {
      const [m, r] = [median(ours), median(ref)]
      report.push(`| ${what} | ${m.toFixed(0)} ms | ${r.toFixed(0)} ms | ${(m / r).toFixed(2)}× |`)
      console.log(report.at(-1))
    }

    // The demo map (ONLY_BIG=1 skips it and the slide changes).
    if (!process.env.ONLY_BIG) {
      // The demo map.
      const demo = await open('demo')
      const shapes = await demo.evaluate(ADD_REFERENCE_PAGE)
      console.log(`demo: ${shapes} reference shapes`)
      const demoOurs = await timeInPage(demo, EXPORT_CURRENT_PAGE, runs)
      const demoRef = await timeInPage(demo, onPage('page:reference', EXPORT_CURRENT_PAGE), runs)
      row('PNG export, demo map (47 shapes, 2×)', demoOurs, demoRef)
      const demoSvgOurs = await timeInPage(demo, EXPORT_CURRENT_PAGE_SVG, runs)
      const demoSvgRef = await timeInPage(demo, onPage('page:reference', EXPORT_CURRENT_PAGE_SVG), runs)
      row('SVG export, demo map (47 shapes)', demoSvgOurs, demoSvgRef)

      // Slide changes on the demo (7 slides, no frames).
      await demo.getByTestId('wr-present-start').click()
      await demo.waitForTimeout(800)
      const slideOurs = await timeInPage(demo, SLIDE_CHANGE, Math.max(runs * 2, 12))
      await demo.keyboard.press('Escape')
      const slideRef = await timeInPage(demo, CAMERA_MOVE, Math.max(runs * 2, 12))
      row('slide change (PageDown → camera settled, 220 ms move)', slideOurs, slideRef)
      await demo.close()
    }

    // A 4,000-shape page, written into a room through a real Yjs client.
    const id = await createAccount(server, server.cookie, { id: 'bench-4000', name: '四千图形' })
    const writer = connectClient(wsUrl(server), id, undefined, { cookie: server.cookie })
    await whenSynced(writer.provider)
    const kv = new YKeyValue(writer.doc.getArray<{ key: string; val: unknown }>(DocKeys.records))
    const records = laidOutDocument()
    writer.doc.transact(() => {
      for (const r of records) kv.set(r.id as string, r)
    })
    await new Promise((r) => setTimeout(r, 2000))
    writer.destroy()
    const big = await open(id)
    const count = await big.evaluate(() => window.__warRoomEditor!.getCurrentPageShapeIds().size)
    await big.evaluate(ADD_REFERENCE_PAGE)
    // Fewer runs (BIG_RUNS), no warm-up (the demo runs above warmed the page's code).
    const bigRuns = Number(process.env.BIG_RUNS ?? Math.max(1, Math.ceil(runs / 3)))
    const t0 = performance.now()
    const bigRef = await timeInPage(big, onPage('page:reference', EXPORT_CURRENT_PAGE), bigRuns, false, 'reference')
    const bigOurs = await timeInPage(big, EXPORT_CURRENT_PAGE, bigRuns, false, 'War Room')
    row(`PNG export, ${count}-shape page (2×)`, bigOurs, bigRef)
    const bigSvgRef = await timeInPage(
      big,
      onPage('page:reference', EXPORT_CURRENT_PAGE_SVG),
      bigRuns,
      false,
      'reference SVG',
    )
    const bigSvgOurs = await timeInPage(big, EXPORT_CURRENT_PAGE_SVG, bigRuns, false, 'War Room SVG')
    row(`SVG export, ${count}-shape page`, bigSvgOurs, bigSvgRef)
    console.log(`(4,000-shape runs took ${((performance.now() - t0) / 1000).toFixed(0)} s)`)
    console.log(
      `load average after the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    console.log(['', '| What | War Room | reference | ratio |', '| --- | --- | --- | --- |', ...report].join('\n'))
  } finally {
    await browser.close()
    await server.close()
    data.remove()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2))
