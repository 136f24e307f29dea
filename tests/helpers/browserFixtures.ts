/**
 * The one set-up of browser tests, as Vitest fixtures: one Chromium per vitest worker (`browser`,
 * launched with the flags of tests/helpers/browser.ts), a real server per file signed in as the
 * first administrator (`server`, started with `serverOptions`), pages that fail the test on any
 * request leaving localhost and take screenshots (`open`, `openRoom`), and the integration
 * fixtures (`startServer` for a server of the test's own, `cleanup`, …).
 *
 * A page costs ~6 core-seconds of Chromium to load (tldraw's bundle) and an idle room ~15 % of a
 * core, on a machine of two cores for the whole suite. So a test that needs a person's page but
 * not a fresh browser asks for `{ reuse: true }`: it gets a page of an earlier test of the file for
 * the same person, locale and options (resized to its viewport), brought to its path by the client's own
 * navigation (~1.3 core-seconds). After each test a reused page is parked on a light page (its
 * room unmounted: socket closed, editor gone), or closed if the test failed.
 *
 *   import { expect, test as base } from '../helpers/browserFixtures.ts'
 *   const test = base.extend('serverOptions', { scope: 'file' }, { seedDemo: true })   // not override(): see README
 *   test('…', async ({ server, open, openRoom }) => {
 *     const { page, screenshot } = await openRoom(accountId, { locale: 'zh-CN' })
 *   })
 */
import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContextOptions } from 'playwright-core'
import { onTestFinished } from 'vitest'
import type { MemberRole } from '../../shared/accounts.ts'
import { addMember, createAccount } from './auth.ts'
import {
  checkLocalOnly,
  DEFAULT_VIEWPORT,
  launchBrowser,
  navigateInApp,
  openRecordedPage,
  type RecordedPage,
  recordedContext,
  signedIn,
  waitForConnected,
} from './browser.ts'
import { test as integration } from './fixtures.ts'

export interface OpenOptions extends BrowserContextOptions {
  /** The session cookie to open the page with; `null` opens it signed out. Default: the admin's. */
  as?: string | null
  /**
   * May be a page an earlier test of this file left (same `as`, locale and options; resized to
   * this `viewport`),
   * moved to `path` in the app instead of loaded in a new browser context: for tests that need
   * a person's page, not an empty browser profile (its local storage and cookies stay; the room is
   * mounted afresh). Default: a new context, closed after the test.
   */
  reuse?: boolean
}

/** Where a kept page waits between tests: a page of the client without a canvas or a socket. */
const PARKED_PATH = '/me'

interface KeptPage {
  key: string
  recorded: RecordedPage
  busy: boolean
}

export interface BrowserTestFixtures {
  /**
   * Opens `path` of the file's server in a browser context of its own (its own person), closed
   * after the test; the test fails if the page makes any request outside localhost.
   */
  open: (path: string, options?: OpenOptions) => Promise<RecordedPage>
  /** Opens an account's room and waits until its editor is mounted and connected. */
  openRoom: (accountId: string, options?: OpenOptions) => Promise<RecordedPage>
  /**
   * A new account of the file's server, made by its administrator, with a fresh id
   * (`<prefix>-<8 hex>`); `members` adds people by email with their role.
   */
  newAccount: (prefix: string, options?: NewAccountOptions) => Promise<string>
}

export interface NewAccountOptions {
  fields?: { name?: string; owner?: string; tier?: string }
  members?: Record<string, MemberRole>
}

/** The `openRoom` fixture's type, for a file's own helpers. */
export type OpenRoom = BrowserTestFixtures['openRoom']

