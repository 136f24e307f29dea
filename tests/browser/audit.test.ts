/**
 * The audit log page in a real browser: an administrator sees who signed in, who failed, who
 * changed whom, newest first, in Chinese and English, and can filter by action; a member who
 * opens /audit is sent back to the portfolio. Screenshots in tests/.artifacts/audit-*.png.
 */
import { addMember, api, createAccount, createUser, login } from '../helpers/auth.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'

const test = base.extend('serverOptions', { scope: 'file' }, { accounts: ['acme'] })

test('an administrator reads the audit log; a member cannot', async ({ server, open }) => {
  await createUser(server, server.cookie, { email: 'mei@example.com', name: '王梅' })
  await api(server, 'POST', '/api/login', { body: { email: 'mei@example.com', password: 'a-wrong-password' } })
  const mei = await login(server, 'mei@example.com')
  await addMember(server, server.cookie, 'acme', 'mei@example.com', 'editor')
  await createAccount(server, mei, { id: 'east-grid', name: '华东电网' })

  const { page, screenshot } = await open('/', { locale: 'zh-CN' })
  await page.getByRole('link', { name: '审计日志' }).click()
  await page.getByTestId('audit').waitFor()
  const rows = page.locator('[data-testid="audit"] tbody tr')
  // Newest first: the account mei created, then her membership, her sign-in, her failed attempt.
  await expect(rows.first().getAttribute('data-action')).resolves.toBe('account.create')
  const failed = page.locator('tr[data-action="auth.login.failed"]')
  // Details in the page's language: the server writes codes (`wrong password`, `editor`).
  await expect(failed.innerText()).resolves.toMatch(/登录失败[\s\S]*mei@example\.com[\s\S]*原因: 密码错误/)
  await expect(failed.innerText()).resolves.not.toContain('wrong password')
  await expect(failed.innerText()).resolves.toContain('（未登录）')
  await expect(page.locator('tr[data-action="member.set"]').innerText()).resolves.toMatch(/角色: – → 编辑者/)
  await screenshot('audit-zh')

  await page.getByRole('button', { name: 'English', exact: true }).first().click()
  await expect(failed.innerText()).resolves.toMatch(/reason: wrong password/)
  await expect(page.locator('tr[data-action="member.set"]').innerText()).resolves.toMatch(/role: – → Editor/)
  await page.getByTestId('audit-filter').selectOption('auth.login')
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="audit"] tbody tr')].every(
      (r) => r.getAttribute('data-action') === 'auth.login',
    ),
  )
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Audit log')
  await screenshot('audit-en')

  const member = await open('/audit', { as: mei, locale: 'en-US' })
  await member.page.getByTestId('accounts').waitFor()
  expect(new URL(member.page.url()).pathname).toBe('/')
  await expect(member.page.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0)
})
