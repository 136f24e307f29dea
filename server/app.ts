import { existsSync } from 'node:fs'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { bilingual } from '../shared/i18n/index.ts'
import { CloseCode, closeCodeFor } from '../shared/protocol.ts'
import { AccountService } from './accounts/AccountService.ts'
import { type AssetStore, FileAssetStore } from './assets/AssetStore.ts'
import { AuditLog, type AuditStore } from './audit/AuditLog.ts'
import { AccessError, Auth, type LoginLimiters } from './auth/Auth.ts'
import { isAllowedOrigin, originCheck } from './auth/origin.ts'
import { CrossNodeRevocation } from './auth/revocation.ts'
import type { NodeFence } from './backend.ts'
import type { ServerConfig } from './config.ts'
import { InvariantError, type Records } from './db/Records.ts'
import { seedDemoAccount } from './demo/demoAccount.ts'
import { mountAccountRoutes } from './http/accounts.ts'
import { mountAssetRoutes } from './http/assets.ts'
import { mountAuditRoutes } from './http/audit.ts'
import { mountAuthRoutes } from './http/auth.ts'
import { clientAddressMiddleware, clientAddressOf } from './http/clientAddress.ts'
import { PersonError, personError } from './http/errors.ts'
import { allowedHostsCheck, jsonBodyLimit, securityHeaders } from './http/hardening.ts'
import { mountImportRoutes } from './http/import.ts'
import { mountPlanRoutes } from './http/plan.ts'
import { mountProfileRoutes } from './http/profile.ts'
import { mountReviewRoutes } from './http/reviews.ts'
import { mountUserRoutes } from './http/users.ts'
import { mountVoteRoutes } from './http/votes.ts'
import { VoteService } from './live/VoteService.ts'
import { FileVoteStore, type VoteStore } from './live/VoteStore.ts'
import type { PlanService } from './plan/PlanService.ts'
import { FileReviewStore } from './reviews/FileReviewStore.ts'
import { portfolioRows } from './reviews/portfolio.ts'
import { ReviewService } from './reviews/ReviewService.ts'
import type { ReviewStore } from './reviews/ReviewStore.ts'
import { StorageUnavailableError } from './storage/DocStore.ts'
import type { RoomManager } from './sync/RoomManager.ts'
import { mountSyncRoute, type SyncAccess } from './sync/wsRoute.ts'

export interface AppDeps {
  config: ServerConfig
  rooms: RoomManager
  db: Records
  plans: PlanService
  /** Where reviews are kept; defaults to the file store under `dataDir`. */
  reviewStore?: ReviewStore
  /** The audit log; one on `DATA_DIR/audit.log` when not given. */
  audit?: AuditStore
  /** Uploaded assets; files under `DATA_DIR/assets` when not given. */
  assets?: AssetStore
  /** Votes and ballots; `DATA_DIR/votes.json` when not given. */
  votes?: VoteStore
  /** The fan-out between nodes (multi-node mode): `/healthz` reports it. */
  fanout?: { status(): { ok: boolean; rooms: number; since?: string } } | null
  /** Sign-in throttles shared between nodes (Redis); in memory per process when not given. */
  loginLimiters?: LoginLimiters
  /**
   * The node lock (PostgreSQL mode): while another node holds it this node serves nothing —
   * `/api/*` answers 503, sockets are closed and refused with 1013 `TryAgainLater`, `/healthz` 503.
   */
  fence?: NodeFence | null
}

