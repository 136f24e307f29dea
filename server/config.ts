import path from 'node:path'
import { z } from 'zod'
import { DEFAULT_CONTACT_LIMITS } from '../shared/contacts/limits.ts'
import {
  createLogger,
  defaultLogFormat,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type Logger,
  type LogLevel,
} from './log.ts'

/** Server configuration; every field can be set from the environment (see README). */
export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** Largest WebSocket frame accepted; larger ones close the connection with CloseCode.MessageTooBig. */
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
  /** While a room cannot save (disk full or failing), how often the server tries again. */
  storageRetryMs: number
  /** Debounce of the derived records (plan record) after the last change. */
  deriveDelayMs: number
  /** A room's plan file is rewritten at most once per this interval while edited (and on unload). */
  planWriteIntervalMs: number
  /** All rooms together write at most this many plans per second (0: no limit). */
  planWritesPerSecond: number
  /** `audit.log` is rotated once it holds this many bytes. */
  auditRotateBytes: number
  /** Where audit entries the data directory refused are also kept until it takes them ('' = `<tmpdir>/war-room-audit-spill`). */
  auditSpillDir: string
  /** Time zone whose calendar date decides what is overdue in plan records. */
  planTimeZone: string
  /** Origins besides the request's own host allowed to change state and open sockets (ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins: string[]
  /** Lifetime of a sign-in session. */
  sessionTtlMs: number
  /** Expired sessions are deleted from the records this often (SESSION_SWEEP_MS), besides at each sign-in. */
  sessionSweepMs: number
  /** scrypt cost as log2(N); stored with each hash, so it can be raised later. */
  passwordScryptLogN: number
  /** Failed sign-ins per email and address within loginWindowMs before 429. */
  loginMaxFailures: number
  loginWindowMs: number
  /** Failed sign-ins from one address, across all emails, within loginWindowMs before 429. */
  loginMaxFailuresPerAddress: number
  /** Host names (the `Host` header) this server answers to besides its own (ALLOWED_HOSTS, comma-separated; `*`: any). */
  allowedHosts: string[]
  /** The origin people reach the server at, e.g. https://warroom.example.com (its host and origin are allowed). */
  publicOrigin: string
  /** Proxies in front of the server whose `X-Forwarded-For` is believed (0: none; the socket's address counts). */
  trustProxy: number
  /** Largest JSON request body; larger ones are refused with 413 before they are read. */
  maxJsonBytes: number
  /** Open sync connections one user may hold, and one client address; the next is closed with 4429. */
  maxSocketsPerUser: number
  maxSocketsPerAddress: number
  /** Strategic + breakthrough accounts one owner may hold before the portfolio warns. */
  portfolioFocusLimit: number
  /** Days after which a KDM's or KI's last contact is stale (finding stakeholder.contact.stale, faded stances). */
  staleContactDays: number
  /** Largest contact sheet the import accepts, and most rows in one import. */
  importMaxBytes: number
  importMaxRows: number
  /** Customer people one of ours may cover before the coverage view says they cover too many. */
  coverageLimit: number
  /** Create the demo account when the first administrator is set up (SEED_DEMO=0 to skip). */
  seedDemo: boolean
  /** Messages per second one sync socket may send (bursts of 4 s pass); over it, reading pauses. */
  socketMessagesPerSecond: number
  /** Bytes per second one sync socket may send (bursts of 4 s, at least one largest frame, pass). */
  socketBytesPerSecond: number
  /** Received bytes one socket may have waiting (room loading, over a rate) before reading pauses. */
  maxQueuedBytes: number
  /** Presence (awareness) coalescing period per room; 0 relays every change at once. */
  presenceIntervalMs: number
  /** Largest awareness state relayed (bytes of JSON); larger ones are dropped. */
  maxPresenceBytes: number
  /** Updates waiting for missing data one connection may leave behind before it is closed (4009). */
  maxPendingBytes: number
  /** Largest document (encoded bytes) per account; edits past it are refused (4413). */
  maxDocBytes: number
  /** Folder with the built client (vite build). */
  clientDir: string
  /** `postgres://…`: documents and records in PostgreSQL (multi-node mode, docs/scale-out.md); '' = files in dataDir. */
  databaseUrl: string
  /** `redis://…`: fan-out, revocations and throttling shared between nodes; needs databaseUrl. */
  redisUrl: string
  /** This node's name in logs and in the fan-out between nodes; '' = a random one at start. */
  nodeId: string
  /** Heartbeat period of the fan-out per room; a node silent for three periods is taken as gone (its cursors vanish). */
  fanoutHeartbeatMs: number
  /** Least severe level written (LOG_LEVEL). */
  logLevel: LogLevel
  /** `json` (one object per line) or `pretty` (LOG_FORMAT; pretty by default on a terminal outside production). */
  logFormat: LogFormat
  /** The structured logger (server/log.ts); prefer it, with fields, over `log`. */
  logger: Logger
  /**
   * A plain line at warn level through `logger` (kept for older call sites). Passed as an
   * override to resolveConfig/startServer it is instead where every log line (JSON) goes:
   * tests capture logs that way.
   */
  log: (msg: string) => void
}

