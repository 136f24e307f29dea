/**
 * The one set-up of browser tests, as Vitest fixtures: one Chromium per test file (`browser`), a
 * real server per file signed in as the first administrator (`server`), and the integration
 * fixtures (`startServer` for a server of the test's own, `cleanup`, …).
 *
 *   import { expect, test } from '../helpers/browserFixtures.ts'
 *   test('…', async ({ browser, server }) => {
 *     const { page } = await openRecordedPage(browser, server.url, signedIn(server, server.cookie))
 *   })
 */
import type { Browser } from 'playwright-core'
import { launchBrowser } from './browser.ts'
import { test as integration } from './fixtures.ts'
import { startTestServer, type TestServer, tempDataDir } from './server.ts'

export const test = integration.extend<{ $file: { browser: Browser; server: TestServer } }>({
  browser: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
    async ({}, use) => {
      const browser = await launchBrowser()
      await use(browser)
      await browser.close()
    },
    { scope: 'file' },
  ],
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
    async ({}, use) => {
      const data = tempDataDir('war-room-browser-')
      const server = await startTestServer({ dataDir: data.dir, accounts: [] })
      await use(server)
      await server.close()
      data.remove()
    },
    { scope: 'file' },
  ],
})

export { expect } from 'vitest'
