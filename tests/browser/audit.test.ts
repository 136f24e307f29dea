/**
 * The audit log page in a real browser: an administrator sees who signed in, who failed, who
 * changed whom, newest first, in Chinese and English, and can filter by action; a member who
 * opens /audit is sent back to the portfolio. Screenshots in tests/.artifacts/audit-*.png.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { addMember, api, createAccount, createUser, login } from '../helpers/auth.ts'
import { launchBrowser, openRecordedPage, signedIn } from '../helpers/browser.ts'
import { startTestServer, type TestServer, tempDataDir } from '../helpers/server.ts'

let server: TestServer
let browser: Browser
const data = tempDataDir('war-room-browser-')

beforeAll(async () => {
  server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  data.remove()
})

test('an administrator reads the audit log; a member cannot', async () => {
  await createUser(server, server.cookie, { email: 'mei@example.com', name: '王梅' })
  await api(server, 'POST', '/api/login', { body: { email: 'mei@example.com', password: 'a-wrong-password' } })
  const mei = await login(server, 'mei@example.com')
  await addMember(server, server.cookie, 'acme', 'mei@example.com', 'editor')
  await createAccount(server, mei, { id: 'east-grid', name: '华东电网' })

  const { page, screenshot } = await openRecordedPage(
    browser,
    `${server.url}/`,
    signedIn(server, server.cookie, { locale: 'zh-CN' }),
  )
  await page.getByRole('link', { name: '审计日志' }).click()
  await page.getByTestId('audit').waitFor()
  const rows = page.locator('[data-testid="audit"] tbody tr')
  // Newest first: the account mei created, then her membership, her sign-in, her failed attempt.
  await expect(rows.first().getAttribute('data-action')).resolves.toBe('account.create')
  const failed = page.locator('tr[data-action="auth.login.failed"]')
  await expect(failed.innerText()).resolves.toMatch(/登录失败[\s\S]*mei@example\.com[\s\S]*wrong password/)
  await expect(failed.innerText()).resolves.toContain('（未登录）')
  await expect(page.locator('tr[data-action="member.set"]').innerText()).resolves.toMatch(/– → editor/)
  await screenshot('audit-zh')

  await page.getByRole('button', { name: 'English', exact: true }).first().click()
  await page.getByTestId('audit-filter').selectOption('auth.login')
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="audit"] tbody tr')].every(
      (r) => r.getAttribute('data-action') === 'auth.login',
    ),
  )
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Audit log')
  await screenshot('audit-en')

  const member = await openRecordedPage(browser, `${server.url}/audit`, signedIn(server, mei, { locale: 'en-US' }))
  await member.page.getByTestId('accounts').waitFor()
  expect(new URL(member.page.url()).pathname).toBe('/')
  await expect(member.page.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0)
})
