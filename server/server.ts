import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import { resolveConfig, type ServerConfig } from './config.ts'
import { Database } from './db/Database.ts'
import { PlanService } from './plan/PlanService.ts'
import { lockDataDir } from './storage/DataDirLock.ts'
import type { DocStore } from './storage/DocStore.ts'
import { FileDocStore } from './storage/FileDocStore.ts'
import type { StorageFs } from './storage/fsLayer.ts'
import { RoomManager } from './sync/RoomManager.ts'

export interface RunningServer {
  port: number
  /** `http://host:port` */
  url: string
  config: ServerConfig
  rooms: RoomManager
  db: Database
  plans: PlanService
  /** Stops accepting, closes sockets, persists and unloads every room, releases the lock. */
  close(): Promise<void>
}

export interface StartOptions extends Partial<ServerConfig> {
  /** Storage back end; defaults to the embedded file store under `dataDir`. */
  store?: DocStore
  /** File-system layer of the embedded store and db.json (fault-injection tests). */
  fs?: StorageFs
  /** Environment to read settings from (defaults to none: pass `process.env` in main). */
  env?: NodeJS.ProcessEnv
}

/** Starts a War Room server. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { store: customStore, fs, env, ...overrides } = options
  const config = resolveConfig(overrides, env)
  const lock = lockDataDir(config.dataDir)
  // Components that take a plain `log` get a line at the level their messages mean.
  const logAs = (component: string, level: 'warn' | 'error') => {
    const child = config.logger.child({ component })
    return (msg: string) => child[level](msg)
  }
  try {
    const store =
      customStore ??
      new FileDocStore(config.dataDir, { flushIntervalMs: config.flushIntervalMs, log: logAs('storage', 'warn'), fs })
    const db = await Database.open(config.dataDir, { fs })
    const plans = new PlanService(db, {
      deriveDelayMs: config.deriveDelayMs,
      dataDir: config.dataDir,
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
    })
    plans.attach(rooms)
    await plans.load()
    const { app, injectWebSocket, wss, audit } = createApp({ config, rooms, db, plans })
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s))
      s.once('error', reject)
    })
    injectWebSocket(server)
    const port = (server.address() as AddressInfo).port
    let closing: Promise<void> | null = null
    return {
      port,
      url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
      config,
      rooms,
      db,
      plans,
      close() {
        closing ??= (async () => {
          const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()))
          for (const ws of wss.clients) ws.terminate()
          ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
          await rooms.closeAll()
          plans.close()
          await store.close()
          await audit.close()
          await httpClosed
          lock.release()
        })()
        return closing
      },
    }
  } catch (e) {
    lock.release()
    throw e
  }
}
