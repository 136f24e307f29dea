/**
 * A live battle session with three signed-in people in separate browser contexts (王强 sales
 * editor, 李娜 presales editor, 赵敏 delivery viewer) against the real server: the people panel and
 * cursors carry names and department colours, following through the panel and through a
 * `?follow=` link tracks the leader's camera, the spotlight brings everyone and lets one step out
 * and rejoin, the timer reads the same everywhere, and a dot vote stays hidden until it closes and
 * then ranks the cards, in the document and in GET /plan. Screenshots at 1280×720 in
 * tests/.artifacts/live-*.png.
 */
import type { Page } from 'playwright-core'
import { DEPARTMENT_COLORS } from '../../shared/live/people.ts'
import { api, createUser, login } from '../helpers/auth.ts'
import { pageBarrier, type RecordedPage, waitForEditor } from '../helpers/browser.ts'
import { test as base, describe, expect } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

type Person = 'wang' | 'li' | 'zhao'

const VIEWPORT = { width: 1280, height: 720 }

/** Every account of the file: 王强 and 李娜 edit, 赵敏 views. */
const MEMBERS = {
  members: { 'wang@example.com': 'editor', 'li@example.com': 'editor', 'zhao@example.com': 'viewer' },
} as const

/**
 * The file's people (three users with departments, signed in once) on the shared fixture's
 * server; `accountId` is a new account the three are members of; `openAs` opens a page as one
 * of them (on the shared fixture's `open`: closed after the test, fails on any foreign request).
 */
const test = base
  .extend<{ $file: { people: Record<Person, { id: string; cookie: string }> } }>({
    people: [
      async ({ server }, use) => {
        const people = {} as Record<Person, { id: string; cookie: string }>
        const make = async (key: Person, email: string, name: string, department: string) => {
          const id = await createUser(server, server.cookie, { email, name })
          const res = await api(server, 'PATCH', `/api/users/${id}`, { cookie: server.cookie, body: { department } })
          expect(res.status).toBe(200)
          people[key] = { id, cookie: await login(server, email) }
        }
        await make('wang', 'wang@example.com', '王强', 'sales')
        await make('li', 'li@example.com', '李娜', 'presales')
        await make('zhao', 'zhao@example.com', '赵敏', 'delivery')
        await use(people)
      },
      { scope: 'file' },
    ],
  })
  // A fresh account of the three (MEMBERS) for each test that asks for one.
  .extend('accountId', async ({ newAccount }) => newAccount('live', MEMBERS))
  .extend(
    'openAs',
    async ({ open, people }) =>
      async (who: Person, path: string, lang: 'zh' | 'en' = 'zh', viewport = VIEWPORT): Promise<RecordedPage> => {
        // Speed: a page an earlier test left for the same person, locale and size, its room mounted
        // afresh by the app's own navigation (`reuse`); the first test of each loads its page itself.
        const p = await open(path, {
          as: people[who].cookie,
          viewport,
          locale: lang === 'zh' ? 'zh-CN' : 'en-US',
          reuse: true,
        })
        // Mounting tldraw in a fourth context on a loaded two-core machine can take over 30 s.
        await waitForEditor(p.page, 90_000)
        await p.page.getByTestId('live-bar').waitFor({ timeout: 30_000 })
        return p
      },
  )

/** Moves the real mouse over the canvas, so the person has a cursor and counts as active. */
async function wiggle(page: Page, x = 640, y = 420) {
  await page.mouse.move(x, y)
  await page.mouse.move(x + 20, y + 10, { steps: 3 })
}

const followingOf = (page: Page) => page.evaluate(() => window.__warRoomEditor!.getInstanceState().followingUserId)

/** The page-space centre and zoom of a page's viewport. */
const viewOf = (page: Page) =>
  page.evaluate(() => {
    const editor = window.__warRoomEditor!
    const b = editor.getViewportPageBounds()
    return { x: b.center.x, y: b.center.y, z: editor.getZoomLevel() }
  })

const setCamera = (page: Page, camera: { x: number; y: number; z: number }) =>
  page.evaluate((c) => {
    window.__warRoomEditor!.setCamera(c)
  }, camera)

