/**
 * The plan panel, the finding badges and the account panel in a real browser against the real
 * server, two people on one account: a finding appears as the map is drawn, a person fixes it on
 * the canvas and it disappears on both pages (panel and badge); a click on a finding takes the
 * user to its shape or account field; account fields sync and are validated; viewers cannot edit
 * them; the export links download the server's Markdown and CSV. Screenshots in Chinese and
 * English go to tests/.artifacts/.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { addMember, createUser, login } from '../helpers/auth.ts'
import { pageAtRest, type RecordedPage } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { createFromToolbar, drawArrow } from '../helpers/canvas.ts'
import { eventually } from '../helpers/server.ts'

interface OpenOptions {
  locale?: string
  viewport?: { width: number; height: number }
  cookie?: string
}

const test = base.extend('room', async ({ server, openRoom, newAccount: makeAccount }) => {
  const newAccount = (prefix: string, fields: { name: string; owner?: string; tier?: string }): Promise<string> =>
    makeAccount(prefix, { fields })
  /** The room with its plan panel open (collapsed to a strip below 1400 px until opened). */
  const open = async (
    accountId: string,
    { locale = 'en-US', viewport = { width: 1400, height: 860 }, cookie = server.cookie }: OpenOptions = {},
  ): Promise<RecordedPage> => {
    // Speed: in a page an earlier test left for the same person, locale and size (`reuse`), the
    // room mounted afresh by the app's navigation.
    const recorded = await openRoom(accountId, { as: cookie, locale, viewport, reuse: true })
    const sidebar = recorded.page.getByTestId('wr-plan-sidebar')
    if ((await sidebar.getAttribute('data-open')) === 'false') await recorded.page.getByTestId('wr-plan-toggle').click()
    await recorded.page.getByTestId('wr-plan-panel').waitFor()
    return recorded
  }
  return { newAccount, open }
})

const finding = (page: Page, code: string, shapeId?: string) =>
  page.locator(`[data-testid="wr-finding"][data-code="${code}"]${shapeId ? `[data-shape-id="${shapeId}"]` : ''}`)
const badge = (page: Page, shapeId: string) =>
  page.locator(`[data-testid="wr-finding-badge"][data-shape-id="${shapeId}"]`)

/** Milliseconds until `condition` holds in the page, polled every animation frame. */
async function msUntil(page: Page, condition: string, timeoutMs = 10_000): Promise<number> {
  return page.evaluate(
    ({ condition, timeoutMs }) =>
      new Promise<number>((resolve, reject) => {
        const start = performance.now()
        const check = () => {
          if (document.querySelector(condition) === null) return resolve(performance.now() - start)
          if (performance.now() - start > timeoutMs)
            return reject(new Error(`still present after ${timeoutMs} ms: ${condition}`))
          requestAnimationFrame(check)
        }
        check()
      }),
    { condition, timeoutMs },
  )
}

