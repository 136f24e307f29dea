/**
 * Contacts in a real browser against the real server: a sample sheet imported through the dialog
 * (preview screenshot), one undo removes the whole import, a re-import updates instead of
 * duplicating; the coverage view; provenance of a CR change made by another person; the template
 * library inserting without covering cards.
 */
import type { Page } from 'playwright-core'
import { createUser, login } from '../helpers/auth.ts'
import { openRecordedPage, type RecordedPage, signedIn, waitForConnected } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { type ShapeInfo, shapesOn } from '../helpers/canvas.ts'

const VIEWPORT = { width: 1400, height: 900 }

const test = base
  // The coverage view flags anyone of ours covering more than this server's COVERAGE_LIMIT.
  .extend('serverOptions', { scope: 'file' }, { accounts: [], coverageLimit: 1 })
  // Two editors of every account of the file: 王强 imports, 李娜 changes a stance.
  .extend<{ $file: { people: { wang: string; li: string } } }>({
    people: [
      async ({ server }, use) => {
        await createUser(server, server.cookie, { email: 'wang@example.com', name: '王强' })
        await createUser(server, server.cookie, { email: 'li@example.com', name: '李娜' })
        await use({ wang: await login(server, 'wang@example.com'), li: await login(server, 'li@example.com') })
      },
      { scope: 'file' },
    ],
  })
  .extend('room', async ({ people, openRoom, newAccount: makeAccount }) => {
    /** A new account both people edit, and a page of it for one of them. */
    const newAccount = (prefix: string) =>
      makeAccount(prefix, { members: { 'wang@example.com': 'editor', 'li@example.com': 'editor' } })
    const open = (accountId: string, who: keyof typeof people, locale = 'zh-CN'): Promise<RecordedPage> =>
      // Speed: in a page an earlier test left for the same person and locale (`reuse`), the room
      // mounted afresh by the app's navigation.
      openRoom(accountId, { as: people[who], locale, viewport: VIEWPORT, reuse: true })
    return { newAccount, open }
  })

const SAMPLE =
  '\uFEFF姓名,职务,部门,角色,关系,影响力,关注点,对接人,最近接触,备注\r\n' +
  '刘建华,总经理,集团领导班子,KDM,CR3 中立者,高,数字化考核,,2026-11-20,\r\n' +
  '陈静,信息中心主任,信息中心,关键影响者,CR2,高,"安全, 国产化",张三、李四,2026/11/25,\r\n' +
  '赵工,调度工程师,信息中心,KU,未知,低,好用,张三,,\r\n' +
  '孙主任,采购主任,采购中心,把关者,CR9,中,流程合规,王五,2026年10月1日,\r\n' +
  ',财务,财务部,KI,,,,,,无名\r\n' +
  '陈静,信息中心主任,信息中心,KI,,,,,,重复\r\n'