/** Settings that come from the environment (everything except the logger itself). */
type Settings = Omit<ServerConfig, 'logger' | 'log'>

export const defaultConfig = (): Settings => ({
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
  storageRetryMs: 3_000,
  deriveDelayMs: 3_000,
  planWriteIntervalMs: 10_000,
  planWritesPerSecond: 10,
  auditRotateBytes: 8 * 1024 * 1024,
  auditSpillDir: '',
  planTimeZone: 'Asia/Shanghai',
  allowedOrigins: [],
  sessionTtlMs: 7 * 24 * 3600_000,
  sessionSweepMs: 3600_000,
  passwordScryptLogN: 17,
  loginMaxFailures: 5,
  loginWindowMs: 15 * 60_000,
  loginMaxFailuresPerAddress: 50,
  allowedHosts: [],
  publicOrigin: '',
  trustProxy: 0,
  maxJsonBytes: 1024 * 1024,
  maxSocketsPerUser: 32,
  maxSocketsPerAddress: 256,
  portfolioFocusLimit: 3,
  staleContactDays: 45,
  importMaxBytes: DEFAULT_CONTACT_LIMITS.importMaxBytes,
  importMaxRows: DEFAULT_CONTACT_LIMITS.importMaxRows,
  coverageLimit: DEFAULT_CONTACT_LIMITS.coverageLimit,
  seedDemo: true,
  socketMessagesPerSecond: 1000,
  socketBytesPerSecond: 4 * 1024 * 1024,
  maxQueuedBytes: 4 * 1024 * 1024,
  presenceIntervalMs: 50,
  maxPresenceBytes: 64 * 1024,
  maxPendingBytes: 4 * 1024 * 1024,
  maxDocBytes: 64 * 1024 * 1024,
  clientDir: path.resolve(import.meta.dirname, '../dist/client'),
  databaseUrl: '',
  redisUrl: '',
  nodeId: '',
  fanoutHeartbeatMs: 5_000,
  logLevel: 'info',
  logFormat: 'json',
})

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

// The allowed values of each setting, checked on the final configuration (environment and overrides).
const count = () => z.number().int('must be a whole number').min(0, 'must not be negative')
const positive = () => z.number().int('must be a whole number').positive('must be positive')
const text = () => z.string().min(1, 'must not be empty')

/**
 * Every setting: its environment variable and the values it may take. A new setting is one line
 * here, one default above, one field in ServerConfig and one row in the README's table.
 */
