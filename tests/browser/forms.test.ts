/**
 * Forms check what they can before sending, in the reader's language; what only the server can
 * know (an email already taken) comes back translated too.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchBrowser, openRecordedPage, signedIn } from '../helpers/browser.ts'
import { startTestServer, tempDataDir } from '../helpers/server.ts'

let browser: Browser
const cleanups: (() => unknown)[] = []

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  while (cleanups.length) await cleanups.pop()!()
})

async function server(signIn: boolean) {
  const data = tempDataDir('war-room-browser-forms-')
  const s = await startTestServer({ dataDir: data.dir, ...(signIn ? { accounts: [] } : {}) })
  cleanups.push(
    () => data.remove(),
    () => s.close(),
  )
  return s
}

test('the set-up page says what is wrong before sending, in Chinese, then in English', async () => {
  const s = await server(false)
  const { page, screenshot } = await openRecordedPage(browser, s.url, { locale: 'zh-CN' })
  await page.getByTestId('setup-form').waitFor()
  await page.locator('#email').fill('admin@example.com')
  await page.locator('#name').fill('管理员')
  await page.locator('#password').fill('short')
  const posts: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request.url())
  })
  await page.getByRole('button', { name: '创建管理员并进入' }).click()
  const alert = page.getByRole('alert')
  await expect.poll(() => alert.innerText()).toBe('请检查：密码：至少 8 个字符')
  await screenshot('setup-check-zh')
  // Nothing was sent: the browser knew the answer.
  expect(posts).toEqual([])

  await page.getByRole('button', { name: 'English', exact: true }).first().click()
  await expect.poll(() => alert.innerText()).toBe('Please check: password: at least 8 characters')
})

test('a refusal only the server can make (the email is taken) reaches the person translated', async () => {
  const s = await server(true)
  const { page } = await openRecordedPage(browser, `${s.url}/users`, signedIn(s, s.cookie, { locale: 'zh-CN' }))
  const form = page.getByTestId('create-user')
  await form.waitFor()
  await page.locator('#user-email').fill('admin@example.com')
  await page.locator('#user-name').fill('重复的人')
  await page.locator('#user-password').fill('a long enough password')
  await form.getByRole('button').click()
  await expect.poll(() => page.locator('main').innerText()).toContain('已有使用该邮箱的用户')
})