async function importSheet(page: Page, csv: string, name = 'contacts.csv') {
  await page.getByTestId('wr-open-import').click()
  await page.getByTestId('wr-import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByTestId('wr-import-preview').waitFor()
}

test('a sheet imported through the dialog: preview, confirm, one undo removes it, a re-import updates', async ({
  room,
}) => {
  const accountId = await room.newAccount('import')
  const a = await room.open(accountId, 'wang')
  const { page } = a

  await importSheet(page, SAMPLE)
  await expect
    .poll(() => page.getByTestId('wr-import-summary').innerText())
    .toContain('新增 4 · 更新 0 · 未变 0 · 无法导入 2')
  const columns = await page.getByTestId('wr-import-columns').innerText()
  expect(columns).toContain('对接人 → 我方对接人')
  expect(columns).toContain('备注 → （不导入）')
  const rows = page.getByTestId('wr-import-rows')
  expect(await rows.locator('tbody tr').count()).toBe(4)
  expect(await rows.locator('tr[data-row="5"]').innerText()).toContain('「CR9」无法识别')
  const rejected = await page.getByTestId('wr-import-rejected').innerText()
  expect(rejected).toContain('行 6: 没有姓名')
  expect(rejected).toContain('行 7: 与第 3 行是同一个人')
  await a.screenshot('contacts-import-preview-zh')

  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-done').waitFor()
  await page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(4)
  const cards = await shapesOn(page, 'stakeholder')
  const liu = cards.find((c) => c.props.name === '刘建华')!
  expect(liu.props).toMatchObject({ role: 'kdm', relationship: 'cr3', influence: 'high', lastContact: '2026-11-20' })
  expect((liu.meta.provenance as Record<string, { byName: string }>).relationship.byName).toBe('王强')
  expect(cards.find((c) => c.props.name === '孙主任')!.props.relationship).toBe('unknown')
  await a.screenshot('contacts-imported-zh')

  // One undo removes the whole import.
  await page.evaluate(() => {
    window.__warRoomEditor!.undo()
  })
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(0)

  // Imported again, then a changed sheet updates the people instead of adding them twice.
  await importSheet(page, SAMPLE)
  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-done').waitFor()
  await page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(4)
  await importSheet(page, SAMPLE.replace('CR3 中立者', 'CR2 友善者'))
  await expect.poll(() => page.getByTestId('wr-import-summary').innerText()).toContain('新增 0 · 更新 1 · 未变 3')
  expect(await rows.locator('tr[data-row="2"]').innerText()).toContain('更新')
  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-done').waitFor()
  await page.getByTestId('wr-import-close').click()
  await expect
    .poll(async () => (await shapesOn(page, 'stakeholder')).find((c) => c.props.name === '刘建华')?.props.relationship)
    .toBe('cr2')
  expect((await shapesOn(page, 'stakeholder')).length).toBe(4)
  expect(a.foreignRequests).toEqual([])
})

test('the coverage view shows who covers whom, who nobody covers, and the CR level in each cell', async ({ room }) => {
  const accountId = await room.newAccount('coverage')
  const { page, screenshot } = await room.open(accountId, 'wang', 'en-US')
  await importSheet(page, SAMPLE)
  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(4)

  await page.getByTestId('wr-open-coverage').click()
  const table = page.getByTestId('wr-coverage-table')
  await table.waitFor()
  const headers = await table.locator('thead th').allInnerTexts()
  expect(headers[0]).toBe('Customer side')
  expect(headers.slice(1, 3).map((h) => h.split('\n')[0])).toEqual(['张三', '李四'])
  // KDM first; the KDM nobody covers is marked.
  const first = table.locator('tbody tr').first()
  expect(await first.innerText()).toContain('刘建华')
  expect(await first.getAttribute('class')).toContain('wr-coverage__row--uncovered')
  const chen = await table.locator('tbody tr', { hasText: '陈静' }).innerText()
  expect(chen.match(/CR2/g)).toHaveLength(2)
  const summary = await page.getByTestId('wr-coverage-summary').innerText()
  expect(summary).toContain('1 person nobody covers (KDMs and KIs among them: 1)')
  expect(summary).toContain('covering more than 1 person: 张三')
  // This server's COVERAGE_LIMIT is 1 (GET /api/me): 张三 covering two people covers too many; 李四 not.
  expect(summary).toContain('张三')
  expect(summary).not.toContain('李四')
  await expect.poll(() => table.locator('th[data-ours="张三"]').getAttribute('class')).toContain('overloaded')
  expect(await table.locator('th[data-ours="李四"]').getAttribute('class')).not.toContain('overloaded')
  await screenshot('contacts-coverage-en')
})

test('a CR change by another person shows who made it and when, on the card and in the inspector', async ({ room }) => {
  const accountId = await room.newAccount('provenance')
  const a = await room.open(accountId, 'wang')
  await importSheet(a.page, SAMPLE)
  await a.page.getByTestId('wr-import-confirm').click()
  await a.page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(a.page, 'stakeholder')).length).toBe(4)

  const b = await room.open(accountId, 'li')
  await expect.poll(async () => (await shapesOn(b.page, 'stakeholder')).length).toBe(4)
  const target = (await shapesOn(b.page, 'stakeholder')).find((c) => c.props.name === '赵工')!
  await b.page.evaluate((id) => {
    window.__warRoomEditor!.select(id as never)
  }, target.id)
  await b.page.getByTestId('wr-field-relationship').selectOption('cr2')

  // On the first person's screen: the change, signed by the other person.
  await expect
    .poll(async () => {
      const card = (await shapesOn(a.page, 'stakeholder')).find((c) => c.id === target.id)!
      return (card.meta.provenance as Record<string, { byName: string }> | undefined)?.relationship?.byName
    })
    .toBe('李娜')
  const chip = a.page.locator(`[id="${target.id}"] .wr-cr`)
  await expect.poll(() => chip.getAttribute('data-provenance')).toMatch(/^CR2 · 李娜 · \d+月\d+日$/)
  await a.page.evaluate((id) => {
    const editor = window.__warRoomEditor!
    editor.select(id as never)
    editor.zoomToSelection()
  }, target.id)
  const note = a.page.getByTestId('wr-provenance')
  await expect.poll(() => note.innerText()).toContain('客户关系 CR2 · 李娜')
  await note.scrollIntoViewIfNeeded()
  await a.screenshot('contacts-provenance-zh')
})

