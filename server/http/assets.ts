import { createHash } from 'node:crypto'
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AssetStore } from '../assets/AssetStore.ts'
import { multipartFile, personError } from './errors.ts'

/** Accepted upload types, each with the leading bytes its content must start with. */
const TYPES: Record<string, { ext: string; magic?: (b: Buffer) => boolean }> = {
  'image/png': {
    ext: 'png',
    magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  'image/jpeg': { ext: 'jpg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/gif': { ext: 'gif', magic: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  'image/webp': {
    ext: 'webp',
    magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  'image/svg+xml': { ext: 'svg', magic: (b) => /<svg[\s>]/i.test(b.subarray(0, 4096).toString('utf8')) },
  'video/mp4': { ext: 'mp4', magic: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
  'video/webm': { ext: 'webm', magic: (b) => b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3 },
}
const CONTENT_TYPE_BY_EXT = Object.fromEntries(Object.entries(TYPES).map(([type, t]) => [t.ext, type]))
const ASSET_NAME = /^[0-9a-f]{64}\.[a-z0-9]{2,5}$/

/**
 * Pasted images and files are stored by content hash (server/assets/AssetStore.ts: files under
 * `DATA_DIR/assets/<account>/`, or PostgreSQL) and referenced from the document by URL (never
 * inlined as base64).
 */
export function mountAssetRoutes(
  app: Hono,
  deps: {
    assets: AssetStore
    maxAssetBytes: number
    /** Throws an HTTPException when the caller may not read (write=false) or change (write=true) the account. */
    authorize: (accountId: string, request: Request, write: boolean) => Promise<void>
  },
) {
  const tooLarge = () => personError(413, 'error.file.tooLarge', { limit: deps.maxAssetBytes })
  app.post(
    '/api/accounts/:id/assets',
    async (c, next) => {
      await deps.authorize(c.req.param('id'), c.req.raw, true)
      await next()
    },
    // Multipart framing adds a little over the file itself.
    bodyLimit({
      maxSize: deps.maxAssetBytes + 64 * 1024,
      onError: () => {
        throw tooLarge()
      },
    }),
    async (c) => {
      const accountId = c.req.param('id')
      const file = await multipartFile(c.req.raw, deps.maxAssetBytes)
      const type = TYPES[file.type]
      if (!type) {
        throw personError(415, 'error.file.type', { type: file.type, allowed: Object.keys(TYPES).join(', ') })
      }
      const bytes = Buffer.from(await file.arrayBuffer())
      if (type.magic && !type.magic(bytes)) {
        throw personError(415, 'error.file.content', { type: file.type })
      }
      const name = `${createHash('sha256').update(bytes).digest('hex')}.${type.ext}`
      await deps.assets.put(accountId, name, bytes)
      return c.json(
        { url: `/api/accounts/${accountId}/assets/${name}`, name, size: bytes.length, type: file.type },
        201,
      )
    },
  )

  app.get('/api/accounts/:id/assets/:name', async (c) => {
    const accountId = c.req.param('id')
    await deps.authorize(accountId, c.req.raw, false)
    const name = c.req.param('name')
    if (!ASSET_NAME.test(name)) throw personError(404, 'error.asset.notFound')
    const bytes = await deps.assets.get(accountId, name)
    if (!bytes) throw personError(404, 'error.asset.notFound')
    const ext = name.split('.').pop()!
    return c.body(new Uint8Array(bytes), 200, {
      'Content-Type': CONTENT_TYPE_BY_EXT[ext] ?? 'application/octet-stream',
      // Opened directly, an SVG is a document of our origin: make the browser download it instead
      // (an <img> on the canvas still shows it).
      ...(ext === 'svg' ? { 'Content-Disposition': `attachment; filename="${name}"` } : {}),
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      // An uploaded SVG must never run script in our origin.
      'Content-Security-Policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox",
    })
  })
}
