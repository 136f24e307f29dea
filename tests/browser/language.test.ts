/**
 * The room's language, as a person meets it: Chinese for a Chinese browser, English
 * on request and remembered, tldraw's own UI following; a malformed account id in
 * the address bar is refused with a way back.
 */
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { createAccount } from '../helpers/auth.ts'
import { openRecordedPage, signedIn, waitForEditor } from '../helpers/browser.ts'
import { expect, test } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

const badge = (page: Page) => page.getByTestId('connection-state').innerText()
const tldrawLocale = (page: Page) => page.evaluate(() => window.__warRoomEditor!.user.getLocale())

test('a Chinese browser gets Chinese in our UI and tldraw’s; the English switch is remembered', async ({
  browser,
  server,
}) => {
  const accountId = await createAccount(server, server.cookie, { id: `lang-${randomBytes(4).toString('hex')}` })
  const { page, screenshot } = await openRecordedPage(
    browser,
    `${server.url}/a/${accountId}`,
    signedIn(server, server.cookie, { locale: 'zh-CN' }),
  )
  await waitForEditor(page)
  await eventually(async () => expect(await badge(page)).toBe('已连接'), 15_000)
  expect(await tldrawLocale(page)).toBe('zh-cn')
  // The empty room's first page got our Chinese default name.
  expect(await page.evaluate(() => window.__warRoomEditor!.getPages().map((p) => p.name))).toEqual(['第 1 页'])
  await screenshot('room-zh')

  await page.getByRole('button', { name: 'English', exact: true }).first().click()
  await eventually(async () => expect(await badge(page)).toBe('Connected'))
  expect(await tldrawLocale(page)).toBe('en')
  await screenshot('room-en')

  await page.reload()
  await waitForEditor(page)
  await eventually(async () => expect(await badge(page)).toBe('Connected'), 15_000)
  expect(await tldrawLocale(page)).toBe('en')
})

test('a malformed account id in the address bar is refused with a way back', async ({ browser, server }) => {
  const { page } = await openRecordedPage(browser, `${server.url}/a/Bad_Id`, signedIn(server, server.cookie))
  await page.getByText('Not a valid account id: Bad_Id').waitFor()
  await page.getByRole('button', { name: 'Back to start' }).click()
  await page.waitForURL(`${server.url}/`)
})
