/**
 * Presenting the map (issue 9) in a real browser against the real server's demo account, at a
 * projector's 1280×720: the room opens fitted with every card name at 14 px or more (low-detail
 * cards), the style panel only with a selection, the room bar naming the account; present mode
 * stepped frame by frame and slide by slide with the keys; PNG and SVG exports holding every card
 * and relation label; the presentation PDF read back with pdftoppm; the customer-safe variants.
 * Screenshots go to tests/.artifacts/present-*.png.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ARTIFACTS_DIR, launchBrowser, openRecordedPage, type RecordedPage, signedIn, waitForEditor } from '../helpers/browser.ts'
import { eventually, startTestServer, type TestServer, tempDataDir } from '../helpers/server.ts'

let server: TestServer
let browser: Browser
const data = tempDataDir('war-room-browser-present-')
const PROJECTOR = { width: 1280, height: 720 }

beforeAll(async () => {
  server = await startTestServer({ dataDir: data.dir, seedDemo: true, accounts: [] })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  data.remove()
})

async function openDemo(opts: { locale?: string; query?: string } = {}): Promise<RecordedPage> {
  const recorded = await openRecordedPage(
    browser,
    `${server.url}/a/demo${opts.query ?? ''}`,
    signedIn(server, server.cookie, { locale: opts.locale ?? 'zh-CN', viewport: PROJECTOR, acceptDownloads: true }),
  )
  await waitForEditor(recorded.page)
  await eventually(
    async () =>
      expect(await recorded.page.getByTestId('connection-state').getAttribute('data-state')).toBe('connected'),
    15_000,
  )
  // The plan is derived on the page; the room bar shows its account name once it is.
  await eventually(async () => expect(await recorded.page.getByTestId('wr-roombar-name').innerText()).toContain('东川'))
  return recorded
}

/** Screen font size (px) of every card's name or title, with the card's text. */
async function cardNameSizes(page: Page): Promise<{ text: string; px: number }[]> {
  return page.evaluate(() => {
    const zoom = window.__warRoomEditor!.getZoomLevel()
    const names = document.querySelectorAll<HTMLElement>(
      '.tl-shape .wr-stakeholder__name, .tl-shape .wr-action__title, .tl-shape .wr-blocker__title, .tl-shape .wr-faction__name',
    )
    return [...names].map((el) => ({ text: el.innerText, px: Number.parseFloat(getComputedStyle(el).fontSize) * zoom }))
  })
}

test('the demo opens fitted at 1280×720: every card name 14 px or more, room bar names the account', async () => {
  const { page, errors, screenshot } = await openDemo()
  const camera = await page.evaluate(() => {
    const editor = window.__warRoomEditor!
    const viewport = editor.getViewportPageBounds()
    const shapes = editor.getCurrentPageShapes().map((s) => editor.getShapePageBounds(s)!)
    const inView = shapes.filter((b) => viewport.contains(b)).length
    return { zoom: editor.getZoomLevel(), inView, total: shapes.length }
  })
  // Every shape in view: not the origin at 100 %.
  expect(camera.inView).toBe(camera.total)
  expect(camera.zoom).toBeLessThan(0.6)
  const sizes = await cardNameSizes(page)
  expect(sizes.length).toBeGreaterThanOrEqual(24)
  for (const s of sizes) expect(s.px, s.text).toBeGreaterThanOrEqual(14)
  expect(await page.getByTestId('wr-roombar-name').innerText()).toBe('东川省能源集团 · 智慧能源平台（演示）')
  // No style panel over the map until something is selected.
  expect(await page.locator('.tlui-style-panel').count()).toBe(0)
  await screenshot('present-room-fitted-1280x720')
  expect(errors.filter((e) => !/favicon/.test(e))).toEqual([])
})
