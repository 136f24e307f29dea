/**
 * The visible "cannot save" state (issue 12 item 1, close code 4507): while the server's disk
 * refuses a room's writes, the page says 无法保存 / Cannot save, the edits made meanwhile stay on
 * screen, and once the disk takes writes again the page reconnects by itself (no reload) and the
 * server gets those edits. The disk is failed through the injectable file-system layer.
 * Screenshots in tests/.artifacts/cannot-save-*.png.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { decodeLog, decodeSnapshot } from '../../server/storage/FileDocStore.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { FaultFs } from '../faults/faultFs.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

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

/** A counter of the page's sync sockets that have closed since this call. */
function syncSocketsClosed(page: Page): () => number {
  let closed = 0
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname.startsWith('/sync')) ws.on('close', () => closed++)
  })
  return () => closed
}

/** Shape ids in the room's files on disk, read without touching them (the server holds them open). */
async function storedShapeIds(dataDir: string): Promise<string[]> {
  const dir = path.join(dataDir, 'rooms', 'acme')
  const doc = new Y.Doc()
  for (const name of (await fs.readdir(dir)).sort()) {
    const bytes = await fs.readFile(path.join(dir, name))
    if (name === 'snapshot') Y.applyUpdate(doc, decodeSnapshot('acme', bytes))
    else if (/^log-\d{10}$/.test(name)) for (const u of decodeLog(bytes).records) Y.applyUpdate(doc, u)
  }
  const kv = new YKeyValue(doc.getArray<{ key: string; val: unknown }>(DocKeys.records))
  return [...kv.map.keys()].filter((k) => k.startsWith('shape:'))
}

/** The disk under the file's server, failing on demand. */
const faults = new FaultFs()
/** The server's probe writes (rooms/acme/.probe) the disk has refused so far. */
const failedProbes = () => faults.calls.filter((c) => c.op === 'append' && /[/\\]\.probe$/.test(c.file)).length
const test = base.extend(
  'serverOptions',
  { scope: 'file' },
  { fs: faults, accounts: ['acme'], flushIntervalMs: 5, storageRetryMs: 500 },
)

test('the disk refuses writes: the page says it cannot save, keeps the edits, and saves them once the disk heals', {
  timeout: 240_000,
}, async ({ server, openRoom }) => {
  const dataDir = server.config.dataDir
  for (const locale of ['zh-CN', 'en-US'] as const) {
    faults.heal()
    const { page, screenshot } = await openRoom('acme', { locale })
    const closedSockets = syncSocketsClosed(page)
    const before = (await shapeIds(page)).length

    faults.fail('ENOSPC', ['append'], { match: /rooms[/\\]acme([/\\]|$)/ })
    await drawRectangle(page, 300, 200 + (locale === 'zh-CN' ? 0 : 150))
    await eventually(async () => expect(await connectionState(page)).toBe('cannot-save'), 30_000)
    const badge = await page.getByTestId('connection-state').innerText()
    expect(badge).toMatch(locale === 'zh-CN' ? /无法保存/ : /Cannot save/)
    // The edit the disk refused, and one made meanwhile, stay on screen.
    await drawRectangle(page, 600, 200 + (locale === 'zh-CN' ? 0 : 150))
    const unsaved = await shapeIds(page)
    expect(unsaved).toHaveLength(before + 2)
    await screenshot(`cannot-save-${locale}`)
    // Still refusing: the state holds while the probe fails. Barrier: the server's next failed probe,
    // then a reconnect after it, refused (4507), then look.
    const probes = failedProbes()
    await eventually(async () => expect(failedProbes()).toBeGreaterThan(probes), 30_000)
    const closed = closedSockets()
    await eventually(async () => expect(closedSockets()).toBeGreaterThan(closed), 30_000)
    expect(await connectionState(page)).toBe('cannot-save')

    faults.heal()
    await eventually(async () => expect(await connectionState(page)).toBe('connected'), 60_000)
    // No reload: the sync exchange sent the server what its disk lacked.
    await eventually(async () => {
      const stored = await storedShapeIds(dataDir)
      for (const id of unsaved) expect(stored).toContain(id)
    }, 30_000)
    await page.close()
  }
})
