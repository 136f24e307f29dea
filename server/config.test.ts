import { describe, expect, it } from 'vitest'
import { resolveConfig } from './config.ts'

describe('resolveConfig', () => {
  it('reads the environment', () => {
    const c = resolveConfig({}, { PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/srv/war-room', MAX_FRAME_BYTES: '1024' })
    expect([c.port, c.host, c.dataDir, c.maxFrameBytes]).toEqual([9000, '0.0.0.0', '/srv/war-room', 1024])
  })

  it('rejects bad values when the configuration is built', () => {
    expect(() => resolveConfig({}, { PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/)
    expect(() => resolveConfig({}, { PORT: '70000' })).toThrow(/PORT must be 0–65535/)
    expect(() => resolveConfig({}, { FLUSH_INTERVAL_MS: '500' })).toThrow(/within 100 ms/)
    expect(() => resolveConfig({}, { PLAN_TIME_ZONE: 'Mars/Olympus' })).toThrow(/not a known time zone/)
  })
})
