/**
 * The monthly review in a real browser against the real server, on the demo account: a review is
 * taken in the UI, the map is edited, the review panel lists the changes grouped like the summary
 * and marks the changed shapes on the canvas, a change takes you to its shape, the score trend is
 * drawn, the frozen map opens read-only beside the live one, a failed action asks for its review
 * cause, and the portfolio shows the last review and what moved, also in the meeting view.
 * Screenshots at 1280×720 go to tests/.artifacts/.
 */
import type { Page } from 'playwright-core'
import { type RecordedPage, waitForEditor } from '../helpers/browser.ts'
import { test as base, expect, type OpenRoom } from '../helpers/browserFixtures.ts'

const test = base.extend('serverOptions', { scope: 'file' }, { accounts: [], seedDemo: true })
const VIEWPORT = { width: 1280, height: 720 }

async function openDemo(openRoom: OpenRoom): Promise<RecordedPage> {
  // Speed: in a page an earlier test left (`reuse`), the room mounted afresh by the app's navigation.
  const recorded = await openRoom('demo', { locale: 'zh-CN', viewport: VIEWPORT, reuse: true })
  const sidebar = recorded.page.getByTestId('wr-plan-sidebar')
  if ((await sidebar.getAttribute('data-open')) === 'false') await recorded.page.getByTestId('wr-plan-toggle').click()
  await recorded.page.getByTestId('wr-plan-tab-review').click()
  await recorded.page.getByTestId('wr-review-panel').waitFor()
  return recorded
}

function prop(page: Page, id: string, name: string): Promise<unknown> {
  return page.evaluate(
    ([shapeId, key]) => (window.__warRoomEditor!.getShape(shapeId as never)?.props as Record<string, unknown>)?.[key],
    [id, name],
  )
}

test('a review taken in the UI, the changes since, marks on the canvas, the trend', async ({ openRoom }) => {
  const { page, screenshot } = await openDemo(openRoom)
  await expect.poll(() => page.getByText('还没有复盘').count()).toBe(1)

  await page.getByTestId('wr-review-title').fill('11 月复盘')
  await page.getByTestId('wr-review-submit').click()
  await expect.poll(() => page.getByTestId('wr-review-message').textContent()).toContain('已冻结「11 月复盘」')
  await page.getByTestId('wr-changes-none').waitFor()

  // The meeting's month, on the canvas: a relationship warms, a blocker is cleared, an action is
  // done, a new person appears, another action is dropped from the map.
  const before = await prop(page, 'shape:demo-s-zheng', 'relationship')
  await page.evaluate(() => {
    const editor = window.__warRoomEditor!
    const update = (id: string, props: Record<string, unknown>) => {
      const shape = editor.getShape(id as never)!
      editor.updateShape({ id: shape.id, type: shape.type, props } as never)
    }
    update('shape:demo-s-zheng', { relationship: 'cr2' })
    update('shape:demo-b-legacy', { status: 'cleared' })
    update('shape:demo-a-workshop', { status: 'done' })
    editor.createShape({
      id: 'shape:new-person' as never,
      type: 'stakeholder',
      x: 200,
      y: -300,
      props: { name: '吴新任' },
    } as never)
    editor.deleteShape('shape:demo-a-visit' as never)
  })

  const changes = page.getByTestId('wr-change')
  await expect
    .poll(async () => (await changes.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).join(' '))
    .toContain('stakeholder.relationship.changed')
  const listed = await changes.evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-code'), e.getAttribute('data-shape-id')]),
  )
  expect(listed).toEqual(
    expect.arrayContaining([
      ['stakeholder.relationship.changed', 'shape:demo-s-zheng'],
      ['stakeholder.added', 'shape:new-person'],
      ['blocker.status.changed', 'shape:demo-b-legacy'],
      ['action.status.changed', 'shape:demo-a-workshop'],
      ['action.removed', 'shape:demo-a-visit'],
    ]),
  )
  // Grouped like the summary: the decision chain before blockers before actions.
  const groups = await page
    .locator('[data-testid^="wr-changes-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
  expect(groups.indexOf('wr-changes-stakeholder')).toBeLessThan(groups.indexOf('wr-changes-blocker'))
  expect(groups.indexOf('wr-changes-blocker')).toBeLessThan(groups.indexOf('wr-changes-action'))
  expect(await page.getByTestId('wr-summary-blockersCleared').textContent()).toContain('1')
  expect(await page.getByTestId('wr-summary-actionsDone').textContent()).toContain('1')
  expect(await page.getByTestId('wr-summary-relationshipsImproved').textContent()).toContain('1')
  // The removed action is listed by its old name, and cannot be "shown".
  const removed = page.locator('[data-code="action.removed"]')
  expect(await removed.textContent()).toContain('副总裁拜访周主任')
  expect(await removed.evaluate((e) => e.tagName)).toBe('DIV')

  // Marks on the changed shapes.
  const marks = page.getByTestId('wr-change-mark')
  await expect.poll(() => marks.count()).toBeGreaterThanOrEqual(3)
  const markText = async (id: string) =>
    page.locator(`[data-testid="wr-change-mark"][data-shape-id="${id}"]`).textContent()
  expect(await markText('shape:demo-s-zheng')).toBe(`${String(before).toUpperCase()}→CR2`)
  expect(await markText('shape:demo-b-legacy')).toBe('已突破')
  expect(await markText('shape:new-person')).toBe('新')

  // A change takes you to its shape.
  await page.locator('[data-code="blocker.status.changed"]').click()
  await expect
    .poll(() => page.evaluate(() => window.__warRoomEditor!.getSelectedShapeIds()))
    .toEqual(['shape:demo-b-legacy'])

  // The trend: the review and now.
  const trend = page.getByTestId('wr-score-trend')
  await trend.waitFor()
  expect((await trend.getAttribute('data-points'))!.split(',')).toHaveLength(2)

  await page.evaluate(() => {
    window.__warRoomEditor!.zoomToFit({ animation: { duration: 0 } })
  })
  await page.getByTestId('wr-review-summary').scrollIntoViewIfNeeded()
  const shot = await screenshot('review-panel-marks-1280x720')
  expect(shot).toContain('review-panel-marks')

  // Marks only while the panel is open.
  await page.getByTestId('wr-plan-tab-plan').click()
  await expect.poll(() => marks.count()).toBe(0)
  await page.getByTestId('wr-plan-tab-review').click()
  await expect.poll(() => marks.count()).toBeGreaterThanOrEqual(3)

  // A second review: the trend grows, the panel compares with the review before it.
  await page.getByTestId('wr-review-title').fill('12 月复盘')
  await page.getByTestId('wr-review-submit').click()
  await expect.poll(async () => (await trend.getAttribute('data-points'))?.split(',').length).toBe(3)
  expect(await page.getByTestId('wr-review-since-title').textContent()).toContain('11 月复盘')
  await screenshot('review-trend-1280x720')
})

