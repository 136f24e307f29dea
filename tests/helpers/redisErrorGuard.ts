/**
 * Setup file of the scale layer (vite.config.ts): a test during which an ioredis client emitted
 * an `error` event nobody listens for fails. ioredis does not throw then, it prints
 * `[ioredis] Unhandled error event: …` (its `silentEmit`), so such a client went unnoticed in the
 * layer's log (ECONNREFUSED while a test had stopped Redis). Every Redis client, the servers' and
 * the tests' own (tests/helpers/engines.ts `redisClient`), handles its errors.
 */
import { afterEach, expect } from 'vitest'

const unhandled: string[] = []
const original = console.error
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[ioredis] Unhandled error event'))
    unhandled.push(String(args[1]))
  original(...args)
}

afterEach(() => {
  const seen = unhandled.splice(0)
  expect(seen, 'an ioredis client without an error listener emitted errors').toEqual([])
})
