/**
 * The portfolio's account management through the typed client (hono/client over
 * server/http/accounts.ts, client/portfolio/): an owner adds a member, changes the role, removes
 * them, archives and deletes the account, in the UI; the server's answers are checked through the
 * API. A refusal shows the server's message in the page's language.
 */
import { api, createAccount, createUser } from '../helpers/auth.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

const test = base.extend('serverOptions', { scope: 'file' }, { accounts: [] })

type Members = { members: { email: string; role: string }[] }

test('members, archive and delete from the portfolio, in English', async ({ server, open }) => {
  await createAccount(server, server.cookie, { id: 'acme', name: 'Acme Grid' })
  await createUser(server, server.cookie, { email: 'mei@example.com', name: 'Mei' })
  const membersOf = async () =>
    ((await (await api(server, 'GET', '/api/accounts/acme/members', { cookie: server.cookie })).json()) as Members)
      .members
  const { page } = await open('/', { locale: 'en-US' })
  const row = page.locator('[data-testid="accounts"] tr', { hasText: 'Acme Grid' })
  await row.getByRole('button', { name: 'Members' }).click()
  const panel = page.getByTestId('members')
  await panel.getByLabel('Email').fill('mei@example.com')
  await panel.getByRole('button', { name: 'Add or change role' }).click()
  await panel.getByText('mei@example.com').waitFor()
  await eventually(async () =>
    expect(await membersOf()).toContainEqual(expect.objectContaining({ email: 'mei@example.com', role: 'editor' })),
  )
  // A refusal of the typed call shows the server's message.
  await panel.getByLabel('Email').fill('nobody@example.com')
  await panel.getByRole('button', { name: 'Add or change role' }).click()
  await expect(panel.getByRole('alert').innerText()).resolves.toMatch(/no user with this email/i)
  // …in the page's language: the server's `message: { zh, en }`, not its English `error`.
  await page.getByRole('button', { name: '中文', exact: true }).first().click()
  await panel.getByLabel('邮箱').fill('nobody@example.com')
  await panel.getByRole('button', { name: '添加或更改角色' }).click()
  await expect.poll(() => panel.getByRole('alert').innerText()).toContain('没有使用该邮箱的用户')
  await page.getByRole('button', { name: 'English', exact: true }).first().click()

  await panel.getByLabel('mei@example.com Role').selectOption('viewer')
  await eventually(async () =>
    expect(await membersOf()).toContainEqual(expect.objectContaining({ email: 'mei@example.com', role: 'viewer' })),
  )
  await panel.locator('li', { hasText: 'mei@example.com' }).getByRole('button', { name: 'Remove' }).click()
  await eventually(async () => expect((await membersOf()).map((m) => m.email)).not.toContain('mei@example.com'))

  await row.getByRole('button', { name: 'Archive' }).click()
  await eventually(async () =>
    expect(await (await api(server, 'GET', '/api/accounts/acme', { cookie: server.cookie })).json()).toMatchObject({
      archived: true,
    }),
  )
  // Archived accounts are listed on demand.
  await page.getByLabel('Show archived').check()
  await row.getByRole('button', { name: 'Unarchive' }).waitFor()

  page.once('dialog', (dialog) => void dialog.accept())
  await row.getByRole('button', { name: 'Delete' }).click()
  await eventually(async () =>
    expect((await api(server, 'GET', '/api/accounts/acme', { cookie: server.cookie })).status).toBe(404),
  )
  await eventually(async () =>
    expect(await page.locator('[data-testid="accounts"] tr', { hasText: 'Acme Grid' }).count()).toBe(0),
  )
})
