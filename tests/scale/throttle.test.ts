/**
 * Sign-in throttling shared through Redis (server/auth/redisRateLimit.ts), on a real redis-server:
 * two nodes' limiters see one count; concurrent bookings never overbook; with Redis gone each node
 * falls back to its own memory (and says so), and shares again once Redis is back.
 */
import { describe, expect, it } from 'vitest'
import type { Reservation } from '../../server/auth/rateLimit.ts'
import { createSharedLoginLimiters } from '../../server/auth/redisRateLimit.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { eventually } from '../helpers/server.ts'

const engines = fileEngines({ pg: false, redis: true })

async function node(max = 3, windowMs = 60_000) {
  const logs: string[] = []
  const limiters = createSharedLoginLimiters(
    engines.redis.url,
    { loginMaxFailures: max, loginMaxFailuresPerAddress: 100, loginWindowMs: windowMs },
    { log: (m) => logs.push(m) },
  )
  engines.cleanup(() => limiters.close())
  await eventually(() => expect(limiters.redis.status).toBe('ready'))
  return { ...limiters, logs }
}
const booked = (r: Reservation | number): r is Reservation => typeof r === 'object'

describe('sign-in throttling through Redis', () => {
  it('failures booked on one node count on the other; the wait is the oldest failure ageing out', async () => {
    const [a, b] = [await node(3, 60_000), await node(3, 60_000)]
    expect(booked(await a.login.reserve('ann|1.2.3.4'))).toBe(true)
    expect(booked(await b.login.reserve('ann|1.2.3.4'))).toBe(true)
    expect(booked(await a.login.reserve('ann|1.2.3.4'))).toBe(true)
    const wait = await b.login.reserve('ann|1.2.3.4')
    expect(typeof wait).toBe('number')
    expect(wait as number).toBeGreaterThan(55_000)
    expect(wait as number).toBeLessThanOrEqual(60_000)
    // Another key is not affected.
    expect(booked(await b.login.reserve('ann|5.6.7.8'))).toBe(true)
  })

  it('parallel attempts on two nodes never book more than the limit', async () => {
    const [a, b] = [await node(5), await node(5)]
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).login.reserve('bob|9.9.9.9')))
    expect(all.filter(booked)).toHaveLength(5)
  })

  it('a success takes its booking back on every node; forgetKey clears the key', async () => {
    const [a, b] = [await node(2), await node(2)]
    const first = await a.login.reserve('cat|1.1.1.1')
    const second = await a.login.reserve('cat|1.1.1.1')
    expect(typeof (await b.login.reserve('cat|1.1.1.1'))).toBe('number')
    if (!booked(first) || !booked(second)) throw new Error('expected bookings')
    first.succeeded()
    await eventually(async () => {
      const again = await b.login.reserve('cat|1.1.1.1')
      expect(booked(again)).toBe(true)
      if (booked(again)) again.succeeded({ forgetKey: true })
    })
    await eventually(async () => expect(await a.redis.exists('warroom:login:pair:cat|1.1.1.1')).toBe(0))
  })

  it('Redis gone: each node throttles on its own (logged); Redis back: shared again', async () => {
    const [a, b] = [await node(2), await node(2)]
    await engines.redis.stop()
    await eventually(() => expect(a.redis.status).not.toBe('ready'))
    // Sign-in keeps working, with per-node limits.
    expect(booked(await a.login.reserve('dan|2.2.2.2'))).toBe(true)
    expect(booked(await a.login.reserve('dan|2.2.2.2'))).toBe(true)
    expect(typeof (await a.login.reserve('dan|2.2.2.2'))).toBe('number')
    expect(booked(await b.login.reserve('dan|2.2.2.2'))).toBe(true)
    expect(a.login.isFallingBack).toBe(true)
    expect(a.logs.join('\n')).toMatch(/falls back to this node's memory/)

    await engines.redis.start()
    await eventually(() => expect(a.redis.status).toBe('ready'), 10_000)
    await eventually(() => expect(b.redis.status).toBe('ready'), 10_000)
    // Shared again: two failures on a throttle the key on b (Redis came back empty).
    expect(booked(await a.login.reserve('eve|3.3.3.3'))).toBe(true)
    expect(a.login.isFallingBack).toBe(false)
    expect(a.logs.join('\n')).toMatch(/shared through Redis again/)
    expect(booked(await a.login.reserve('eve|3.3.3.3'))).toBe(true)
    expect(typeof (await b.login.reserve('eve|3.3.3.3'))).toBe('number')
  })

  it('failures counted in memory while Redis was down are copied to Redis when it is back: throttled on every node', async () => {
    const [a, b] = [await node(2), await node(2)]
    await engines.redis.stop()
    await eventually(() => expect(a.redis.status).not.toBe('ready'))
    expect(booked(await a.login.reserve('fay|4.4.4.4'))).toBe(true)
    expect(booked(await a.login.reserve('fay|4.4.4.4'))).toBe(true)
    await engines.redis.start()
    // Before the fix Redis came back empty and node b let the same guesser try twice more.
    await eventually(async () => expect(await a.redis.zcard('warroom:login:pair:fay|4.4.4.4')).toBe(2), 10_000)
    await eventually(() => expect(b.redis.status).toBe('ready'), 10_000)
    const wait = await b.login.reserve('fay|4.4.4.4')
    expect(typeof wait).toBe('number')
    expect(wait as number).toBeGreaterThan(50_000)
    expect(typeof (await a.login.reserve('fay|4.4.4.4'))).toBe('number')
    expect(a.logs.join('\n')).toMatch(/2 failure\(s\) counted in memory copied to Redis/)
  })

  it('an attempt booked in memory during the outage that then succeeds is taken back in Redis, also once copied there', async () => {
    const [a] = [await node(3)]
    await engines.redis.stop()
    await eventually(() => expect(a.redis.status).not.toBe('ready'))
    const failed = await a.login.reserve('gil|5.5.5.5')
    const checking = await a.login.reserve('gil|5.5.5.5')
    if (!booked(failed) || !booked(checking)) throw new Error('expected bookings')
    await engines.redis.start()
    // Both copied (the second one's password check is still running).
    await eventually(async () => expect(await a.redis.zcard('warroom:login:pair:gil|5.5.5.5')).toBe(2), 10_000)
    checking.succeeded()
    // Before: the copy stayed a failure, so a right password still cost the person an attempt.
    await eventually(async () => expect(await a.redis.zcard('warroom:login:pair:gil|5.5.5.5')).toBe(1), 10_000)
  })

  it('a sign-in that succeeds (forgetKey) during the outage clears the key in Redis once it is back, as in one process', async () => {
    const [a, b] = [await node(3), await node(3)]
    // Two failures booked on b before the outage; Redis keeps them (it restarts with them).
    for (let i = 0; i < 2; i++) expect(booked(await b.login.reserve('hal|6.6.6.6'))).toBe(true)
    await engines.redis.stop({ save: true })
    await eventually(() => expect(a.redis.status).not.toBe('ready'))
    const ok = await a.login.reserve('hal|6.6.6.6')
    if (!booked(ok)) throw new Error('expected a booking')
    ok.succeeded({ forgetKey: true })
    await engines.redis.start()
    await eventually(() => expect(a.redis.status).toBe('ready'), 10_000)
    // Before: the person who signed in was still two failures from the limit on every node.
    await eventually(async () => expect(await a.redis.exists('warroom:login:pair:hal|6.6.6.6')).toBe(0), 10_000)
  })
})