const SETTINGS = {
  port: { env: 'PORT', value: count().max(65535, 'must be 0–65535') },
  host: { env: 'HOST', value: text() },
  dataDir: { env: 'DATA_DIR', value: text() },
  maxFrameBytes: { env: 'MAX_FRAME_BYTES', value: positive() },
  maxBufferedBytes: { env: 'MAX_BUFFERED_BYTES', value: positive() },
  maxAssetBytes: { env: 'MAX_ASSET_BYTES', value: positive() },
  pingIntervalMs: { env: 'PING_INTERVAL_MS', value: positive() },
  roomUnloadGraceMs: { env: 'ROOM_UNLOAD_GRACE_MS', value: count() },
  flushIntervalMs: {
    env: 'FLUSH_INTERVAL_MS',
    value: positive().max(80, 'must be at most 80 (updates are durable within 100 ms)'),
  },
  compactLogBytes: { env: 'COMPACT_LOG_BYTES', value: count() },
  storageRetryMs: { env: 'STORAGE_RETRY_MS', value: positive() },
  deriveDelayMs: { env: 'DERIVE_DELAY_MS', value: count() },
  planWriteIntervalMs: { env: 'PLAN_WRITE_INTERVAL_MS', value: count() },
  planWritesPerSecond: { env: 'PLAN_WRITES_PER_SECOND', value: count() },
  auditRotateBytes: { env: 'AUDIT_ROTATE_BYTES', value: positive() },
  auditSpillDir: { env: 'AUDIT_SPILL_DIR', value: z.string() },
  planTimeZone: {
    env: 'PLAN_TIME_ZONE',
    value: z.string().refine(isTimeZone, 'is not a known time zone (e.g. Asia/Shanghai)'),
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    value: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'entries look like https://host[:port]')),
  },
  sessionTtlMs: { env: 'SESSION_TTL_MS', value: positive() },
  sessionSweepMs: { env: 'SESSION_SWEEP_MS', value: positive() },
  passwordScryptLogN: {
    env: 'PASSWORD_SCRYPT_LOG_N',
    value: z.number().int().min(14, 'must be 14–20 (scrypt N = 2^value)').max(20, 'must be 14–20 (scrypt N = 2^value)'),
  },
  loginMaxFailures: { env: 'LOGIN_MAX_FAILURES', value: positive() },
  loginWindowMs: { env: 'LOGIN_WINDOW_MS', value: positive() },
  loginMaxFailuresPerAddress: { env: 'LOGIN_MAX_FAILURES_PER_ADDRESS', value: positive() },
  allowedHosts: {
    env: 'ALLOWED_HOSTS',
    value: z.array(
      z
        .string()
        .regex(/^(\*|\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+)$/, 'entries are host names without scheme or port (or *)'),
    ),
  },
  publicOrigin: {
    env: 'PUBLIC_ORIGIN',
    value: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^/]+$/, 'looks like https://host[:port]')]),
  },
  trustProxy: { env: 'TRUST_PROXY', value: count().max(10, 'must be 0–10 (proxies in front of the server)') },
  maxJsonBytes: { env: 'MAX_JSON_BYTES', value: positive() },
  maxSocketsPerUser: { env: 'MAX_SOCKETS_PER_USER', value: positive() },
  maxSocketsPerAddress: { env: 'MAX_SOCKETS_PER_ADDRESS', value: positive() },
  portfolioFocusLimit: { env: 'PORTFOLIO_FOCUS_LIMIT', value: count() },
  staleContactDays: { env: 'STALE_CONTACT_DAYS', value: positive() },
  importMaxBytes: { env: 'IMPORT_MAX_BYTES', value: positive() },
  importMaxRows: { env: 'IMPORT_MAX_ROWS', value: positive() },
  coverageLimit: { env: 'COVERAGE_LIMIT', value: positive() },
  seedDemo: { env: 'SEED_DEMO', value: z.boolean() },
  socketMessagesPerSecond: { env: 'SOCKET_MESSAGES_PER_SECOND', value: positive() },
  socketBytesPerSecond: { env: 'SOCKET_BYTES_PER_SECOND', value: positive() },
  maxQueuedBytes: { env: 'MAX_QUEUED_BYTES', value: positive() },
  presenceIntervalMs: { env: 'PRESENCE_INTERVAL_MS', value: count().max(1000, 'must be at most 1000') },
  maxPresenceBytes: { env: 'MAX_PRESENCE_BYTES', value: positive() },
  maxPendingBytes: { env: 'MAX_PENDING_BYTES', value: positive() },
  maxDocBytes: { env: 'MAX_DOC_BYTES', value: positive() },
  clientDir: { env: 'CLIENT_DIR', value: text() },
  databaseUrl: {
    env: 'DATABASE_URL',
    value: z.union([
      z.literal(''),
      z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'looks like postgres://user@host:port/database'),
    ]),
  },
  redisUrl: {
    env: 'REDIS_URL',
    value: z.union([z.literal(''), z.string().regex(/^rediss?:\/\/\S+$/, 'looks like redis://host:port')]),
  },
  nodeId: {
    env: 'NODE_ID',
    value: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'is 1–64 letters, digits, _ . -')]),
  },
  fanoutHeartbeatMs: {
    env: 'FANOUT_HEARTBEAT_MS',
    value: positive().min(100, 'must be at least 100').max(60_000, 'must be at most 60000'),
  },
  logLevel: { env: 'LOG_LEVEL', value: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`) },
  logFormat: { env: 'LOG_FORMAT', value: z.enum(LOG_FORMATS, `must be one of ${LOG_FORMATS.join(', ')}`) },
} satisfies { [K in keyof Settings]: { env: string; value: z.ZodType<Settings[K]> } }

/** How an environment string becomes a value, by the type of the setting's default. */
function fromString(key: keyof Settings): z.ZodType {
  const fallback = defaultConfig()[key]
  // biome-ignore lint/suspicious/noExplicitAny: the setting's own type is checked by SETTINGS' `satisfies`
  const value = SETTINGS[key].value as z.ZodType<any, any>
  if (typeof fallback === 'number')
    return z.string().trim().regex(/^\d+$/, 'must be a non-negative integer').transform(Number).pipe(value)
  if (typeof fallback === 'boolean')
    return z
      .enum(['0', '1', 'true', 'false'], 'must be 0 or 1')
      .transform((v) => v === '1' || v === 'true')
      .pipe(value)
  if (Array.isArray(fallback))
    return z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(value)
  return z.string().trim().pipe(value)
}

/** The environment schema: every variable optional, each parsed into its setting's value. */
export const envSchema = z.object(
  Object.fromEntries(
    (Object.keys(SETTINGS) as (keyof Settings)[]).map((key) => [SETTINGS[key].env, fromString(key).optional()]),
  ),
)

/** The final configuration's schema (the same value rules, for overrides too). */
const settingsSchema = z.object(
  Object.fromEntries((Object.keys(SETTINGS) as (keyof Settings)[]).map((key) => [key, SETTINGS[key].value])),
)

/** Every bad setting at once, each named by its environment variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const ENV_OF = new Map(Object.entries(SETTINGS).map(([key, s]) => [key, s.env]))

/** Builds the configuration from defaults, the environment and overrides; bad values throw a ConfigError naming them all. */
export function resolveConfig(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): ServerConfig {
  const problems: string[] = []
  const bad = new Set<string>()
  const envValues: Record<string, unknown> = {}
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const raw = env[setting.env]
    if (raw === undefined || raw === '') continue // an empty variable counts as unset
    const parsed = envSchema.shape[setting.env]!.safeParse(raw)
    if (parsed.success) envValues[key] = parsed.data
    else {
      bad.add(key)
      problems.push(`${setting.env} ${parsed.error.issues[0]?.message ?? 'is not valid'}, got "${raw}"`)
    }
  }
  const { logger: givenLogger, log: sink, ...overrideSettings } = overrides
  const defaults = defaultConfig()
  defaults.logFormat = defaultLogFormat(env, env === process.env ? undefined : false)
  const merged: Settings = { ...defaults, ...envValues, ...overrideSettings }
  const checked = settingsSchema.safeParse(merged)
  for (const issue of checked.error?.issues ?? []) {
    const key = String(issue.path[0])
    if (bad.has(key)) continue
    bad.add(key)
    const value = (merged as unknown as Record<string, unknown>)[key]
    problems.push(`${ENV_OF.get(key) ?? key} ${issue.message}, got ${JSON.stringify(value)}`)
  }
  if (merged.redisUrl && !merged.databaseUrl && !bad.has('redisUrl'))
    problems.push('REDIS_URL needs DATABASE_URL: several nodes share their documents and records in PostgreSQL')
  if (problems.length > 0) throw new ConfigError(problems)
  // The public origin may change state and open sockets like the server's own host.
  if (merged.publicOrigin && !merged.allowedOrigins.includes(merged.publicOrigin))
    merged.allowedOrigins = [...merged.allowedOrigins, merged.publicOrigin]
  const logger = givenLogger ?? createLogger({ level: merged.logLevel, format: merged.logFormat, sink })
  return { ...merged, logger, log: (msg) => logger.warn(msg) }
}
