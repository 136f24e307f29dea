import { existsSync } from 'node:fs'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { isValidAccountId } from '../shared/protocol.ts'
import type { ServerConfig } from './config.ts'
import type { Database } from './db/Database.ts'
import { mountAssetRoutes } from './http/assets.ts'
import { mountPlanRoutes } from './http/plan.ts'
import type { PlanService } from './plan/PlanService.ts'
import type { RoomManager } from './sync/RoomManager.ts'
import { mountSyncRoute } from './sync/wsRoute.ts'

export interface AppDeps {
  config: ServerConfig
  rooms: RoomManager
  db: Database
  plans: PlanService
}

/** Our page may load nothing from outside its own origin. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ')

export function validateAccountId(id: string) {
  if (!isValidAccountId(id)) {
    throw new HTTPException(400, { message: 'invalid account id: use 1–64 of a-z, 0-9 and "-", starting with a letter or digit' })
  }
}

/** Builds the Hono app: health, sync, API and the built client. */
export function createApp({ config, rooms, plans }: AppDeps) {
  const app = new Hono()
  const nodeWs = createNodeWebSocket({ app })
  // Frames over the limit are refused by ws itself with close code 1009.
  ;(nodeWs.wss.options as { maxPayload: number }).maxPayload = config.maxFrameBytes

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      return c.json({ error: err.message || 'error' }, err.status)
    }
    config.log(`[http] ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? err.stack : String(err)}`)
    return c.json({ error: 'internal error' }, 500)
  })

  app.get('/healthz', (c) => c.json({ ok: true, rooms: rooms.loadedRooms.length }))

  // Until accounts and access exist (issue 5) every valid account is open to everyone.
  const authorizeAccount = async (accountId: string) => validateAccountId(accountId)

  mountSyncRoute(app, {
    upgradeWebSocket: nodeWs.upgradeWebSocket,
    rooms,
    config,
    validateAccountId,
    authorize: async (accountId) => {
      await authorizeAccount(accountId)
      return { readOnly: false }
    },
  })
  mountAssetRoutes(app, {
    dataDir: config.dataDir,
    maxAssetBytes: config.maxAssetBytes,
    authorize: (accountId) => authorizeAccount(accountId),
  })

  mountPlanRoutes(app, { plans, authorize: (accountId) => authorizeAccount(accountId) })

  app.all('/api/*', (c) => c.json({ error: 'not found' }, 404))

  const clientRoot = path.relative(process.cwd(), config.clientDir) || '.'
  app.use('*', async (c, next) => {
    await next()
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      c.res.headers.set('X-Content-Type-Options', 'nosniff')
      c.res.headers.set('Referrer-Policy', 'same-origin')
    }
  })
  if (existsSync(path.join(config.clientDir, 'index.html'))) {
    app.use('*', serveStatic({ root: clientRoot }))
    // Client-side routes (/, /a/:accountId, …) all load the single-page app.
    app.get('*', serveStatic({ root: clientRoot, path: 'index.html' }))
  } else {
    app.get('*', (c) =>
      c.text(`The client is not built (${config.clientDir} has no index.html). Run \`npm run build\`, or \`npm start\` which builds it.`, 503),
    )
  }

  return { app, injectWebSocket: nodeWs.injectWebSocket, wss: nodeWs.wss }
}
