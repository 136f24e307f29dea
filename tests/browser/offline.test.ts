/**
 * Edits made while the connection is gone stay on screen and merge, from both
 * sides, when it returns; and the connection state says what is going on.
 */
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { createAccount } from '../helpers/auth.ts'
import { openRecordedPage, signedIn, waitForConnected, waitForEditor } from '../helpers/browser.ts'
import { expect, test } from '../helpers/browserFixtures.ts'
import { eventually, startTestServer } from '../helpers/server.ts'

const shapeIds = (page: Page) => page.evaluate(() => [...window.__warRoomEditor!.getCurrentPageShapeIds()].sort())

const connectionState = (page: Page) => page.getByTestId('connection-state').getAttribute('data-state')

async function drawRectangle(page: Page, x: number, y: number) {
  await page.keyboard.press('Escape')
  await page.keyboard.press('r')
  await page.mouse.move(x, y)
  await page.mouse.down()
  await page.mouse.move(x + 60, y + 40, { steps: 4 })
  await page.mouse.move(x + 120, y + 80, { steps: 4 })
  await page.mouse.up()
}

// Its own server, started (and restarted) inside the test: more time than the layer's default.
test('edits made on both sides while the server is away merge when it returns', { timeout: 240_000 }, async ({
  browser,
  dataDir,
  cleanup,
}) => {
  // A server of its own, stopped and started again on the same data and port.
  let server = await startTestServer({ dataDir, accounts: [] })
  cleanup(() => server.close())
  const accountId = `offline-${randomBytes(4).toString('hex')}`
  const url = `${server.url}/a/${await createAccount(server, server.cookie, { id: accountId })}`
  const port = server.port

  const alice = await openRecordedPage(browser, url, signedIn(server, server.cookie))
  const bob = await openRecordedPage(browser, url, signedIn(server, server.cookie))
  for (const { page } of [alice, bob]) await waitForConnected(page)

  await drawRectangle(alice.page, 300, 200)
  await eventually(async () => expect(await shapeIds(bob.page)).toHaveLength(1), 10_000)

  await server.close()
  for (const { page } of [alice, bob]) {
    await eventually(async () => expect(await connectionState(page)).toBe('reconnecting'), 15_000)
  }

  await drawRectangle(alice.page, 300, 400)
  await drawRectangle(bob.page, 700, 400)
  // Each side keeps its own offline edit on screen and cannot see the other's yet.
  expect(await shapeIds(alice.page)).toHaveLength(2)
  expect(await shapeIds(bob.page)).toHaveLength(2)
  expect(await shapeIds(alice.page)).not.toEqual(await shapeIds(bob.page))
  await bob.screenshot('offline-bob-reconnecting')

  server = await startTestServer({ dataDir, port, accounts: [] })
  for (const { page } of [alice, bob]) {
    await eventually(async () => expect(await connectionState(page)).toBe('connected'), 20_000)
  }
  await eventually(async () => {
    const mine = await shapeIds(alice.page)
    expect(mine).toHaveLength(3)
    expect(await shapeIds(bob.page)).toEqual(mine)
  }, 10_000)
  const merged = await shapeIds(alice.page)
  await alice.screenshot('offline-alice-merged')

  // The merge reached the server, not just the other tab.
  await bob.page.reload()
  await waitForEditor(bob.page)
  await eventually(async () => expect(await shapeIds(bob.page)).toEqual(merged), 10_000)

  // The browser going offline is reported as offline, and coming back reconnects.
  await alice.context.setOffline(true)
  await eventually(async () => expect(await connectionState(alice.page)).toBe('offline'), 10_000)
  expect(await alice.page.getByTestId('connection-state').textContent()).toMatch(/Offline|离线/)
  await alice.screenshot('offline-alice-offline')
  await alice.context.setOffline(false)
  await eventually(async () => expect(await connectionState(alice.page)).toBe('connected'), 20_000)
})