test('a finding appears, is fixed on the canvas, and disappears for both people; a click selects its shape', async ({
  room,
}) => {
  const accountId = await room.newAccount('plan-fix', { name: '华东电网', owner: '张三', tier: 'strategic' })
  const alice = await room.open(accountId, { locale: 'zh-CN' })
  const bob = await room.open(accountId, { viewport: { width: 1280, height: 800 } })

  // A blocker with no action aimed at it: both pages report it, in each one's language, with a badge.
  const blocker = await createFromToolbar(alice.page, 'blocker', 240, 260)
  for (const { page } of [alice, bob]) {
    await finding(page, 'blocker.untargeted', blocker.id).waitFor()
    await badge(page, blocker.id).waitFor()
  }
  expect(await finding(alice.page, 'blocker.untargeted', blocker.id).innerText()).toContain('卡点')
  expect(await finding(bob.page, 'blocker.untargeted', blocker.id).innerText()).toContain('blocker')
  expect(await badge(bob.page, blocker.id).getAttribute('data-severity')).toBe('error')

  // A click on the finding selects the blocker and brings it into view.
  await bob.page.evaluate(() => {
    const editor = window.__warRoomEditor!
    editor.selectNone()
    editor.setCamera({ x: -3000, y: -3000, z: 0.5 })
  })
  await finding(bob.page, 'blocker.untargeted', blocker.id).click()
  await eventually(async () => {
    const view = await bob.page.evaluate((id) => {
      const editor = window.__warRoomEditor!
      return {
        selected: editor.getSelectedShapeIds(),
        visible: editor.getViewportPageBounds().includes(editor.getShapePageBounds(id as never)!),
      }
    }, blocker.id)
    expect(view).toEqual({ selected: [blocker.id], visible: true })
  })

  // Alice fixes it the way a person would: an action, and an arrow from it to the blocker.
  const action = await createFromToolbar(alice.page, 'action', 620, 260)
  await finding(alice.page, 'action.untargeted', action.id).waitFor()
  await drawArrow(alice.page, action.id, blocker.id)
  const fixedOnAlice = await msUntil(alice.page, `[data-testid="wr-finding"][data-code="blocker.untargeted"]`)
  // Live: the editing page updates well under a second after the arrow is drawn.
  expect(fixedOnAlice).toBeLessThan(1000)
  for (const { page } of [alice, bob]) {
    await eventually(async () => {
      expect(await finding(page, 'blocker.untargeted').count()).toBe(0)
      expect(await finding(page, 'action.untargeted').count()).toBe(0)
      // The blocker has no other finding, so its badge is gone; the action still has some.
      expect(await badge(page, blocker.id).count()).toBe(0)
    }, 5000)
    await finding(page, 'action.owner.missing', action.id).waitFor()
    await badge(page, action.id).waitFor()
  }

  // The owner filled in through the inspector clears the action's owner finding on both pages.
  await alice.page.evaluate((id) => {
    const editor = window.__warRoomEditor!
    editor.setCurrentTool('select')
    editor.select(id as never)
  }, action.id)
  await alice.page.getByTestId('wr-field-owner').fill('赵亮')
  for (const { page } of [alice, bob]) {
    await eventually(async () => expect(await finding(page, 'action.owner.missing').count()).toBe(0), 5000)
  }
  const before = Number(await bob.page.getByTestId('wr-health-score').innerText())
  // Every remaining action finding fixed: the action's badge goes too, and the score rises.
  await alice.page.getByTestId('wr-field-resources').fill('副总裁出面；差旅预算 2 万')
  await alice.page.getByTestId('wr-field-due').fill('2099-03-01')
  await alice.page.getByTestId('wr-field-checkpoint').fill('参观后一周内财务同意单一来源')
  for (const { page } of [alice, bob]) {
    await eventually(async () => expect(await badge(page, action.id).count()).toBe(0), 5000)
  }
  await eventually(async () =>
    expect(Number(await bob.page.getByTestId('wr-health-score').innerText())).toBeGreaterThan(before),
  )
  await bob.screenshot('plan-fixed-1280')

  expect(alice.errors).toEqual([])
  expect(bob.errors).toEqual([])
})

