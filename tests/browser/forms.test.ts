/**
 * Forms check what they can before sending, in the reader's language; what only the server can
 * know (an email already taken, a vote over the account's limit) comes back translated too.
 */
import { MAX_VOTES_PER_ACCOUNT } from '../../server/live/VoteService.ts'
import { api, userWithSession } from '../helpers/auth.ts'
import { openRecordedPage, signedIn } from '../helpers/browser.ts'
import { expect, test } from '../helpers/browserFixtures.ts'

test('the set-up page says what is wrong before sending, in Chinese, then in English', async ({
  browser,
  startServer,
}) => {
  // A server of its own: nobody has set it up yet.
  const s = await startServer()
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

test('a refusal only the server can make (the email is taken) reaches the person translated', async ({
  browser,
  server,
}) => {
  const { page } = await openRecordedPage(
    browser,
    `${server.url}/users`,
    signedIn(server, server.cookie, { locale: 'zh-CN' }),
  )
  const form = page.getByTestId('create-user')
  await form.waitFor()
  await page.locator('#user-email').fill('admin@example.com')
  await page.locator('#user-name').fill('重复的人')
  await page.locator('#user-password').fill('a long enough password')
  await form.getByRole('button').click()
  await expect.poll(() => page.locator('main').innerText()).toContain('已有使用该邮箱的用户')
})

test('one’s own profile (/me): the name is checked before sending, then name and department are saved', async ({
  server,
  open,
}) => {
  const { cookie } = await userWithSession(server, server.cookie, 'profile@example.com')
  const { page, screenshot } = await open('/me', { as: cookie, locale: 'zh-CN' })
  const form = page.getByTestId('profile-form')
  await form.waitFor()
  const patches: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'PATCH') patches.push(request.url())
  })
  const status = form.getByRole('status')

  await page.getByTestId('profile-name').fill('   ')
  await page.getByTestId('profile-save').click()
  await expect.poll(() => status.innerText()).toBe('请检查：姓名：必填')
  expect(patches).toEqual([])

  await page.getByTestId('profile-name').fill('王五')
  await page.getByTestId('profile-department-sales').check()
  await page.getByTestId('profile-save').click()
  await expect.poll(() => status.innerText()).toBe('已保存')
  await screenshot('profile-saved-zh')
  const me = (await (await api(server, 'GET', '/api/me', { cookie })).json()) as {
    user: { name: string; department: string | null }
  }
  expect(me.user).toMatchObject({ name: '王五', department: 'sales' })
  expect(patches).toHaveLength(1)
})

test('a vote the server refuses (the account holds its 200 votes) tells the facilitator why, translated', async ({
  server,
  newAccount,
  openRoom,
}) => {
  const accountId = await newAccount('votes')
  const { page } = await openRoom(accountId, { locale: 'zh-CN' })
  // The account's history of votes is full: each opened and closed through the API (the page open
  // meanwhile keeps the room loaded, which makes each vote about twice as fast to store).
  for (let i = 0; i < MAX_VOTES_PER_ACCOUNT; i++) {
    const opened = await api(server, 'POST', `/api/accounts/${accountId}/votes`, {
      cookie: server.cookie,
      body: { question: `第 ${i + 1} 次`, shapeTypes: ['blocker'], votesPerPerson: 1 },
    })
    expect(opened.status).toBe(201)
    const { vote } = (await opened.json()) as { vote: { id: string } }
    const closed = await api(server, 'POST', `/api/accounts/${accountId}/votes/${vote.id}/close`, {
      cookie: server.cookie,
    })
    expect(closed.status).toBe(200)
  }
  await page.getByTestId('vote-new').click()
  await page.getByTestId('vote-question').fill('先打哪个卡点？')
  await page.getByTestId('vote-start').click()
  await expect
    .poll(() => page.locator('.wr-live-pop .wr-error').innerText())
    .toBe(`投票失败：一个客户最多保留 ${MAX_VOTES_PER_ACCOUNT} 次投票`)
  expect(await page.getByTestId('vote-bar').count()).toBe(0)
})
