import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import type { LoginLimiters } from './auth/Auth.ts'
import type { createSharedLoginLimiters } from './auth/redisRateLimit.ts'
import { type Backend, openBackend } from './backend.ts'
import { resolveConfig, type ServerConfig } from './config.ts'
import { Database } from './db/Database.ts'
import type { Records } from './db/Records.ts'
import { PlanService } from './plan/PlanService.ts'
import type { RedisFanout } from './scale/RedisFanout.ts'
import type { DocStore } from './storage/DocStore.ts'
import type { StorageFs } from './storage/fsLayer.ts'
import { RoomManager } from './sync/RoomManager.ts'

export interface RunningServer {
  port: number
  /** `http://host:port` */
  url: string
  config: ServerConfig
  rooms: RoomManager
  db: Records
  plans: PlanService
  /** The fan-out between nodes (REDIS_URL), or null on a single node. */
  fanout: RedisFanout | null
  /** Where documents (and, in the PostgreSQL mode, the rest) are kept. */
  backend: Backend
  /** Stops accepting, closes sockets, persists and unloads every room, releases the lock. */
  close(): Promise<void>
}

export interface StartOptions extends Partial<ServerConfig> {
  /** Document store; defaults to the configured one (files under `dataDir`, or PostgreSQL with `databaseUrl`). */
  store?: DocStore
  /** Records store (PostgreSQL: server/pg/PgRecords.ts); defaults to lowdb's `dataDir/db.json`. Closed by `close`. */
  records?: Records
  /** Sign-in throttles shared between nodes (server/auth/redisRateLimit.ts); in memory when not given. */
  loginLimiters?: LoginLimiters
  /** File-system layer of the embedded store and db.json (fault-injection tests). */
  fs?: StorageFs
  /** Environment to read settings from (defaults to none: pass `process.env` in main). */
  env?: NodeJS.ProcessEnv
}

/** Starts a War Room server. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { store: customStore, records, loginLimiters, fs, env, ...overrides } = options
  let limiters = loginLimiters
  let shared: ReturnType<typeof createSharedLoginLimiters> | null = null
  const config = resolveConfig(overrides, env)
  let fanout: RedisFanout | null = null
  // Components that take a plain `log` get a line at the level their messages mean.
  const logAs = (component: string, level: 'warn' | 'error') => {
    const child = config.logger.child({ component })
    return (msg: string) => child[level](msg)
  }
  // Files: locks DATA_DIR; PostgreSQL: applies the migrations and takes the node lock.
  const backend = await openBackend(config, { docs: customStore, fs, log: logAs('storage', 'warn') })
  try {
    const store = backend.docs
    // PostgreSQL mode: the records are the database's (server/pg/PgRecords.ts), else lowdb's db.json.
    const db = records ?? backend.records ?? (await Database.open(config.dataDir, { fs }))
    // Several nodes (docs/scale-out.md): what each accepts reaches the others through Redis.
    // The Redis modules load only when REDIS_URL is set (an embedded server's idle memory, issue 11).
    fanout = config.redisUrl
      ? new (await import('./scale/RedisFanout.ts')).RedisFanout({
          redisUrl: config.redisUrl,
          nodeId: config.nodeId || `node-${randomBytes(4).toString('hex')}`,
          store,
          flushIntervalMs: config.flushIntervalMs,
          heartbeatMs: config.fanoutHeartbeatMs,
          log: logAs('fanout', 'warn'),
        })
      : null
    if (fanout && !(await fanout.ready()))
      config.logger.warn(
        'Redis is not reachable: starting without the fan-out (edits are stored; other nodes see them once it is back)',
      )
    // Several nodes: sign-in throttling shared through Redis (falls back to memory while it is down).
    if (!limiters && config.redisUrl && backend.mode === 'postgres') {
      const { createSharedLoginLimiters } = await import('./auth/redisRateLimit.ts')
      shared = createSharedLoginLimiters(config.redisUrl, config, { log: logAs('auth', 'warn') })
      limiters = shared
      await shared.ready(2000)
    }
    const plans = new PlanService(db, {
      deriveDelayMs: config.deriveDelayMs,
      writeIntervalMs: config.planWriteIntervalMs,
      writesPerSecond: config.planWritesPerSecond,
      store: backend.plans,
      timeZone: config.planTimeZone,
      staleContactDays: config.staleContactDays,
      log: logAs('plan', 'error'),
    })
    const rooms = new RoomManager(store, {
      unloadGraceMs: config.roomUnloadGraceMs,
      compactLogBytes: config.compactLogBytes,
      storageRetryMs: config.storageRetryMs,
      limits: {
        presenceTickMs: config.presenceIntervalMs,
        maxPresenceBytes: config.maxPresenceBytes,
        maxPendingBytes: config.maxPendingBytes,
        maxDocBytes: config.maxDocBytes,
      },
      log: logAs('rooms', 'error'),
      onDocChanged: plans.onDocChanged,
      onLoaded: plans.onLoaded,
      onUnload: plans.onUnload,
      fanout: fanout ?? undefined,
    })
    plans.attach(rooms)
    await plans.load()
    const { app, injectWebSocket, wss, audit, auth } = createApp({
      config,
      rooms,
      db,
      plans,
      fanout,
      loginLimiters: limiters,
      reviewStore: backend.reviews,
      audit: backend.audit,
      assets: backend.assets,
      votes: backend.votes,
      fence: backend.fence,
    })
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s))
      s.once('error', reject)
    })
    injectWebSocket(server)
    // Expired sessions go even when nobody signs in (sign-ins drop them too: server/auth/Auth.ts).
    const sweepLog = config.logger.child({ component: 'auth' })
    const sweep = setInterval(() => {
      auth.sweepExpiredSessions().then(
        (n) => n > 0 && sweepLog.info({ sessions: n }, 'expired sessions deleted'),
        (err) => sweepLog.warn({ err }, 'deleting expired sessions failed (tried again later)'),
      )
    }, config.sessionSweepMs)
    sweep.unref()
    // Every socket that asked for an upgrade, until it closes: an upgrade still awaiting its
    // middleware when close() begins (the records' catch-up query in PostgreSQL mode) is not in
    // wss.clients yet, would open after the sockets were terminated, and server.close would wait
    // for it (49 s in tests/integration/durability.test.ts on PostgreSQL). Destroyed at close, ws
    // then refuses to complete the upgrade (the socket is no longer writable).
    const upgrading = new Set<import('node:stream').Duplex>()
    server.on('upgrade', (_req, socket: import('node:stream').Duplex) => {
      upgrading.add(socket)
      socket.once('close', () => upgrading.delete(socket))
    })
    const port = (server.address() as AddressInfo).port
    let closing: Promise<void> | null = null
    return {
      port,
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      config,
      rooms,
      db,
      plans,
      fanout,
      backend,
      close() {
        closing ??= (async () => {
          clearInterval(sweep)
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))
          for (const ws of wss.clients) ws.terminate()
          for (const socket of upgrading) socket.destroy()
          ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
          await rooms.closeAll()
          await fanout?.close()
          await plans.close()
          await db.close()
          await shared?.close()
          await audit.close()
          await httpClosed
          await backend.close()
        })()
        return closing
      },
    }
  } catch (e) {
    await fanout?.close()
    await shared?.close()
    await backend.close().catch(() => {})
    throw e
  }
}
