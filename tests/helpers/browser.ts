/**
 * Real-browser helpers: Debian's Chromium driven by playwright-core, pages that
 * record every request and fail the test when one leaves localhost, and
 * screenshots under tests/.artifacts/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import { onTestFinished } from 'vitest'

/** Headless, no sandbox (root in CI), and no background traffic: this machine has no network beyond localhost. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../.artifacts')

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium'
}

/**
 * Launches Chromium. Playwright gives every launch a fresh temporary
 * user-data-dir (deleted on close), so no state leaks between runs.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS })
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Whether a URL stays on this machine; `data:` and `blob:` URLs never touch the network. */
export function isLocalUrl(url: string): boolean {
  const parsed = new URL(url)
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true
  return LOCAL_HOSTS.has(parsed.hostname)
}

export interface RecordedPage {
  page: Page
  context: BrowserContext
  /** Every URL requested (HTTP and WebSocket), in order. */
  requests: string[]
  /** Requests that left localhost. */
  foreignRequests: string[]
  /** Console errors and uncaught page errors, for diagnosing a failure. */
  errors: string[]
  screenshot(name: string): Promise<string>
}

/** The viewport of a page opened without one. */
export const DEFAULT_VIEWPORT = { width: 1280, height: 800 }

/**
 * A page in a browser context of its own, recording its requests and errors, not yet navigated
 * and closed by nobody: openRecordedPage and the browser fixtures' page pool
 * (tests/helpers/browserFixtures.ts) say when it closes and when its requests are checked.
 */
export async function recordedContext(
  browser: Browser,
  contextOptions: BrowserContextOptions = {},
): Promise<RecordedPage> {
  const context = await browser.newContext({
    viewport: DEFAULT_VIEWPORT,
    locale: 'en-US',
    ...contextOptions,
  })
  const requests: string[] = []
  const foreignRequests: string[] = []
  const errors: string[] = []
  const record = (requestUrl: string) => {
    requests.push(requestUrl)
    if (!isLocalUrl(requestUrl)) foreignRequests.push(requestUrl)
  }
  context.on('request', (request) => record(request.url()))
  const page = await context.newPage()
  page.on('websocket', (ws) => record(ws.url()))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  return {
    page,
    context,
    requests,
    foreignRequests,
    errors,
    async screenshot(name) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true })
      const file = path.join(ARTIFACTS_DIR, `${name}.png`)
      await page.screenshot({ path: file })
      return file
    },
  }
}

/** Throws if the page made requests outside localhost. */
export function checkLocalOnly(recorded: RecordedPage): void {
  if (recorded.foreignRequests.length > 0) {
    throw new Error(`The page made requests outside localhost:\n  ${recorded.foreignRequests.join('\n  ')}`)
  }
}

/**
 * Opens a page in its own browser context — its own storage partition, as a
 * separate person's browser would be. That matters for sync tests: y-websocket
 * also syncs tabs of one context through BroadcastChannel, which would let two
 * pages agree without the server. The current test fails if any request
 * from this page leaves localhost.
 */
export async function openRecordedPage(
  browser: Browser,
  url: string,
  contextOptions: BrowserContextOptions = {},
): Promise<RecordedPage> {
  const recorded = await recordedContext(browser, contextOptions)
  onTestFinished(async () => {
    await recorded.context.close().catch(() => {})
    checkLocalOnly(recorded)
  })
  await recorded.page.goto(url)
  return recorded
}

/**
 * Moves an already loaded page of the client to another of its paths the way its own links do
 * (the History API and a `popstate`, which client/router.ts listens to): the page it leaves is
 * unmounted (a room closes its socket and editor) and the new one mounted, without loading the
 * bundle again (~1.3 core-seconds instead of ~6 for a new context's load: measured on the demo).
 */
export async function navigateInApp(page: Page, to: string): Promise<void> {
  await page.evaluate((target) => {
    history.pushState(null, '', target)
    dispatchEvent(new PopStateEvent('popstate'))
  }, to)
}

/** Waits until the room's tldraw editor is mounted (exposed by the client as window.__warRoomEditor). */
export async function waitForEditor(page: Page, timeoutMs = 30_000): Promise<void> {
  try {
    await page.waitForFunction(() => Boolean(window.__warRoomEditor), undefined, { timeout: timeoutMs })
  } catch (error) {
    // Say what the page shows instead (still connecting? an error notice?) to make the failure readable.
    const shown = await page.evaluate(() => document.body.innerText).catch(() => '(page unavailable)')
    mkdirSync(ARTIFACTS_DIR, { recursive: true })
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `no-editor-${Date.now()}.png`) }).catch(() => {})
    throw new Error(
      `The editor did not mount within ${timeoutMs} ms; the page shows: ${JSON.stringify(shown.slice(0, 300))}`,
      {
        cause: error,
      },
    )
  }
}

/** Waits until the room's editor is mounted and its sync connection is up (the badge says "connected"). */
export async function waitForConnected(page: Page, timeoutMs = 15_000): Promise<void> {
  await waitForEditor(page)
  await page.waitForFunction(
    () => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'connected',
    undefined,
    { timeout: timeoutMs },
  )
}

/**
 * Context options that sign a browser context in with a session cookie (`wr_session=…`, from
 * tests/helpers/auth.ts or `startTestServer({ accounts })`), e.g.
 * `openRecordedPage(browser, url, signedIn(server, server.cookie))`.
 */
export function signedIn(
  server: { url: string },
  cookie: string,
  options: BrowserContextOptions = {},
): BrowserContextOptions {
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)]
  const { hostname } = new URL(server.url)
  return {
    ...options,
    storageState: {
      cookies: [
        { name, value, domain: hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' },
      ],
      origins: [],
    },
  }
}

/** The page ran a frame and a task after everything queued so far (tldraw's store flushes its changes on a frame). */
export async function pageSettled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
}

/**
 * A barrier between two pages of one room instead of "wait, then check nothing happened": `from`
 * settles (its edits leave on the next frame), announces a marker in its presence, and this
 * resolves once `to` has it. `from` sends on one socket and the server relays to `to` in order, so
 * whatever `from` sent before the marker, and whatever the server relayed of it, has reached `to`.
 */
export async function pageBarrier(from: Page, to: Page): Promise<void> {
  const marker = `barrier-${Math.random().toString(36).slice(2)}`
  await pageSettled(from)
  await from.evaluate((m) => window.__warRoomLive!.awareness.setLocalStateField('barrier', m), marker)
  await to.waitForFunction(
    (m) => [...window.__warRoomLive!.awareness.getStates().values()].some((s) => s.barrier === m),
    marker,
  )
  await pageSettled(to)
}

/**
 * The page is still, for a screenshot or a measurement: a frame has been drawn, the canvas camera
 * is not moving (tldraw's camera state) and no CSS transition or animation is running.
 */
export async function pageAtRest(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  await page.waitForFunction(
    () =>
      (window.__warRoomEditor?.getCameraState() ?? 'idle') === 'idle' &&
      document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  )
}
