/**
 * The one set-up of browser tests, as Vitest fixtures: one Chromium per test file (`browser`,
 * launched with the flags of tests/helpers/browser.ts), a real server per file signed in as the
 * first administrator (`server`, started with `serverOptions`), pages that fail the test on any
 * request leaving localhost and take screenshots (`open`, `openRoom`), and the integration
 * fixtures (`startServer` for a server of the test's own, `cleanup`, …).
 *
 *   import { expect, test as base } from '../helpers/browserFixtures.ts'
 *   const test = base.override('serverOptions', { seedDemo: true })   // when the defaults do not do
 *   test('…', async ({ server, open, openRoom }) => {
 *     const { page, screenshot } = await openRoom(accountId, { locale: 'zh-CN' })
 *   })
 */
import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContextOptions } from 'playwright-core'
import type { MemberRole } from '../../shared/accounts.ts'
import { addMember, createAccount } from './auth.ts'
import { launchBrowser, openRecordedPage, type RecordedPage, signedIn, waitForConnected } from './browser.ts'
import { test as integration } from './fixtures.ts'

export interface OpenOptions extends BrowserContextOptions {
  /** The session cookie to open the page with; `null` opens it signed out. Default: the admin's. */
  as?: string | null
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
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
    const browser = await launchBrowser()
    onCleanup(() => browser.close())
    return browser
  })
  .extend('open', async ({ browser, server }): Promise<BrowserTestFixtures['open']> => {
    return async (path, options = {}) => {
      const { as, ...context } = options
      const cookie = as === undefined ? server.cookie : as
      return openRecordedPage(browser, `${server.url}${path}`, cookie ? signedIn(server, cookie, context) : context)
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

export { describe, expect } from 'vitest'
