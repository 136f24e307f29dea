/**
 * Two people on one account, each in their own browser context, against the real
 * server: a rectangle drawn with the mouse in one appears in the other, survives
 * a reload, presence comes and goes with the person, and no request leaves localhost.
 */
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { createAccount } from '../helpers/auth.ts'
import { waitForEditor } from '../helpers/browser.ts'
import { expect, test } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

interface ShapeSummary {
  id: string
  type: string
  geo?: string
  w?: number
  h?: number
}

function shapesOn(page: Page): Promise<ShapeSummary[]> {
  return page.evaluate(() =>
    window.__warRoomEditor!.getCurrentPageShapes().map((shape) => {
      const props = shape.props as { geo?: string; w?: number; h?: number }
      return { id: shape.id, type: shape.type, geo: props.geo, w: props.w, h: props.h }
    }),
  )
}

function connectionState(page: Page): Promise<string | null> {
  return page.getByTestId('connection-state').getAttribute('data-state')
}

test('a rectangle drawn on one page appears on the other and survives a reload', async ({ server, openRoom }) => {
  const accountId = await createAccount(server, server.cookie, { id: `browser-${randomBytes(4).toString('hex')}` })
  // Two people (two browser contexts), both signed in as the file's administrator.
  const alice = await openRoom(accountId)
  const bob = await openRoom(accountId)

  // Both joined an empty room; the first sync must not leave them with two different pages.
  const pageIds = async (page: Page) => page.evaluate(() => window.__warRoomEditor!.getPages().map((p) => p.id))
  await eventually(async () => expect(await pageIds(bob.page)).toEqual(await pageIds(alice.page)), 10_000)
  expect(await shapesOn(alice.page)).toEqual([])

  // Draw with real input: the rectangle tool's shortcut, then a drag on the canvas.
  await alice.page.keyboard.press('r')
  await alice.page.mouse.move(400, 300)
  await alice.page.mouse.down()
  await alice.page.mouse.move(500, 360, { steps: 5 })
  await alice.page.mouse.move(600, 420, { steps: 5 })
  await alice.page.mouse.up()

  const drawn = await shapesOn(alice.page)
  expect(drawn).toHaveLength(1)
  expect(drawn[0]).toMatchObject({ type: 'geo', geo: 'rectangle' })
  expect(drawn[0].w).toBeGreaterThan(150)
  expect(drawn[0].h).toBeGreaterThan(80)

  await eventually(async () => expect(await shapesOn(bob.page)).toEqual(drawn), 10_000)
  await alice.screenshot('sync-alice-drew')
  await bob.screenshot('sync-bob-sees')

  await bob.page.reload()
  await waitForEditor(bob.page)
  await eventually(async () => expect(await shapesOn(bob.page)).toEqual(drawn), 10_000)
  await eventually(async () => expect(await connectionState(bob.page)).toBe('connected'), 15_000)
  await bob.screenshot('sync-bob-after-reload')

  // Presence goes through awareness: Bob sees Alice's cursor record, and it goes when she leaves.
  const presences = (page: Page) =>
    page.evaluate(() => window.__warRoomEditor!.store.query.records('instance_presence').get().length)
  await alice.page.mouse.move(700, 500, { steps: 3 })
  await eventually(async () => expect(await presences(bob.page)).toBe(1), 10_000)
  await alice.context.close()
  await eventually(async () => expect(await presences(bob.page)).toBe(0), 10_000)

  expect(alice.requests.length).toBeGreaterThan(0)
  expect(alice.foreignRequests).toEqual([])
  expect(bob.foreignRequests).toEqual([])
  expect([...alice.errors, ...bob.errors]).toEqual([])
})
