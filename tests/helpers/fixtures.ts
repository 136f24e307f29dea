/**
 * The one set-up of integration tests, as Vitest fixtures (`test.extend`): a test asks for what it
 * needs by name and gets it cleaned up after itself, in reverse order, pass or fail.
 *
 *   import { test } from '../helpers/fixtures.ts'
 *   test('…', async ({ startServer, client }) => {
 *     const server = await startServer({ accounts: ['acme'] })
 *     const a = await client(server, 'acme')   // synced, signed in as the admin
 *   })
 *
 * A file whose tests share one server (an authorisation matrix, a seeded demo) asks for `server`:
 * started on first use with `serverOptions` (default: the first administrator signed in, no
 * accounts) on a data directory of its own, closed after the file's last test.
 *
 *   const test = base.extend('serverOptions', { scope: 'file' }, { seedDemo: true, accounts: [] })
 *   test('…', async ({ server }) => { … })
 *
 * The plain helpers (startTestServer, connectClient, eventually, …) stay for what fixtures do not cover.
 */
import { test as base, onTestFinished } from 'vitest'
import type { StartOptions } from '../../server/server.ts'
import { startTestServer, type TestServer, type TestServerOptions, tempDataDir, wsUrl } from './server.ts'
import { type Client, connectClient, whenSynced } from './yclient.ts'

export interface IntegrationFixtures {
  /** Registers a clean-up to run after the test (last registered runs first). */
  cleanup: (fn: () => unknown) => void
  /** A fresh temporary data directory, removed after the test. */
  dataDir: string
  /** Makes another fresh temporary data directory (what survived a power cut, say), removed after the test. */
  newDataDir: () => string
  /**
   * Starts a real server (see startTestServer) on `dataDir` unless given another, closed after the
   * test. `accounts` signs in the first administrator and creates those accounts.
   */
  startServer: (options?: Partial<StartOptions> & { dataDir?: string; accounts?: string[] }) => Promise<TestServer>
  /** A real y-websocket client of `account`, signed in with `cookie` (default: the server's admin), synced. */
  client: (server: TestServer, account: string, options?: { cookie?: string; synced?: boolean }) => Promise<Client>
}

export interface IntegrationFileFixtures {
  /** How the file's `server` starts (default: the first administrator signed in, no accounts). */
  serverOptions: Partial<TestServerOptions>
  /**
   * One real server for the whole file, on a data directory of its own: started when a test first
   * asks for it, closed (and its directory removed) after the file's last test.
   */
  server: TestServer
}

/**
 * Runs these after the current test, pass or fail (last registered first): for helpers that open
 * things on a test's behalf (a server, a socket) without taking the `cleanup` fixture.
 */
export function afterTest(...fns: (() => unknown)[]): void {
  for (const fn of fns) onTestFinished(async () => void (await fn()))
}

export const test = base
  .extend<IntegrationFixtures>({
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from the pattern.
    cleanup: async ({}, use) => {
      const fns: (() => unknown)[] = []
      await use((fn) => fns.push(fn))
      const errors: unknown[] = []
      for (const fn of fns.reverse()) {
        try {
          await fn()
        } catch (e) {
          errors.push(e)
        }
      }
      if (errors.length > 0) throw errors[0]
    },
    dataDir: async ({ newDataDir }, use) => {
      await use(newDataDir())
    },
    newDataDir: async ({ cleanup }, use) => {
      await use(() => {
        const data = tempDataDir()
        cleanup(() => data.remove())
        return data.dir
      })
    },
    startServer: async ({ cleanup, dataDir }, use) => {
      await use(async (options = {}) => {
        const server = await startTestServer({ dataDir, ...options })
        cleanup(() => server.close())
        return server
      })
    },
    client: async ({ cleanup }, use) => {
      await use(async (server, account, options = {}) => {
        const c = connectClient(wsUrl(server), account, undefined, { cookie: options.cookie ?? server.cookie })
        cleanup(() => c.destroy())
        if (options.synced !== false) await whenSynced(c.provider)
        return c
      })
    },
  })
  .extend('serverOptions', { scope: 'file' }, { accounts: [] } as IntegrationFileFixtures['serverOptions'])
  .extend('server', { scope: 'file' }, async ({ serverOptions }, { onCleanup }): Promise<TestServer> => {
    const data = tempDataDir()
    let server: TestServer | null = null
    onCleanup(async () => {
      try {
        await server?.close()
      } finally {
        data.remove()
      }
    })
    server = await startTestServer({ ...serverOptions, dataDir: data.dir })
    return server
  })

export { describe, expect } from 'vitest'