// Three or four browser contexts on two shared cores: slow, not stuck.
describe('live session', { timeout: 300_000 }, () => {
  test('people panel and cursors show names and department colours; following through the panel tracks pan and zoom', async ({
    people,
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`)
    const li = await open('li', `/a/${accountId}`)
    const zhao = await open('zhao', `/a/${accountId}`)
    // 李娜 in a second tab: she is still listed once.
    const li2 = await open('li', `/a/${accountId}`)
    for (const p of [wang, li, zhao, li2]) await wiggle(p.page)

    await wang.page.getByTestId('people-chip').click()
    const panel = wang.page.getByTestId('people-panel')
    await eventually(async () => expect(await panel.getByTestId('person').count()).toBe(3), 15_000)
    const rows = await panel.getByTestId('person').evaluateAll((els) =>
      els.map((el) => ({
        id: el.getAttribute('data-user-id'),
        text: (el as HTMLElement).innerText,
        color: (el as HTMLElement).style.borderLeftColor,
      })),
    )
    const row = (id: string) => rows.find((r) => r.id === id)!
    expect(row(people.wang.id).text).toContain('王强')
    expect(row(people.wang.id).text).toContain('（你）')
    expect(row(people.li.id).text).toMatch(/李娜[\s\S]*售前[\s\S]*编辑者[\s\S]*可编辑/)
    expect(row(people.li.id).text).toContain('2 个标签页')
    expect(row(people.zhao.id).text).toMatch(/赵敏[\s\S]*交付[\s\S]*查看者[\s\S]*只读/)
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`
    expect(row(people.li.id).color).toBe(rgb(DEPARTMENT_COLORS.presales))
    expect(row(people.zhao.id).color).toBe(rgb(DEPARTMENT_COLORS.delivery))
    await wang.screenshot('live-people-panel')

    // Cursors: 王强 sees 李娜's cursor labelled with her name in the presales colour.
    await wiggle(li.page, 700, 400)
    await eventually(async () => {
      const cursors = await wang.page
        .locator('.tl-collaborator__cursor .tl-nametag')
        .evaluateAll((els) =>
          els.map((el) => ({ text: (el as HTMLElement).innerText, color: getComputedStyle(el).backgroundColor })),
        )
      expect(cursors).toEqual(
        expect.arrayContaining([{ text: expect.stringContaining('李娜'), color: rgb(DEPARTMENT_COLORS.presales) }]),
      )
    }, 10_000)
    // Nobody shows up as tldraw's anonymous "New User".
    expect(await wang.page.locator('.tl-collaborator__cursor').allInnerTexts()).not.toContain('New User')

    // 李娜 follows 王强 from her panel: a bar names him, the frame has his colour.
    await li.page.getByTestId('people-chip').click()
    await li.page
      .locator(`[data-testid="person"][data-user-id="${people.wang.id}"] [data-testid="person-follow"]`)
      .click()
    await eventually(async () => expect(await followingOf(li.page)).toBe(`user:${people.wang.id}`), 5000)
    await expect.poll(() => li.page.getByTestId('follow-bar').innerText()).toContain('正在跟随 王强')
    expect(await li.page.getByTestId('follow-frame').evaluate((el) => getComputedStyle(el).borderTopColor)).toBe(
      rgb(DEPARTMENT_COLORS.sales),
    )
    // Esc steps out of following.
    await li.page.keyboard.press('Escape')
    await eventually(async () => expect(await followingOf(li.page)).toBeNull(), 5000)
    await li.page.getByTestId('people-chip').click()
    await li.page
      .locator(`[data-testid="person"][data-user-id="${people.wang.id}"] [data-testid="person-follow"]`)
      .click()
    await eventually(async () => expect(await followingOf(li.page)).toBe(`user:${people.wang.id}`), 5000)

    // 王强 pans and zooms; 李娜's camera follows.
    await setCamera(wang.page, { x: -1800, y: -900, z: 1.6 })
    await eventually(async () => {
      const [a, b] = [await viewOf(wang.page), await viewOf(li.page)]
      expect(Math.abs(a.x - b.x)).toBeLessThan(15)
      expect(Math.abs(a.y - b.y)).toBeLessThan(15)
      expect(Math.abs(a.z - b.z) / a.z).toBeLessThan(0.05)
    }, 5000)
    await li.screenshot('live-following')

    await li.page.getByTestId('follow-stop').click()
    expect(await followingOf(li.page)).toBeNull()
    await expect.poll(() => li.page.getByTestId('follow-bar').count()).toBe(0)
  })

  test('a ?follow= link waits for that person, then follows them', async ({ people, accountId, openAs: open }) => {
    const zhao = await open('zhao', `/a/${accountId}?follow=${people.wang.id}`, 'en')
    await expect.poll(() => zhao.page.getByTestId('follow-waiting').count(), { timeout: 10_000 }).toBe(1)
    expect(await followingOf(zhao.page)).toBeNull()

    const wang = await open('wang', `/a/${accountId}`, 'en')
    await wiggle(wang.page)
    await setCamera(wang.page, { x: 300, y: 200, z: 0.7 })
    await eventually(async () => expect(await followingOf(zhao.page)).toBe(`user:${people.wang.id}`), 10_000)
    await expect.poll(() => zhao.page.getByTestId('follow-bar').innerText()).toContain('Following 王强')
    await eventually(async () => {
      const [a, b] = [await viewOf(wang.page), await viewOf(zhao.page)]
      expect(Math.abs(a.x - b.x)).toBeLessThan(15)
      expect(Math.abs(a.z - b.z) / a.z).toBeLessThan(0.05)
    }, 5000)
    // The link is used up: a reload does not wait for him again.
    expect(new URL(zhao.page.url()).searchParams.has('follow')).toBe(false)
  })

  test('the spotlight brings everyone to the leader; one steps out with Esc and rejoins; it ends when turned off', async ({
    people,
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`)
    const li = await open('li', `/a/${accountId}`)
    const zhao = await open('zhao', `/a/${accountId}`)
    for (const p of [wang, li, zhao]) await wiggle(p.page)
    // A viewer cannot lead.
    expect(await zhao.page.getByTestId('spotlight-toggle').count()).toBe(0)

    await setCamera(wang.page, { x: -2400, y: -1300, z: 1.3 })
    await wang.page.getByTestId('spotlight-toggle').click()
    for (const p of [li, zhao]) {
      await eventually(async () => expect(await followingOf(p.page)).toBe(`user:${people.wang.id}`), 3000)
      await expect.poll(() => p.page.getByTestId('spotlight-following').innerText()).toContain('王强 正在带领大家')
    }
    await eventually(
      async () => expect(await wang.page.getByTestId('spotlight-leading').innerText()).toContain('2 人跟随'),
      5000,
    )
    await eventually(async () => {
      const [a, b] = [await viewOf(wang.page), await viewOf(zhao.page)]
      expect(Math.abs(a.x - b.x)).toBeLessThan(15)
      expect(Math.abs(a.z - b.z) / a.z).toBeLessThan(0.05)
    }, 5000)
    await zhao.screenshot('live-spotlight')
    await wang.screenshot('live-spotlight-leader')

    // 李娜 steps out with Esc; the leader moves on without her; she rejoins with the button.
    await li.page.mouse.click(900, 600)
    await li.page.keyboard.press('Escape')
    await eventually(async () => expect(await followingOf(li.page)).toBeNull(), 3000)
    await expect.poll(() => li.page.getByTestId('spotlight-stepped-out').count()).toBe(1)
    await setCamera(wang.page, { x: 500, y: 400, z: 0.8 })
    await eventually(
      async () => expect(Math.abs((await viewOf(zhao.page)).x - (await viewOf(wang.page)).x)).toBeLessThan(15),
      5000,
    )
    // Barrier: 李娜's page has the leader's moved camera (it came before the marker) and did not follow.
    await pageBarrier(wang.page, li.page)
    expect(await followingOf(li.page)).toBeNull()
    expect(Math.abs((await viewOf(li.page)).x - (await viewOf(wang.page)).x)).toBeGreaterThan(100)
    await li.screenshot('live-spotlight-stepped-out')
    await li.page.getByTestId('spotlight-rejoin').click()
    await eventually(async () => expect(await followingOf(li.page)).toBe(`user:${people.wang.id}`), 3000)
    await eventually(
      async () => expect(Math.abs((await viewOf(li.page)).x - (await viewOf(wang.page)).x)).toBeLessThan(15),
      5000,
    )

    // Panning the canvas is stepping out too.
    // (tldraw takes wheel input only while the canvas has focus: a click gives it back.)
    // (Away from the empty page's prompt card, which takes its own wheel; tldraw takes wheel
    // input only while the canvas has focus: a click gives it back.)
    await li.page.mouse.click(250, 260)
    await li.page.mouse.wheel(0, 300)
    await eventually(async () => expect(await followingOf(li.page)).toBeNull(), 3000)
    await li.page.getByTestId('spotlight-rejoin').click()
    await eventually(async () => expect(await followingOf(li.page)).toBe(`user:${people.wang.id}`), 3000)

    // Turned off: everyone is free again.
    await wang.page.getByTestId('spotlight-stop').click()
    for (const p of [li, zhao]) await eventually(async () => expect(await followingOf(p.page)).toBeNull(), 3000)
    expect(await zhao.page.getByTestId('spotlight-following').count()).toBe(0)

    // A spotlight turned on while someone joins later reaches the late joiner; when the leader leaves it ends.
    await wang.page.getByTestId('spotlight-toggle').click()
    await eventually(async () => expect(await followingOf(zhao.page)).toBe(`user:${people.wang.id}`), 3000)
    const late = await open('li', `/a/${accountId}`)
    await eventually(async () => expect(await followingOf(late.page)).toBe(`user:${people.wang.id}`), 10_000)
    await wang.context.close()
    for (const p of [zhao, late]) await eventually(async () => expect(await followingOf(p.page)).toBeNull(), 10_000)
  })

  test('the session timer reads the same for everyone, survives a reload, and says when time is up', async ({
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`)
    const zhao = await open('zhao', `/a/${accountId}`, 'en')
    // Viewers see it but cannot run it.
    expect(await zhao.page.getByTestId('timer-open').count()).toBe(0)

    await wang.page.getByTestId('timer-open').click()
    await wang.page.getByTestId('timer-label').fill('讨论卡点')
    await wang.page.getByTestId('timer-preset-10').click()
    const remaining = async (p: Page) => Number(await p.getByTestId('timer-chip').getAttribute('data-remaining'))
    await expect.poll(() => zhao.page.getByTestId('timer-chip').count(), { timeout: 5000 }).toBe(1)
    expect(await zhao.page.getByTestId('timer-chip').innerText()).toContain('讨论卡点')
    const [a, b] = [await remaining(wang.page), await remaining(zhao.page)]
    expect(a).toBeGreaterThan(9 * 60_000)
    expect(Math.abs(a - b)).toBeLessThan(1500)
    await wang.screenshot('live-timer')

    // Pause: both stop at the same value; a reload keeps it.
    await wang.page.getByTestId('timer-chip').click()
    await wang.page.getByTestId('timer-pause').click()
    await expect.poll(() => zhao.page.getByTestId('timer-chip').innerText()).toContain('paused')
    const paused = await remaining(zhao.page)
    await zhao.page.reload()
    await waitForEditor(zhao.page)
    await expect.poll(() => remaining(zhao.page), { timeout: 10_000 }).toBe(paused)

    // A timer about to run out (written as an outside tool would): "time's up" and a chime on both.
    await wang.page.evaluate(() => {
      const timers = window.__warRoomLive!.doc.getMap('session')
      timers.set('timer', { label: '讨论卡点', durationMs: 2500, startedAt: Date.now(), pausedAt: null, by: 'test' })
    })
    for (const p of [wang, zhao]) {
      await expect.poll(() => p.page.getByTestId('time-up').count(), { timeout: 8000 }).toBe(1)
      await expect.poll(() => p.page.evaluate(() => window.__warRoomChimes ?? 0)).toBe(1)
    }
    expect(await zhao.page.getByTestId('time-up').innerText()).toContain("Time's up")
    await zhao.screenshot('live-time-up')
    // The controls are still open from the pause.
    await wang.page.getByTestId('timer-end').click()
    await expect.poll(() => zhao.page.getByTestId('timer-chip').count()).toBe(0)
  })

  test('on a large screen (1920×1080, English) the live bar and banners are a size up', async ({
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`, 'en', { width: 1920, height: 1080 })
    const li = await open('li', `/a/${accountId}`)
    await wiggle(li.page)
    await li.page.getByTestId('spotlight-toggle').click()
    await expect
      .poll(() => wang.page.getByTestId('spotlight-following').innerText(), { timeout: 15_000 })
      .toContain('李娜 is leading')
    const sizes = await wang.page.evaluate(() => ({
      bar: getComputedStyle(document.querySelector('[data-testid="live-bar"]')!).fontSize,
      banner: getComputedStyle(document.querySelector('[data-testid="spotlight-following"]')!).fontSize,
    }))
    expect(sizes).toEqual({ bar: '16px', banner: '19px' })
    await wang.screenshot('live-large-screen')
  })

  test('the laser is drawn in the person’s department colour, on their screen and on the others’', async ({
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`)
    const li = await open('li', `/a/${accountId}`)
    /** The average colour of what the overlay canvas holds (lasers; nothing else on an empty page). */
    const laserColour = (page: Page) =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas.tl-canvas-overlays')
        if (!canvas) return null
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let [r, g, b, n] = [0, 0, 0, 0]
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 100) continue
          r += data[i]!
          g += data[i + 1]!
          b += data[i + 2]!
          n++
        }
        return n < 20 ? null : [r / n, g / n, b / n].map(Math.round)
      })
    const sales = [1, 3, 5].map((i) => Number.parseInt(DEPARTMENT_COLORS.sales.slice(i, i + 2), 16))
    const near = (got: number[] | null) => !!got?.every((v, i) => Math.abs(v - sales[i]!) <= 12)

    await wang.page.getByTestId('laser-toggle').click()
    expect(await wang.page.getByTestId('laser-toggle').getAttribute('aria-pressed')).toBe('true')
    await wang.page.mouse.move(300, 300)
    await wang.page.mouse.down()
    let mine: number[] | null = null
    let theirs: number[] | null = null
    // Keep the laser moving (it fades when still) until both screens have drawn it.
    for (let i = 0; i < 120 && !(near(mine) && near(theirs)); i++) {
      await wang.page.mouse.move(300 + (i % 20) * 25, 300 + (i % 7) * 20, { steps: 2 })
      if (!near(mine)) mine = await laserColour(wang.page)
      if (!near(theirs)) theirs = await laserColour(li.page)
    }
    await wang.page.mouse.up()
    expect(mine, 'the laser on 王强’s own screen').toEqual(expect.any(Array))
    expect(near(mine), `own laser ${mine} vs sales ${sales}`).toBe(true)
    expect(near(theirs), `王强’s laser on 李娜’s screen ${theirs} vs sales ${sales}`).toBe(true)
  })

  test('a dot vote: dots hidden while open, closed by the facilitator, ranks on the cards and in the plan', async ({
    server,
    people,
    accountId,
    openAs: open,
  }) => {
    const wang = await open('wang', `/a/${accountId}`)
    const li = await open('li', `/a/${accountId}`)
    const zhao = await open('zhao', `/a/${accountId}`)
    // Three blockers and an action, laid out in view.
    await wang.page.evaluate(() => {
      const editor = window.__warRoomEditor!
      const cards = [
        { id: 'shape:b1', type: 'blocker', x: 100, y: 150, props: { title: '预算未批' } },
        { id: 'shape:b2', type: 'blocker', x: 420, y: 150, props: { title: '技术选型被对手主导' } },
        { id: 'shape:b3', type: 'blocker', x: 740, y: 150, props: { title: '采购流程长' } },
        { id: 'shape:a1', type: 'action', x: 420, y: 380, props: { title: '拜访财务总监' } },
      ]
      editor.createShapes(cards as never)
      editor.zoomToFit()
      return null
    })
    await eventually(
      async () => expect(await li.page.evaluate(() => window.__warRoomEditor!.getCurrentPageShapes().length)).toBe(4),
      10_000,
    )
    for (const p of [li, zhao])
      await p.page.evaluate(() => {
        window.__warRoomEditor!.zoomToFit()
      })

    await wang.page.getByTestId('vote-new').click()
    await wang.page.getByTestId('vote-question').fill('先打哪个卡点？')
    await wang.page.getByTestId('vote-per-person').fill('2')
    await wang.page.getByTestId('vote-start').click()
    for (const p of [wang, li, zhao])
      await expect.poll(() => p.page.getByTestId('vote-bar').count(), { timeout: 5000 }).toBe(1)
    // Only blockers count; a viewer gets no dots.
    await expect.poll(() => li.page.getByTestId('vote-dot').count()).toBe(3)
    expect(await zhao.page.getByTestId('vote-dot').count()).toBe(0)

    const dot = (p: RecordedPage, id: string) => p.page.locator(`[data-testid="vote-dot"][data-shape-id="${id}"]`)
    await dot(wang, 'shape:b2').click()
    await dot(wang, 'shape:b1').click()
    await expect.poll(() => wang.page.getByTestId('vote-left').innerText()).toContain('还剩 0/2 票')
    // Out of dots: the third card's dot is disabled until one is taken back.
    expect(await dot(wang, 'shape:b3').isDisabled()).toBe(true)
    await dot(li, 'shape:b2').click()
    await expect.poll(() => dot(li, 'shape:b2').getAttribute('data-placed')).toBe('true')
    await li.screenshot('live-vote-open')

    // Hidden while open: 李娜 sees only her own dot, no counts anywhere, nothing in the document.
    expect(await dot(li, 'shape:b1').getAttribute('data-placed')).toBeNull()
    expect(await li.page.getByTestId('vote-rank').count()).toBe(0)
    const docVotes = await li.page.evaluate(() => JSON.stringify(window.__warRoomLive!.doc.getMap('votes').toJSON()))
    expect(docVotes).not.toContain('shape:b2')

    await wang.page.getByTestId('vote-close').click()
    for (const p of [wang, li, zhao]) {
      await expect.poll(() => p.page.getByTestId('vote-bar').count(), { timeout: 5000 }).toBe(0)
      await expect
        .poll(() =>
          p.page
            .getByTestId('vote-rank')
            .evaluateAll((els) =>
              els
                .map((el) => [
                  el.getAttribute('data-shape-id'),
                  el.getAttribute('data-rank'),
                  el.getAttribute('data-count'),
                ])
                .sort(),
            ),
        )
        .toEqual([
          ['shape:b1', '2', '1'],
          ['shape:b2', '1', '2'],
        ])
    }
    expect(await zhao.page.getByTestId('vote-results').innerText()).toContain('技术选型被对手主导')
    // The viewer's read-only note covers no rank badge and no card (it sits in the live bar).
    const covered = await zhao.page.evaluate(() => {
      const note = document.querySelector('[data-testid="read-only"]')!.getBoundingClientRect()
      const hits = (r: DOMRect) =>
        r.left < note.right && note.left < r.right && r.top < note.bottom && note.top < r.bottom
      return {
        inLiveBar: Boolean(document.querySelector('[data-testid="live-bar"] [data-testid="read-only"]')),
        ranks: [...document.querySelectorAll('[data-testid="vote-rank"]')].filter((el) =>
          hits(el.getBoundingClientRect()),
        ).length,
        cards: [...document.querySelectorAll('.tl-shape')].filter((el) => hits(el.getBoundingClientRect())).length,
      }
    })
    expect(covered).toEqual({ inLiveBar: true, ranks: 0, cards: 0 })
    expect(await zhao.page.getByTestId('read-only').innerText()).toContain('查看者')
    await zhao.screenshot('live-vote-results')

    await eventually(async () => {
      const plan = (await (
        await api(server, 'GET', `/api/accounts/${accountId}/plan`, { cookie: people.zhao.cookie })
      ).json()) as {
        votes: {
          question: string
          voters: number
          results: { shapeId: string; count: number; rank: number; title: string }[]
        }[]
      }
      expect(plan.votes).toHaveLength(1)
      expect(plan.votes[0]).toMatchObject({ question: '先打哪个卡点？', voters: 2 })
      expect(plan.votes[0].results).toEqual([
        { shapeId: 'shape:b2', type: 'blocker', title: '技术选型被对手主导', count: 2, rank: 1 },
        { shapeId: 'shape:b1', type: 'blocker', title: '预算未批', count: 1, rank: 2 },
      ])
    }, 10_000)
  })
})
