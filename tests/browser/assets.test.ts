/**
 * An image inserted through tldraw's own "insert media" button is uploaded to the
 * server and referenced by URL: the document never carries the file inline, and
 * the other person's page loads it from our own origin.
 */
import { randomBytes } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { createAccount } from '../helpers/auth.ts'
import { expect, test } from '../helpers/browserFixtures.ts'
import { eventually } from '../helpers/server.ts'

/** A real PNG: `width`×`height`, one RGB colour, so the browser can decode and measure it. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, body: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), body])
    const out = Buffer.alloc(body.length + 12)
    out.writeUInt32BE(body.length, 0)
    typed.copy(out, 4)
    out.writeUInt32BE(crc(typed), body.length + 8)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

const assetSources = (page: Page) =>
  page.evaluate(() =>
    window.__warRoomEditor!.getAssets().map((asset) => (asset.props as { src?: string | null }).src ?? null),
  )

test('an inserted image is uploaded and referenced by URL, and the other page loads it', async ({
  server,
  openRoom,
}) => {
  const accountId = await createAccount(server, server.cookie, { id: `assets-${randomBytes(4).toString('hex')}` })
  const alice = await openRoom(accountId)
  const bob = await openRoom(accountId)

  const chooser = alice.page.waitForEvent('filechooser')
  await alice.page.getByTestId('tools.asset').click()
  await (await chooser).setFiles({
    name: 'org-chart.png',
    mimeType: 'image/png',
    buffer: solidPng(320, 200, [220, 40, 40]),
  })

  const uploaded = new RegExp(`^/api/accounts/${accountId}/assets/[0-9a-f]{64}\\.png$`)
  await eventually(async () => {
    const sources = await assetSources(alice.page)
    expect(sources).toHaveLength(1)
    expect(sources[0]).toMatch(uploaded)
  }, 10_000)
  const [src] = await assetSources(alice.page)

  await eventually(async () => {
    expect(await assetSources(bob.page)).toEqual([src])
    const images = await bob.page.evaluate(
      () => window.__warRoomEditor!.getCurrentPageShapes().filter((shape) => shape.type === 'image').length,
    )
    expect(images).toBe(1)
  }, 10_000)
  // Bob's browser fetched the file from our server.
  await eventually(() => expect(bob.requests.some((request) => request.endsWith(src!))).toBe(true), 10_000)
  const response = await fetch(`${server.url}${src}`, { headers: { cookie: server.cookie } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('image/png')
  await bob.screenshot('assets-bob-sees-image')
})