test('a failed action asks for its review cause', async ({ openRoom }) => {
  const { page } = await openDemo(openRoom)
  await page.evaluate(() => {
    const editor = window.__warRoomEditor!
    const shape = editor.getShape('shape:demo-a-workshop' as never)!
    editor.updateShape({ id: shape.id, type: 'action', props: { status: 'failed', reviewCause: '' } } as never)
    editor.select(shape.id)
  })
  const prompt = page.getByTestId('wr-cause-prompt')
  await prompt.waitFor()
  expect(await prompt.textContent()).toContain('判断错')
  await page.getByTestId('wr-cause-execution').click()
  await expect.poll(() => prop(page, 'shape:demo-a-workshop', 'reviewCause')).toBe('execution')
  await expect.poll(() => prompt.count()).toBe(0)
})

test('the frozen map opens read-only beside the live one', async ({ openRoom }) => {
  const { page, screenshot } = await openDemo(openRoom)
  await page.getByTestId('wr-review-since').selectOption({
    label: (await page
      .locator('[data-testid="wr-review-since"] option', { hasText: '11 月复盘' })
      .textContent()) as string,
  })
  await page.getByTestId('wr-review-beside').click()
  await page.getByTestId('frozen-map').waitFor()
  await page.waitForFunction(() => Boolean(window.__warRoomFrozenEditor && window.__warRoomLiveEditor), undefined, {
    timeout: 30_000,
  })
  expect(await page.getByTestId('frozen-banner').textContent()).toMatch(
    /截至 \d{4}-\d{2}-\d{2} 的作战地图 · 11 月复盘 · 只读/,
  )
  const frozen = await page.evaluate(() => {
    const editor = window.__warRoomFrozenEditor!
    const sun = editor.getShape('shape:demo-s-zheng' as never)
    return {
      readOnly: editor.getIsReadonly(),
      visit: Boolean(editor.getShape('shape:demo-a-visit' as never)),
      newcomer: Boolean(editor.getShape('shape:new-person' as never)),
      sun: (sun?.props as { relationship?: string })?.relationship,
      count: editor.getCurrentPageShapes().length,
    }
  })
  const live = await page.evaluate(() => {
    const editor = window.__warRoomLiveEditor!
    return {
      visit: Boolean(editor.getShape('shape:demo-a-visit' as never)),
      newcomer: Boolean(editor.getShape('shape:new-person' as never)),
      sun: (editor.getShape('shape:demo-s-zheng' as never)?.props as { relationship?: string })?.relationship,
    }
  })
  expect(frozen).toMatchObject({ readOnly: true, visit: true, newcomer: false })
  expect(frozen.sun).toBe('cr3')
  expect(frozen.count).toBeGreaterThan(20)
  expect(live).toEqual({ visit: false, newcomer: true, sun: 'cr2' })
  // Read-only: an edit attempt changes nothing.
  await page.evaluate(() => {
    const editor = window.__warRoomFrozenEditor!
    editor.deleteShapes(editor.getCurrentPageShapeIds() as never)
  })
  expect(await page.evaluate(() => window.__warRoomFrozenEditor!.getCurrentPageShapes().length)).toBe(frozen.count)
  await screenshot('review-frozen-beside-live-1280x720')
})

test('the portfolio shows the last review and what moved, and serves the meeting', async ({ open }) => {
  const { page, screenshot } = await open('/', { locale: 'zh-CN', viewport: VIEWPORT, reuse: true })
  const row = page.locator('[data-account="demo"]')
  await row.waitFor()
  expect(await row.getByTestId('last-review').textContent()).toMatch(/\d{4}-\d{2}-\d{2}/)
  expect(await row.textContent()).not.toContain('尚未生成')
  await row.getByTestId('moved').waitFor()
  await page.getByTestId('sort-health').click()
  expect(await page.getByTestId('sort-health').getAttribute('aria-pressed')).toBe('true')
  await screenshot('review-portfolio-1280x720')

  await page.getByTestId('meeting-view').click()
  await page.getByTestId('meeting-table').waitFor()
  const meetingRow = page.locator('[data-account="demo"]')
  expect(await meetingRow.getByTestId('meeting-score').textContent()).toMatch(/^\d+$/)
  expect(await meetingRow.getByTestId('last-review').textContent()).toMatch(/\d{4}-\d{2}-\d{2}/)
  await screenshot('review-meeting-1280x720')
  await page.keyboard.press('Enter')
  await waitForEditor(page)
  expect(new URL(page.url()).pathname).toBe('/a/demo')
})
