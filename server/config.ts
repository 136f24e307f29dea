import path from 'node:path'

/** Server configuration; every field can be set from the environment (see README). */
export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** Largest WebSocket frame accepted; larger ones close the connection with 1009. */
  maxFrameBytes: number
  /** A client whose unsent data exceeds this is disconnected (it stopped reading). */
  maxBufferedBytes: number
  /** Largest uploaded asset. */
  maxAssetBytes: number
  /** Keep-alive ping period; a connection that missed the previous pong is dropped. */
  pingIntervalMs: number
  /** How long an empty room stays loaded. */
  roomUnloadGraceMs: number
  /** Grouped fsync window of the update log (durability window). */
  flushIntervalMs: number
  /** Log size that triggers compaction into a snapshot. */
  compactLogBytes: number
  /** Debounce of the derived records (plan record) after the last change. */
  deriveDelayMs: number
  /** Time zone whose calendar date decides what is overdue in plan records. */
  planTimeZone: string
  /** Origins besides the request's own host allowed to change state and open sockets (ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins: string[]
  /** Lifetime of a sign-in session. */
  sessionTtlMs: number
  /** scrypt cost as log2(N); stored with each hash, so it can be raised later. */
  passwordScryptLogN: number
  /** Failed sign-ins per email and address within loginWindowMs before 429. */
  loginMaxFailures: number
  loginWindowMs: number
  /** Strategic + breakthrough accounts one owner may hold before the portfolio warns. */
  portfolioFocusLimit: number
  /** Create the demo account when the first administrator is set up (SEED_DEMO=0 to skip). */
  seedDemo: boolean
  /** Folder with the built client (vite build). */
  clientDir: string
  log: (msg: string) => void
}

export const defaultConfig = (): ServerConfig => ({
  port: 8787,
  host: '127.0.0.1',
  dataDir: './data',
  maxFrameBytes: 16 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxAssetBytes: 10 * 1024 * 1024,
  pingIntervalMs: 30_000,
  roomUnloadGraceMs: 5_000,
  flushIntervalMs: 20,
  compactLogBytes: 1024 * 1024,
  deriveDelayMs: 1_000,
  planTimeZone: 'Asia/Shanghai',
  allowedOrigins: [],
  sessionTtlMs: 7 * 24 * 3600_000,
  passwordScryptLogN: 17,
  loginMaxFailures: 5,
  loginWindowMs: 15 * 60_000,
  portfolioFocusLimit: 3,
  seedDemo: true,
  clientDir: path.resolve(import.meta.dirname, '../dist/client'),
  log: (msg) => console.log(msg),
})

const ENV: Record<string, keyof ServerConfig> = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'dataDir',
  MAX_FRAME_BYTES: 'maxFrameBytes',
  MAX_BUFFERED_BYTES: 'maxBufferedBytes',
  MAX_ASSET_BYTES: 'maxAssetBytes',
  PING_INTERVAL_MS: 'pingIntervalMs',
  ROOM_UNLOAD_GRACE_MS: 'roomUnloadGraceMs',
  FLUSH_INTERVAL_MS: 'flushIntervalMs',
  COMPACT_LOG_BYTES: 'compactLogBytes',
  DERIVE_DELAY_MS: 'deriveDelayMs',
  PLAN_TIME_ZONE: 'planTimeZone',
  CLIENT_DIR: 'clientDir',
  ALLOWED_ORIGINS: 'allowedOrigins',
  SESSION_TTL_MS: 'sessionTtlMs',
  PASSWORD_SCRYPT_LOG_N: 'passwordScryptLogN',
  LOGIN_MAX_FAILURES: 'loginMaxFailures',
  LOGIN_WINDOW_MS: 'loginWindowMs',
  PORTFOLIO_FOCUS_LIMIT: 'portfolioFocusLimit',
  SEED_DEMO: 'seedDemo',
}

/** Builds the configuration from defaults, the environment and overrides; bad values throw here. */
export function resolveConfig(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): ServerConfig {
  const config: ServerConfig = { ...defaultConfig() }
  const mutable = config as unknown as Record<string, unknown>
  for (const [name, key] of Object.entries(ENV)) {
    const raw = env[name]
    if (raw === undefined || raw === '') continue
    if (Array.isArray(config[key])) {
      mutable[key] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    } else if (typeof config[key] === 'boolean') {
      if (!/^(0|1|true|false)$/.test(raw)) throw new Error(`${name} must be 0 or 1, got "${raw}"`)
      mutable[key] = raw === '1' || raw === 'true'
    } else if (typeof config[key] === 'number') {
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`)
      mutable[key] = n
    } else {
      mutable[key] = raw
    }
  }
  Object.assign(config, overrides)
  if (config.port > 65535) throw new Error(`PORT must be 0–65535, got ${config.port}`)
  for (const key of [
    'maxFrameBytes',
    'maxBufferedBytes',
    'maxAssetBytes',
    'pingIntervalMs',
    'flushIntervalMs',
  ] as const) {
    if (!(config[key] > 0)) throw new Error(`${key} must be positive`)
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.planTimeZone })
  } catch {
    throw new Error(`PLAN_TIME_ZONE "${config.planTimeZone}" is not a known time zone (e.g. Asia/Shanghai)`)
  }
  if (config.passwordScryptLogN < 14 || config.passwordScryptLogN > 20) {
    throw new Error('PASSWORD_SCRYPT_LOG_N must be 14–20 (scrypt N = 2^value)')
  }
  for (const origin of config.allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      throw new Error(`ALLOWED_ORIGINS entries look like https://host[:port], got "${origin}"`)
  }
  if (config.flushIntervalMs > 80)
    throw new Error('FLUSH_INTERVAL_MS must be at most 80 (updates are durable within 100 ms)')
  return config
}