test('a stance older than the freshness limit fades its card', async ({ room }) => {
  const accountId = await room.newAccount('stale')
  const { page, screenshot } = await room.open(accountId, 'wang')
  await importSheet(page, SAMPLE)
  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(4)
  const old = (await shapesOn(page, 'stakeholder')).find((c) => c.props.name === '陈静')!
  // As another client would have written it 90 days ago.
  await page.evaluate((id) => {
    const editor = window.__warRoomEditor!
    const at = new Date(Date.now() - 90 * 86_400_000).toISOString()
    editor.updateShape({
      id: id as never,
      type: 'stakeholder',
      meta: { provenance: { relationship: { by: 'someone', byName: '老张', at } } },
    })
  }, old.id)
  await expect.poll(() => page.locator(`[id="${old.id}"].wr-stakeholder--stale`).count()).toBe(1)
  expect(await page.locator('.wr-stakeholder--stale').count()).toBe(1)
  await screenshot('contacts-stale-zh')
})

test('the template library inserts where the user looks without covering existing cards', async ({ room }) => {
  const accountId = await room.newAccount('templates')
  const { page, screenshot } = await room.open(accountId, 'wang')
  await importSheet(page, SAMPLE)
  await page.getByTestId('wr-import-confirm').click()
  await page.getByTestId('wr-import-close').click()
  await expect.poll(async () => (await shapesOn(page, 'stakeholder')).length).toBe(4)
  // Look at the imported cards, so the centre of the view is taken.
  await page.evaluate(() => {
    window.__warRoomEditor!.zoomToFit()
  })
  const overlaps = (p: ShapeInfo['bounds'], q: ShapeInfo['bounds']) =>
    p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h
  const topLevel = (s: ShapeInfo) => s.parentId.startsWith('page:') && s.type !== 'arrow'
  const people: Record<string, number> = { soe: 6, private: 5, bid: 5, factions: 3, blockers: 0 }
  for (const id of Object.keys(people)) {
    const before = await shapesOn(page)
    await page.getByTestId('wr-open-templates').click()
    await page.locator(`[data-template="${id}"]`).click()
    const added = (await shapesOn(page)).filter((s) => !before.some((b) => b.id === s.id))
    expect(added.filter((s) => s.type === 'stakeholder').length).toBe(people[id])
    expect(added.length).toBeGreaterThan(0)
    // Each template lands where nothing was, the imported cards and the templates before it alike.
    for (const s of added.filter(topLevel)) {
      for (const b of before.filter(topLevel)) expect(overlaps(s.bounds, b.bounds)).toBe(false)
    }
  }
  const all = await shapesOn(page)
  expect(all.some((s) => s.type === 'faction' && s.props.name === '评标委员会')).toBe(true)
  expect(all.filter((s) => s.type === 'blocker').length).toBe(1 + 3)
  await screenshot('contacts-templates-zh')
})

test('the dialog refuses what this server refuses: its own row and size limits, not the defaults', async ({
  browser,
  startServer,
}) => {
  // A server whose limits are far below the defaults (2,000 rows, 5 MB).
  const server = await startServer({ accounts: ['small'], importMaxRows: 3, importMaxBytes: 2048 })
  const recorded = await openRecordedPage(
    browser,
    `${server.url}/a/small`,
    signedIn(server, server.cookie, { locale: 'zh-CN', viewport: VIEWPORT }),
  )
  await waitForConnected(recorded.page)
  const { page } = recorded
  const posts: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request.url())
  })
  await page.getByTestId('wr-open-import').click()
  const file = page.getByTestId('wr-import-file')
  await file.setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(SAMPLE) })
  const error = page.getByTestId('wr-import-error')
  await expect.poll(() => error.innerText()).toContain('表格有 6 行；一次最多导入 3 行')
  await recorded.screenshot('contacts-import-limit-zh')
  const big = `姓名,关注点\n${Array.from({ length: 3 }, (_, i) => `p${i},${'很长的关注点'.repeat(60)}`).join('\n')}\n`
  await file.setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(big) })
  await expect.poll(() => error.innerText()).toMatch(/文件过大：[\d.]+ KB，上限 2 KB/)
  // Nothing reached the canvas, and nothing was sent: the browser knew the answer.
  expect(await page.evaluate(() => window.__warRoomEditor!.getCurrentPageShapes().length)).toBe(0)
  expect(posts).toEqual([])
})