test('account fields: edited live, validated, synced; account findings open the field; viewers only read', async ({
  server,
  room,
}) => {
  const accountId = await room.newAccount('plan-account', { name: '华东电网', owner: '张三', tier: 'strategic' })
  const alice = await room.open(accountId, { locale: 'zh-CN' })
  const bob = await room.open(accountId)
  const field = (page: Page, name: string) => page.getByTestId(`wr-account-field-${name}`)

  // The fields the account was created with are there.
  await alice.page.getByTestId('wr-plan-tab-account').click()
  await bob.page.getByTestId('wr-plan-tab-account').click()
  expect(await field(bob.page, 'name').inputValue()).toBe('华东电网')
  expect(await field(bob.page, 'owner').inputValue()).toBe('张三')
  expect(await field(bob.page, 'tier').inputValue()).toBe('strategic')

  // Two owners: a finding on both pages, and the other page shows the value.
  await field(alice.page, 'owner').fill('张三、李四')
  await eventually(async () => expect(await field(bob.page, 'owner').inputValue()).toBe('张三、李四'))
  await bob.page.getByTestId('wr-plan-tab-plan').click()
  await finding(bob.page, 'account.owner.multiple').waitFor()
  expect(await finding(bob.page, 'account.owner.multiple').innerText()).toContain('张三, 李四')

  // Clicking it opens the account tab with the owner field focused.
  await finding(bob.page, 'account.owner.multiple').click()
  await eventually(async () =>
    expect(await bob.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.accountField)).toBe(
      'owner',
    ),
  )

  // Fixed by the other person: gone on both pages.
  await field(bob.page, 'owner').fill('李四')
  await eventually(async () => expect(await field(alice.page, 'owner').inputValue()).toBe('李四'))
  await alice.page.getByTestId('wr-plan-tab-plan').click()
  await bob.page.getByTestId('wr-plan-tab-plan').click()
  for (const { page } of [alice, bob]) {
    await eventually(async () => expect(await finding(page, 'account.owner.multiple').count()).toBe(0))
  }

  // A goal without target and deadline is incomplete; filling them clears it.
  await finding(alice.page, 'account.goal.incomplete').click()
  expect(await alice.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.accountField)).toBe(
    'goal',
  )
  await field(alice.page, 'goal').fill('拿下 2027 年调度系统升级')
  await field(alice.page, 'target').fill('合同额 1200 万')
  await field(alice.page, 'deadline').fill('2027-06-30')
  await eventually(async () => expect(await finding(bob.page, 'account.goal.incomplete').count()).toBe(0))

  // Invalid input is refused with a message and never reaches the other page.
  await field(alice.page, 'winProbability').fill('150')
  await alice.page.getByTestId('wr-account-error-winProbability').waitFor()
  await field(alice.page, 'closeness').fill('4')
  await bob.page.getByTestId('wr-plan-tab-account').click()
  await eventually(async () => expect(await field(bob.page, 'closeness').inputValue()).toBe('4'))
  expect(await field(bob.page, 'winProbability').inputValue()).toBe('')
  await field(alice.page, 'winProbability').fill('65')
  expect(await alice.page.getByTestId('wr-account-error-winProbability').count()).toBe(0)
  await eventually(async () => expect(await field(bob.page, 'winProbability').inputValue()).toBe('65'))

  // A breakthrough account shows its window date, and misses it until it is set.
  await field(alice.page, 'tier').selectOption('breakthrough')
  await field(bob.page, 'window').waitFor()
  await field(bob.page, 'window').fill('2027-01-15')
  await field(alice.page, 'stage').selectOption('P3')
  await eventually(async () => expect(await field(bob.page, 'stage').inputValue()).toBe('P3'))

  // Competitors: added, edited and removed, live.
  await alice.page.getByTestId('wr-account-competitor-add').click()
  await field(alice.page, 'competitors.0.name').fill('竞品A')
  await field(alice.page, 'competitors.0.manager').fill('周强')
  await alice.page.getByTestId('wr-account-competitor-add').click()
  await field(alice.page, 'competitors.1.name').fill('竞品B')
  await eventually(async () => {
    expect(await field(bob.page, 'competitors.0.name').inputValue()).toBe('竞品A')
    expect(await field(bob.page, 'competitors.0.manager').inputValue()).toBe('周强')
    expect(await field(bob.page, 'competitors.1.name').inputValue()).toBe('竞品B')
  })
  await bob.page.getByTestId('wr-account-competitor-remove').first().click()
  await eventually(async () => {
    expect(await alice.page.getByTestId('wr-account-competitor').count()).toBe(1)
    expect(await field(alice.page, 'competitors.0.name').inputValue()).toBe('竞品B')
  })

  // A viewer sees the fields but cannot change them.
  const viewerEmail = `viewer-${randomBytes(3).toString('hex')}@example.com`
  await createUser(server, server.cookie, { email: viewerEmail })
  await addMember(server, server.cookie, accountId, viewerEmail, 'viewer')
  const viewer = await room.open(accountId, { cookie: await login(server, viewerEmail) })
  await viewer.page.getByTestId('wr-plan-tab-account').click()
  await viewer.page.getByTestId('wr-account-readonly').waitFor()
  expect(await field(viewer.page, 'owner').inputValue()).toBe('李四')
  expect(await field(viewer.page, 'owner').getAttribute('readonly')).not.toBeNull()
  expect(await field(viewer.page, 'tier').isDisabled()).toBe(true)
  expect(await viewer.page.getByTestId('wr-account-competitor-add').count()).toBe(0)

  expect(alice.errors).toEqual([])
  expect(bob.errors).toEqual([])
})