/** Builds the Hono app: health, sync, API and the built client. */
export function createApp({ config, rooms, db, plans, reviewStore, ...deps }: AppDeps) {
  const app = new Hono()
  const nodeWs = createNodeWebSocket({ app })
  // Frames over the limit are refused by ws itself with close code 1009.
  ;(nodeWs.wss.options as { maxPayload: number }).maxPayload = config.maxFrameBytes
  // permessage-deflate is accepted for presence: each tick's batch is compressed once and the same
  // bytes go to every socket that negotiated it (server/sync/wsRoute.ts corkedSendDeflated); ws
  // compresses nothing itself (threshold never reached, and every send says compress: false), and
  // inflates what a client compressed (browsers compress their frames) within maxPayload.
  ;(nodeWs.wss.options as { perMessageDeflate: unknown }).perMessageDeflate = {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    threshold: Number.MAX_SAFE_INTEGER,
  }

  const httpLog = config.logger.child({ component: 'http' })
  // Every request gets an id (X-Request-Id, also in the response) that its log lines carry.
  app.use(requestId())
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    }
    // API and sync requests at info; the static client's files only when debugging.
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/sync/')) httpLog.info(line, 'request')
    else httpLog.debug(line, 'request')
  })

  app.onError((err, c) => {
    if (err instanceof StorageUnavailableError) {
      httpLog.warn(
        { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, err: err.cause ?? err },
        'storage refused the write',
      )
      c.header('Retry-After', '5')
      const localized = bilingual('error.storage.unavailable')
      return c.json({ error: localized.en, message: localized }, 503)
    }
    if (err instanceof PersonError) return c.json({ error: err.message, message: err.localized }, err.status)
    if (err instanceof HTTPException) {
      return c.json({ error: err.message || 'error' }, err.status)
    }
    if (err instanceof InvariantError) {
      const localized = bilingual(err.rule === 'last-admin' ? 'error.invariant.lastAdmin' : 'error.invariant.lastOwner')
      return c.json({ error: err.message, message: localized }, 409)
    }
    httpLog.error({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, err }, 'request failed')
    const internal = bilingual('error.internal')
    return c.json({ error: internal.en, message: internal }, 500)
  })

  // Every request: security headers, a Host of ours (DNS rebinding), the client's address.
  app.use('*', securityHeaders())
  app.use('*', allowedHostsCheck(config))
  app.use('*', clientAddressMiddleware(config.trustProxy))
  // PostgreSQL mode: the records catch up with other nodes first (one small query), so a session
  // or user made on another node a moment ago is known here (server/pg/PgRecords.ts).
  // PostgreSQL mode: fenced (another node took this node's lock, docs/scale-out.md) → nothing is served.
  const fence = deps.fence ?? null
  app.use('/api/*', async (c, next) => {
    if (!fence?.fencedSince) return next()
    c.header('Retry-After', '5')
    const localized = bilingual('error.node.fenced')
    return c.json({ error: localized.en, message: localized }, 503)
  })
  const recordsCaughtUp = async (_c: unknown, next: () => Promise<void>) => {
    await db.catchUp()
    await next()
  }
  app.use('/api/*', recordsCaughtUp)
  app.use('/sync/*', recordsCaughtUp)
  // JSON bodies are small; uploads carry their own limit (server/http/assets.ts).
  app.use(
    '/api/*',
    jsonBodyLimit(
      config.maxJsonBytes,
      (method, p) => method === 'POST' && /^\/api\/accounts\/[^/]+\/(assets|import\/stakeholders)$/.test(p),
    ),
  )
  app.get('/healthz', (c) => {
    const loaded = rooms.loadedRooms.length
    const storage = rooms.storageStatus()
    const records = db.writeStatus()
    const fanout = deps.fanout?.status()
    // Multi-node mode: `fanout` says whether edits reach the other nodes (docs/scale-out.md).
    const fanoutField = fanout
      ? { fanout: fanout.ok ? 'up' : 'down', ...(fanout.since && { fanoutDownSince: fanout.since }) }
      : {}
    // The audit log keeps refused entries in memory until the disk takes them (server/audit/).
    const auditLog = audit.status?.() ?? { ok: true, waiting: 0 }
    // PostgreSQL mode, only while this node does not hold its node lock ("taken": another node does; 503).
    const lockField =
      fence && (fence.fencedSince || !fence.held)
        ? {
            nodeLock: fence.fencedSince ? 'taken' : 'retaking',
            ...(fence.fencedSince && { nodeLockTakenSince: fence.fencedSince.toISOString() }),
          }
        : {}
    const saved = storage.ok && records.ok && auditLog.ok
    // The fan-out down is reported, not failed: every node is down alike then, and a load balancer
    // that took them all out would turn stale cross-node presence into an outage (docs/scale-out.md).
    // A fenced node (its lock taken by another) is failed whatever its storage says.
    if (saved && !fence?.fencedSince) return c.json({ ok: true, rooms: loaded, ...fanoutField, ...lockField })
    // Counts and error codes only: this route is public, account ids are not.
    return c.json(
      {
        ok: false,
        rooms: loaded,
        ...fanoutField,
        ...lockField,
        storage: { rooms: storage, db: records, audit: auditLog },
      },
      503,
    )
  })

  const auth = new Auth(db, config, deps.loginLimiters)
  // Access changed on another node closes this node's matching sockets (server/auth/revocation.ts).
  const revocation = new CrossNodeRevocation(auth.sockets, rooms, (msg) =>
    config.logger.child({ component: 'records' }).warn(msg),
  )
  db.onRemoteChange((diff) => revocation.apply(diff))
  // Fenced: every socket goes (clients reconnect through the load balancer to a node that serves).
  const FENCED_REASON = 'this node stopped serving (another node took its database lock): reconnect'
  fence?.onChange((fenced) => {
    if (!fenced) return
    const closed = auth.sockets.closeAll(CloseCode.TryAgainLater, FENCED_REASON)
    config.logger.child({ component: 'sync' }).error({ sockets: closed }, 'node fenced: every socket closed')
  })
  const reviews = new ReviewService(reviewStore ?? new FileReviewStore(config.dataDir, config.log), rooms, {
    timeZone: config.planTimeZone,
    log: config.log,
  })
  const audit = deps.audit ?? new AuditLog(config.dataDir, config.log)
  const assets = deps.assets ?? new FileAssetStore(config.dataDir)
  const votes = new VoteService(deps.votes ?? new FileVoteStore(config.dataDir), db, rooms)
  const accounts = new AccountService(
    db,
    rooms,
    auth,
    config.dataDir,
    async (id) => {
      await reviews.removeAccount(id)
      await assets.removeAccount(id)
      await plans.remove(id)
      await votes.removeAccount(id)
    },
    plans,
  )

  // State-changing API requests must come from our own origin (CSRF model: server/auth/origin.ts).
  app.use('/api/*', originCheck(config.allowedOrigins))

  mountAuthRoutes(app, {
    auth,
    db,
    config,
    audit,
    afterSetup: async (admin) => {
      if (!config.seedDemo) return
      try {
        await seedDemoAccount(accounts, db, admin)
      } catch (e) {
        config.logger.error({ component: 'demo', err: e }, 'the demo account could not be created')
      }
    },
  })
  mountUserRoutes(app, { auth, db, config, audit })
  mountProfileRoutes(app, { auth, db })
  mountAccountRoutes(app, {
    auth,
    accounts,
    config,
    audit,
    portfolio: portfolioRows({ plans, reviews, log: config.log }),
  })
  mountAuditRoutes(app, { auth, audit })

  /** Session + membership (+ not archived, for changes) for an account's HTTP routes. */
  const authorizeAccount = async (accountId: string, request: Request, write: boolean) => {
    auth.account(request, accountId, write ? 'write' : 'read')
  }

  mountSyncRoute(app, {
    upgradeWebSocket: nodeWs.upgradeWebSocket,
    rooms,
    config,
    authorize: async (accountId, request): Promise<SyncAccess> => {
      if (!isAllowedOrigin(request, config.allowedOrigins)) {
        throw new HTTPException(403, { message: 'WebSocket from another origin refused' })
      }
      if (fence?.fencedSince)
        return { readOnly: true, refuse: { code: CloseCode.TryAgainLater, reason: FENCED_REASON } }
      let access: ReturnType<typeof auth.account>
      try {
        access = auth.account(request, accountId, 'read')
      } catch (e) {
        if (e instanceof AccessError)
          return { readOnly: true, refuse: { code: closeCodeFor(e.status), reason: e.message } }
        throw e
      }
      const { user, key, role } = access
      return {
        // Viewers, and everyone on an archived account, get a canvas whose updates the room drops.
        readOnly: access.role === 'viewer' || Boolean(access.account.archivedAt),
        // Read live, so a changed name or department shows at the person's next awareness update.
        identity: () => {
          const now = db.data.users[user.id] ?? user
          return {
            user: { id: now.id, name: now.name, department: now.department ?? null },
            role,
            viewer: role === 'viewer',
          }
        },
        track: (close) => {
          // The node may have been fenced, or access ended, between the upgrade request and the open.
          if (fence?.fencedSince) {
            close(CloseCode.TryAgainLater, FENCED_REASON)
            return () => {}
          }
          const now = auth.session(request)
          if (!now || now.user.id !== user.id) {
            close(CloseCode.Unauthorized, 'sign in first')
            return () => {}
          }
          if (!db.data.accounts[accountId] || !auth.roleOn(now.user, accountId)) {
            close(db.data.accounts[accountId] ? CloseCode.Forbidden : CloseCode.NotFound, 'access ended')
            return () => {}
          }
          // Connection caps, counted as sockets open (one at a time: no race between count and add).
          const address = clientAddressOf(request)
          if (auth.sockets.count(user.id) >= config.maxSocketsPerUser) {
            close(CloseCode.TooManyConnections, 'too many open connections for this user: close other tabs')
            return () => {}
          }
          if (auth.sockets.countAddress(address) >= config.maxSocketsPerAddress) {
            close(CloseCode.TooManyConnections, 'too many open connections from this address')
            return () => {}
          }
          return auth.sockets.add({ userId: user.id, sessionKey: key, accountId, address, close })
        },
      }
    },
  })
  mountAssetRoutes(app, {
    assets,
    maxAssetBytes: config.maxAssetBytes,
    authorize: authorizeAccount,
  })

  mountPlanRoutes(app, { plans, authorize: authorizeAccount })
  mountVoteRoutes(app, { auth, votes })
  mountReviewRoutes(app, { auth, reviews, audit })
  mountImportRoutes(app, { auth, rooms, plans, config, audit })

  app.all('/api/*', () => {
    throw personError(404, 'error.notFound')
  })

  const clientRoot = path.relative(process.cwd(), config.clientDir) || '.'
  if (existsSync(path.join(config.clientDir, 'index.html'))) {
    app.use('*', serveStatic({ root: clientRoot }))
    // Client-side routes (/, /a/:accountId, …) all load the single-page app.
    app.get('*', serveStatic({ root: clientRoot, path: 'index.html' }))
  } else {
    app.get('*', (c) =>
      c.text(
        `The client is not built (${config.clientDir} has no index.html). Run \`npm run build\`, or \`npm start\` which builds it.`,
        503,
      ),
    )
  }

  return { app, injectWebSocket: nodeWs.injectWebSocket, wss: nodeWs.wss, auth, accounts, reviews, audit }
}