export const test = integration
  // The file's `server` and its `serverOptions` are the integration fixtures' (tests/helpers/fixtures.ts).
  // One Chromium per vitest worker (the browser layer runs its files one after the other in a worker,
  // `isolate: false`): every page has a context of its own, closed after its test or file, so files
  // share no browser state; a launch costs ~0.8 core-seconds (measured), once instead of per file.
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
  .extend('browser', { scope: 'worker' }, async ({}, { onCleanup }): Promise<Browser> => {
    const browser = await launchBrowser()
    onCleanup(() => browser.close())
    return browser
  })
  // The file's kept pages (`reuse: true`), closed after its last test.
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
  .extend('pagePool', { scope: 'file' }, async ({}, { onCleanup }): Promise<KeptPage[]> => {
    const kept: KeptPage[] = []
    onCleanup(async () => {
      for (const k of kept.splice(0)) await k.recorded.context.close().catch(() => {})
    })
    return kept
  })
  .extend('open', async ({ browser, server, pagePool }): Promise<BrowserTestFixtures['open']> => {
    return async (path, options = {}) => {
      const { as, reuse, ...context } = options
      const cookie = as === undefined ? server.cookie : as
      const contextOptions = cookie ? signedIn(server, cookie, context) : context
      const url = `${server.url}${path}`
      if (!reuse) return openRecordedPage(browser, url, contextOptions)
      // The viewport is the page's, set when it is handed out: not part of what must match.
      const { viewport, ...rest } = contextOptions
      return openKept(browser, pagePool, JSON.stringify(rest), contextOptions, url, path)
    }
  })
  .extend('openRoom', async ({ open }): Promise<BrowserTestFixtures['openRoom']> => {
    return async (accountId, options) => {
      const recorded = await open(`/a/${accountId}`, options)
      await waitForConnected(recorded.page)
      return recorded
    }
  })
  .extend('newAccount', async ({ server }): Promise<BrowserTestFixtures['newAccount']> => {
    return async (prefix, { fields = {}, members = {} } = {}) => {
      const id = await createAccount(server, server.cookie, {
        id: `${prefix}-${randomBytes(4).toString('hex')}`,
        ...fields,
      })
      for (const [email, role] of Object.entries(members)) await addMember(server, server.cookie, id, email, role)
      return id
    }
  })

/** A kept page for `key` (a free one of the pool, or a new one added to it), at `url`. */
async function openKept(
  browser: Browser,
  pool: KeptPage[],
  key: string,
  contextOptions: BrowserContextOptions,
  url: string,
  path: string,
): Promise<RecordedPage> {
  let entry = pool.find((k) => k.key === key && !k.busy)
  if (entry) {
    entry.busy = true
    const { recorded } = entry
    // This test's requests and errors only.
    for (const list of [recorded.requests, recorded.foreignRequests, recorded.errors]) list.length = 0
    // Resized while parked, so the room mounts at this test's size.
    await recorded.page.setViewportSize(contextOptions.viewport ?? DEFAULT_VIEWPORT)
    await navigateInApp(recorded.page, path)
  } else {
    const recorded = await recordedContext(browser, contextOptions)
    const created: KeptPage = { key, recorded, busy: true }
    entry = created
    pool.push(created)
    // A test may close it itself (a person leaving): then it is no longer kept.
    recorded.context.on('close', () => {
      const at = pool.indexOf(created)
      if (at >= 0) pool.splice(at, 1)
    })
    await recorded.page.goto(url)
  }
  const kept = entry
  onTestFinished(async ({ task }) => {
    const { recorded } = kept
    try {
      checkLocalOnly(recorded)
    } finally {
      if (pool.includes(kept)) {
        // After a failure the page may be in any state: the next test gets a new one.
        if (task.result?.state === 'fail' || !(await park(recorded))) await recorded.context.close().catch(() => {})
        kept.busy = false
      }
    }
  })
  return entry.recorded
}

/** Leaves the room (or whatever the page shows) for the parking page; false if the page is unusable. */
async function park(recorded: RecordedPage): Promise<boolean> {
  try {
    await navigateInApp(recorded.page, PARKED_PATH)
    await recorded.page.waitForFunction(() => !window.__warRoomEditor && !window.__warRoomLive, undefined, {
      timeout: 15_000,
    })
    return true
  } catch {
    return false
  }
}

export { describe, expect } from 'vitest'