test('export links download the Markdown plan and the CSVs with the account’s names', async ({ room }) => {
  const accountId = await room.newAccount('plan-export', { name: '华东电网', owner: '张三', tier: 'strategic' })
  const alice = await room.open(accountId, { locale: 'zh-CN' })
  const page = alice.page

  const stakeholder = await createFromToolbar(page, 'stakeholder', 240, 260)
  await page.evaluate((id) => {
    window.__warRoomEditor!.select(id as never)
  }, stakeholder.id)
  await page.getByTestId('wr-field-name').fill('王建国')
  const action = await createFromToolbar(page, 'action', 620, 260)
  await page.evaluate((id) => {
    window.__warRoomEditor!.select(id as never)
  }, action.id)
  await page.getByTestId('wr-field-title').fill('安排技术交流会')
  await page.getByTestId('wr-field-owner').fill('赵亮')

  const download = async (testId: string): Promise<{ name: string; text: string }> => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
    return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') }
  }
  // The server stores the plan about a second after the last change.
  await eventually(
    async () => {
      const md = await download('wr-export-markdown')
      expect(md.name).toBe(`${accountId}-plan-zh.md`)
      expect(md.text).toContain('华东电网')
      expect(md.text).toContain('王建国')
      expect(md.text).toContain('安排技术交流会')
    },
    10_000,
    300,
  )
  const actions = await download('wr-export-actions')
  expect(actions.name).toBe(`${accountId}-actions.csv`)
  expect(actions.text).toContain('安排技术交流会')
  expect(actions.text).toContain('赵亮')
  const people = await download('wr-export-stakeholders')
  expect(people.name).toBe(`${accountId}-stakeholders.csv`)
  expect(people.text).toContain('王建国')
  expect(alice.errors).toEqual([])
})

test('the room with its plan and account panels, in Chinese and in English (screenshots)', async ({ room }) => {
  for (const [lang, locale] of [
    ['zh', 'zh-CN'],
    ['en', 'en-US'],
  ] as const) {
    const name = lang === 'zh' ? '华东电网' : 'East China Grid'
    const accountId = await room.newAccount(`plan-shot-${lang}`, {
      name,
      owner: lang === 'zh' ? '张三、李四' : 'Zhang San and Li Si',
      tier: 'breakthrough',
    })
    const { page, screenshot, errors } = await room.open(accountId, { locale, viewport: { width: 1920, height: 1080 } })
    await page.getByTestId('wr-insert-template').click()
    // Beside the template: a blocker nobody works on and an action with no owner, as a map in progress has.
    await page.evaluate((lang) => {
      const editor = window.__warRoomEditor!
      const bounds = editor.getCurrentPageBounds()!
      editor.createShape({
        type: 'blocker',
        x: bounds.maxX + 80,
        y: bounds.minY + 240,
        props: { title: lang === 'zh' ? '预算尚未立项' : 'No budget approved yet', severity: 'critical' },
      })
      editor.createShape({
        type: 'action',
        x: bounds.maxX + 80,
        y: bounds.minY + 520,
        props: { title: lang === 'zh' ? '拜访财务总监' : 'Meet the CFO' },
      })
      editor.selectNone()
      editor.zoomToFit()
    }, lang)
    await page.locator('[data-testid="wr-finding-badge"]').first().waitFor()
    await pageAtRest(page)
    await screenshot(`plan-room-${lang}`)
    await page.getByTestId('wr-plan-tab-account').click()
    await page.getByTestId('wr-account-field-winProbability').fill('150')
    await screenshot(`plan-account-${lang}`)
    await page.getByTestId('wr-plan-toggle').click()
    await pageAtRest(page)
    await screenshot(`plan-collapsed-${lang}`)
    expect(errors).toEqual([])
  }
})
