/**
 * Accounts and access in a real browser: the first administrator is set up through the set-up
 * page, creates an account on the portfolio, opens it and draws; a viewer signs in through the
 * login page, sees the drawing live, and cannot change it. Screenshots of set-up, login and the
 * portfolio in Chinese and English land in tests/.artifacts/.
 */
import type { Page } from 'playwright-core'
import { addMember, api, createAccount, createUser, login, TEST_PASSWORD } from '../helpers/auth.ts'
import { pageAtRest, pageBarrier, waitForConnected, waitForEditor } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

// Nobody is set up: the first test does it through the set-up page, and the others build on it.
const test = base.extend('serverOptions', { scope: 'file' }, { accounts: undefined, seedDemo: true })

const shapeCount = (page: Page) => page.evaluate(() => window.__warRoomEditor!.getCurrentPageShapes().length)

async function switchLanguage(page: Page, to: 'zh' | 'en') {
  const label = to === 'en' ? 'English' : '中文'
  await page.getByRole('button', { name: label, exact: true }).first().click()
  await page.waitForFunction((lang) => document.documentElement.lang === lang, to === 'zh' ? 'zh-CN' : 'en')
}

test('set up the first admin, create an account, open it and draw; a viewer sees it and cannot change it', async ({
  server,
  open,
}) => {
  // zh-CN: the app speaks Chinese first.
  const admin = await open('/', { as: null, locale: 'zh-CN' })
  await admin.page.getByTestId('setup-form').waitFor()
  await expect(admin.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('首次设置：创建管理员')
  await admin.screenshot('access-setup-zh')
  await switchLanguage(admin.page, 'en')
  await expect(admin.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
    'First-time setup: create the administrator',
  )
  await admin.screenshot('access-setup-en')
  await switchLanguage(admin.page, 'zh')

  await admin.page.getByLabel('邮箱').fill('chen@example.com')
  await admin.page.getByLabel('姓名').fill('陈经理')
  await admin.page.getByLabel('密码').fill(TEST_PASSWORD)
  await admin.page.getByRole('button', { name: '创建管理员并进入' }).click()

  // The portfolio, with the demo account a fresh installation offers.
  await admin.page.getByTestId('accounts').waitFor()
  await expect(admin.page.getByTestId('current-user').textContent()).resolves.toContain('陈经理')
  await admin.page.locator('tr[data-account="demo"]').waitFor()

  // Three more strategic accounts for the same owner: more than the focus limit of 3.
  const adminCookie = (await admin.context.cookies()).find((c) => c.name === 'wr_session')!
  const cookie = `wr_session=${adminCookie.value}`
  expect(adminCookie.httpOnly).toBe(true)
  for (const [id, name] of [
    ['huadong-grid', '华东电网调度中心'],
    ['jiangnan-bank', '江南银行'],
    ['xibei-steel', '西北钢铁集团'],
  ]) {
    await createAccount(server, cookie, { id, name, tier: 'strategic', owner: '陈经理' })
  }
  await createAccount(server, cookie, { id: 'nanhai-port', name: '南海港务', tier: 'opportunity', owner: '李娜' })

  // Create one from the form.
  const form = admin.page.getByTestId('create-account')
  await form.getByLabel('客户名称').fill('东海航运')
  await form.getByLabel('分层').selectOption('breakthrough')
  await form.getByLabel('唯一负责人').fill('王强')
  await form.getByLabel('客户编号（可选）').fill('donghai-shipping')
  await form.getByRole('button', { name: '创建', exact: true }).click()
  const row = admin.page.locator('tr[data-account="donghai-shipping"]')
  await row.waitFor()
  await expect(row.textContent()).resolves.toContain('攻坚型')

  const focus = admin.page.getByTestId('focus-findings')
  await focus.waitFor()
  await expect(focus.textContent()).resolves.toContain('陈经理 同时负责 4 个战略型/攻坚型客户')
  // After a reload the portfolio comes from the server alone (rows, health and the focus check).
  await admin.page.reload()
  await admin.page.locator('tr[data-account="demo"]').waitFor()
  await expect.poll(() => focus.textContent()).toContain('陈经理 同时负责 4 个战略型/攻坚型客户')
  await pageAtRest(admin.page)
  await admin.screenshot('access-portfolio-zh')

  // Filters: by tier, then by owner.
  await admin.page.getByTestId('filter-tier').selectOption('opportunity')
  await eventually(async () => expect(await admin.page.locator('tbody tr').count()).toBe(1))
  await admin.page.getByTestId('filter-tier').selectOption('*')
  await admin.page.getByTestId('filter-owner').selectOption('王强')
  await eventually(async () => expect(await admin.page.locator('tbody tr').count()).toBe(1))
  await admin.page.getByTestId('filter-owner').selectOption('*')

  await switchLanguage(admin.page, 'en')
  await expect(focus.textContent()).resolves.toContain('owns 4 strategic/breakthrough accounts')
  await admin.screenshot('access-portfolio-en')
  await switchLanguage(admin.page, 'zh')

  // Open the new account in a click and draw a rectangle.
  await row.getByRole('link', { name: '东海航运' }).click()
  await admin.page.waitForURL(`${server.url}/a/donghai-shipping`)
  await waitForConnected(admin.page)
  await admin.page.keyboard.press('r')
  await admin.page.mouse.move(420, 300)
  await admin.page.mouse.down()
  await admin.page.mouse.move(520, 360, { steps: 5 })
  await admin.page.mouse.move(620, 420, { steps: 5 })
  await admin.page.mouse.up()
  expect(await shapeCount(admin.page)).toBe(1)
  expect(await admin.page.getByTestId('read-only').count()).toBe(0)

  // A viewer, created by the admin, signs in through the login page.
  await createUser(server, cookie, { email: 'viewer@example.com', name: '只读同事' })
  await addMember(server, cookie, 'donghai-shipping', 'viewer@example.com', 'viewer')
  const viewer = await open('/a/donghai-shipping', { as: null, locale: 'en-US' })
  await viewer.page.getByTestId('login-form').waitFor()
  await viewer.screenshot('access-login-en')
  await viewer.page.getByLabel('Email').fill('viewer@example.com')
  await viewer.page.getByLabel('Password').fill('wrong-password')
  await viewer.page.getByRole('button', { name: 'Sign in' }).click()
  await expect(viewer.page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password.')
  await switchLanguage(viewer.page, 'zh')
  await viewer.screenshot('access-login-zh')
  await viewer.page.getByLabel('密码').fill(TEST_PASSWORD)
  await viewer.page.getByRole('button', { name: '登录' }).click()

  // Signing in continues to the room that was asked for: read-only, and it says so.
  await waitForEditor(viewer.page)
  await eventually(async () => expect(await shapeCount(viewer.page)).toBe(1), 10_000)
  await viewer.page.getByTestId('read-only').waitFor()
  await expect(viewer.page.getByTestId('read-only').textContent()).resolves.toContain('查看者')
  expect(await viewer.page.evaluate(() => window.__warRoomEditor!.getIsReadonly())).toBe(true)

  // The admin keeps drawing; the viewer sees it live.
  await admin.page.keyboard.press('r')
  await admin.page.mouse.move(700, 300)
  await admin.page.mouse.down()
  await admin.page.mouse.move(800, 400, { steps: 5 })
  await admin.page.mouse.up()
  await eventually(async () => expect(await shapeCount(viewer.page)).toBe(2), 10_000)

  // The viewer tries to draw and to delete: nothing changes, here or on the server.
  await viewer.page.keyboard.press('r')
  await viewer.page.mouse.move(300, 500)
  await viewer.page.mouse.down()
  await viewer.page.mouse.move(420, 600, { steps: 5 })
  await viewer.page.mouse.up()
  await viewer.page.keyboard.press('Control+a')
  await viewer.page.keyboard.press('Delete')
  // Whatever the viewer's page sent by now has reached the admin's.
  await pageBarrier(viewer.page, admin.page)
  expect(await shapeCount(viewer.page)).toBe(2)
  expect(await shapeCount(admin.page)).toBe(2)
  await viewer.screenshot('access-viewer-readonly')

  // Even past the UI, the server drops what a viewer's store writes.
  await viewer.page.evaluate(() => {
    const editor = window.__warRoomEditor!
    editor.updateInstanceState({ isReadonly: false })
    editor.createShape({ type: 'geo', x: 50, y: 50, props: { w: 40, h: 40 } })
  })
  await pageBarrier(viewer.page, admin.page)
  expect(await shapeCount(admin.page)).toBe(2)
  const plan = (await (await api(server, 'GET', '/api/accounts/donghai-shipping/plan', { cookie })).json()) as {
    account: { name: string }
  }
  expect(plan.account.name).toBe('东海航运')

  expect([...admin.foreignRequests, ...viewer.foreignRequests]).toEqual([])
})

test('someone who is not a member is told so instead of getting a canvas', async ({ server, open }) => {
  const adminCookie = await login(server, 'chen@example.com')
  await createUser(server, adminCookie, { email: 'stranger@example.com', name: '路人' })
  const cookie = await login(server, 'stranger@example.com')
  const stranger = await open('/a/donghai-shipping', { as: cookie, locale: 'zh-CN' })
  await stranger.page.getByTestId('room-denied').waitFor()
  await expect(stranger.page.getByTestId('room-denied').textContent()).resolves.toContain(
    '你不是客户 donghai-shipping 的成员',
  )
  expect(await stranger.page.evaluate(() => Boolean(window.__warRoomEditor))).toBe(false)
  await stranger.page.getByRole('button', { name: '客户组合' }).click()
  await stranger.page.getByText('还没有你可以查看的客户。在下方新建第一个。').waitFor()
})

test('access that ends while the room is open: a removed member sees the notice, a disabled user the sign-in page', async ({
  server,
  openRoom,
}) => {
  const adminCookie = await login(server, 'chen@example.com')
  const users = (
    (await (await api(server, 'GET', '/api/users', { cookie: adminCookie })).json()) as {
      users: { id: string; email: string }[]
    }
  ).users
  for (const email of ['stranger@example.com', 'viewer@example.com']) {
    await addMember(server, adminCookie, 'huadong-grid', email, 'editor')
  }
  const open = async (email: string) => openRoom('huadong-grid', { as: await login(server, email), locale: 'zh-CN' })
  const removed = await open('stranger@example.com')
  const disabled = await open('viewer@example.com')

  await api(server, 'DELETE', '/api/accounts/huadong-grid/members?email=stranger@example.com', { cookie: adminCookie })
  await removed.page.getByTestId('room-denied').waitFor({ timeout: 10_000 })

  const viewerId = users.find((u) => u.email === 'viewer@example.com')!.id
  await api(server, 'PATCH', `/api/users/${viewerId}`, { cookie: adminCookie, body: { disabled: true } })
  await disabled.page.getByTestId('login-form').waitFor({ timeout: 10_000 })
})
