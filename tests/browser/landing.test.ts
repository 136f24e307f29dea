/**
 * The landing page and the language switch, as a person uses them: Chinese for a
 * Chinese browser, account ids checked before navigating, English on request,
 * and tldraw's own UI following the chosen language.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { RunningServer } from '../../server/server.ts'
import { launchBrowser, openRecordedPage, waitForEditor } from '../helpers/browser.ts'
import { eventually, startTestServer, tempDataDir } from '../helpers/server.ts'

let server: RunningServer
let browser: Browser
const data = tempDataDir('war-room-browser-landing-')

beforeAll(async () => {
  server = await startTestServer({ dataDir: data.dir })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  data.remove()
})

const text = (page: Page, selector: string) => page.locator(selector).first().innerText()

test('a Chinese browser gets Chinese; ids are validated; the switch changes our UI and tldraw’s', async () => {
  const { page, screenshot } = await openRecordedPage(browser, `${server.url}/`, { locale: 'zh-CN' })

  expect(await text(page, 'h1')).toContain('作战室')
  await page.getByLabel('客户编号').fill('Not Valid!')
  await page.getByRole('button', { name: '打开' }).click()
  expect(await text(page, '#account-id-hint')).toContain('客户编号格式不正确')
  expect(new URL(page.url()).pathname).toBe('/')
  await screenshot('landing-zh-invalid')

  await page.getByLabel('客户编号').fill('acme-bank')
  await page.getByRole('button', { name: '打开' }).click()
  await page.waitForURL(`${server.url}/a/acme-bank`)
  await waitForEditor(page)
  await eventually(async () => expect(await page.getByTestId('connection-state').innerText()).toBe('已连接'), 15_000)
  // tldraw's own UI speaks Chinese too: the first page got our Chinese default name.
  const locale = await page.evaluate(() => window.__warRoomEditor!.user.getLocale())
  expect(locale).toBe('zh-cn')
  expect(await page.evaluate(() => window.__warRoomEditor!.getPages().map((p) => p.name))).toEqual(['第 1 页'])
  await screenshot('room-zh')

  await page.getByRole('button', { name: 'English' }).click()
  await eventually(async () => expect(await page.getByTestId('connection-state').innerText()).toBe('Connected'))
  expect(await page.evaluate(() => window.__warRoomEditor!.user.getLocale())).toBe('en')
  await screenshot('room-en')

  // The choice is remembered across a reload.
  await page.reload()
  await waitForEditor(page)
  await eventually(async () => expect(await page.getByTestId('connection-state').innerText()).toBe('Connected'), 15_000)
})

test('a malformed account id in the address bar is refused with a way back', async () => {
  const { page } = await openRecordedPage(browser, `${server.url}/a/Bad_Id`, { locale: 'en-US' })
  expect(await text(page, 'h1')).toContain('Not a valid account id: Bad_Id')
  await page.getByRole('button', { name: 'Back to start' }).click()
  await page.waitForURL(`${server.url}/`)
})
