import { describe, expect, it } from 'vitest'
import { ConfigError, resolveConfig } from './config.ts'

describe('resolveConfig', () => {
  it('reads the environment', () => {
    const c = resolveConfig(
      {},
      { PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/srv/war-room', MAX_FRAME_BYTES: '1024', SEED_DEMO: '0' },
    )
    expect([c.port, c.host, c.dataDir, c.maxFrameBytes, c.seedDemo]).toEqual([
      9000,
      '0.0.0.0',
      '/srv/war-room',
      1024,
      false,
    ])
    expect(resolveConfig({}, { ALLOWED_ORIGINS: ' https://a.example , http://b:8080,' }).allowedOrigins).toEqual([
      'https://a.example',
      'http://b:8080',
    ])
  })

  it('treats an empty variable as unset', () => {
    expect(resolveConfig({}, { PORT: '' }).port).toBe(8787)
  })

  it('reads the contact freshness limit and the import limits', () => {
    expect([resolveConfig().staleContactDays, resolveConfig().importMaxBytes, resolveConfig().importMaxRows]).toEqual([
      45,
      5 * 1024 * 1024,
      2000,
    ])
    const c = resolveConfig({}, { STALE_CONTACT_DAYS: '30', IMPORT_MAX_BYTES: '1000', IMPORT_MAX_ROWS: '10' })
    expect([c.staleContactDays, c.importMaxBytes, c.importMaxRows]).toEqual([30, 1000, 10])
    expect(() => resolveConfig({}, { STALE_CONTACT_DAYS: '0' })).toThrow(/STALE_CONTACT_DAYS.*must be positive/)
    expect([resolveConfig().coverageLimit, resolveConfig({}, { COVERAGE_LIMIT: '8' }).coverageLimit]).toEqual([5, 8])
    expect(() => resolveConfig({}, { COVERAGE_LIMIT: 'many' })).toThrow(/COVERAGE_LIMIT/)
  })

  it('rejects bad values when the configuration is built', () => {
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/)
    expect(() => resolveConfig({}, { PORT: '70000' })).toThrow(/PORT must be 0–65535/)
    expect(() => resolveConfig({}, { FLUSH_INTERVAL_MS: '500' })).toThrow(/within 100 ms/)
    expect(() => resolveConfig({}, { PLAN_TIME_ZONE: 'Mars/Olympus' })).toThrow(/not a known time zone/)
    expect(() => resolveConfig({}, { SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO must be 0 or 1/)
    expect(() => resolveConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error/)
    // Overrides follow the same rules as the environment.
    expect(() => resolveConfig({ flushIntervalMs: 500 })).toThrow(/FLUSH_INTERVAL_MS must be at most 80/)
  })

  it('names every bad variable at once', () => {
    let error: unknown
    try {
      resolveConfig(
        {},
        { PORT: 'eighty', ALLOWED_ORIGINS: 'evil.example', PASSWORD_SCRYPT_LOG_N: '9', LOG_FORMAT: 'xml', HOST: 'ok' },
      )
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(
      ['ALLOWED_ORIGINS', 'LOG_FORMAT', 'PASSWORD_SCRYPT_LOG_N', 'PORT'].sort(),
    )
    expect((error as Error).message).toMatch(/PORT must be a non-negative integer, got "eighty"/)
    expect((error as Error).message).toMatch(/ALLOWED_ORIGINS entries look like https:\/\/host\[:port\]/)
  })

  it('logs JSON lines to a given sink, with the level and the fields', () => {
    const lines: string[] = []
    const c = resolveConfig({ log: (line) => lines.push(line), logLevel: 'info' })
    c.logger.child({ accountId: 'acme' }).info({ connectionId: 7 }, 'connection opened')
    c.logger.debug('not at info')
    c.log('an old-style line')
    expect(lines.map((l) => JSON.parse(l))).toMatchObject([
      { level: 30, accountId: 'acme', connectionId: 7, msg: 'connection opened' },
      { level: 40, msg: 'an old-style line' },
    ])
  })
})

describe('multi-node settings', () => {
  it('reads DATABASE_URL, REDIS_URL and NODE_ID, and checks their form', () => {
    const c = resolveConfig(
      {},
      { DATABASE_URL: 'postgres://warroom@db:5432/warroom', REDIS_URL: 'redis://cache:6379', NODE_ID: 'node-a' },
    )
    expect([c.databaseUrl, c.redisUrl, c.nodeId]).toEqual([
      'postgres://warroom@db:5432/warroom',
      'redis://cache:6379',
      'node-a',
    ])
    expect(resolveConfig().databaseUrl).toBe('')
    expect(() => resolveConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL looks like postgres:\/\//)
    expect(() => resolveConfig({}, { DATABASE_URL: 'postgres://x/y', REDIS_URL: 'http://x' })).toThrow(
      /REDIS_URL looks like redis:\/\//,
    )
    expect(() => resolveConfig({}, { NODE_ID: 'a b' })).toThrow(/NODE_ID is 1–64/)
  })

  it('refuses REDIS_URL without DATABASE_URL', () => {
    expect(() => resolveConfig({}, { REDIS_URL: 'redis://cache:6379' })).toThrow(/REDIS_URL needs DATABASE_URL/)
  })
})
