/**
 * Sign-in throttling under parallel guessing, against a real server: attempts are booked before
 * the slow password hash, and one address is limited across emails. `X-Forwarded-For` counts only
 * when TRUST_PROXY says a proxy stands in front.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { api, createUser, setupAdmin, TEST_PASSWORD } from '../helpers/auth.ts'
import { startTestServer, tempDataDir } from '../helpers/server.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function server(options: {
  loginMaxFailures?: number
  loginMaxFailuresPerAddress?: number
  trustProxy?: number
}) {
  const data = tempDataDir()
  const s = await startTestServer({ dataDir: data.dir, ...options })
  cleanups.push(
    () => data.remove(),
    () => s.close(),
  )
  const admin = await setupAdmin(s)
  return { s, admin }
}

const signIn = (s: { url: string }, email: string, password: string, headers: Record<string, string> = {}) =>
  api(s, 'POST', '/api/login', { body: { email, password }, headers }).then(async (r) => {
    await r.body?.cancel()
    return r.status
  })

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {}
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1
  return counts
}

describe('parallel sign-in guesses', () => {
  it('40 parallel wrong sign-ins for one email: at most the allowed 5 are checked, the rest answer 429', async () => {
    const { s, admin } = await server({})
    await createUser(s, admin, { email: 'victim@example.com' })
    // The right password is among the guesses, as an attacker's list might have it anywhere.
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 20 ? TEST_PASSWORD : `wrong-guess-${i}`))
    const statuses = await Promise.all(guesses.map((p) => signIn(s, 'victim@example.com', p)))
    const counts = tally(statuses)
    expect(
      Object.keys(counts).every((k) => ['401', '429', '200'].includes(k)),
      JSON.stringify(counts),
    ).toBe(true)
    expect(statuses.filter((x) => x !== 429).length, JSON.stringify(counts)).toBeLessThanOrEqual(5)
    expect(counts[429]).toBeGreaterThanOrEqual(35)
    // Still locked afterwards, even with the right password.
    expect(await signIn(s, 'victim@example.com', TEST_PASSWORD)).toBe(429)
    // Another email from the same address is not locked by this one.
    expect(await signIn(s, 'admin@example.com', TEST_PASSWORD)).toBe(200)
    // The audit log has each checked failure and one lock-out entry, not 35 refusals.
    const log = (
      (await (await api(s, 'GET', '/api/audit?limit=1000', { cookie: admin })).json()) as {
        entries: { action: string; target?: object; detail?: object }[]
      }
    ).entries
    expect(log.filter((e) => e.action === 'auth.login.failed').length).toBe(statuses.filter((x) => x === 401).length)
    const locks = log.filter((e) => e.action === 'auth.login.throttled')
    expect(locks).toHaveLength(1)
    expect(locks[0]).toMatchObject({ target: { email: 'victim@example.com' }, detail: { limit: 'email and address' } })
  })

  it('one address guessing across many emails is limited too (LOGIN_MAX_FAILURES_PER_ADDRESS)', async () => {
    const { s } = await server({ loginMaxFailuresPerAddress: 10 })
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(s, `someone-${i}@example.com`, 'wrong-password')),
    )
    expect(statuses.filter((x) => x !== 429).length, JSON.stringify(tally(statuses))).toBeLessThanOrEqual(10)
    // The address is now refused for every email, the right password included.
    const res = await api(s, 'POST', '/api/login', { body: { email: 'admin@example.com', password: TEST_PASSWORD } })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('a successful sign-in does not reset the address count', async () => {
    const { s } = await server({ loginMaxFailuresPerAddress: 6 })
    for (let i = 0; i < 5; i++) expect(await signIn(s, `x${i}@example.com`, 'wrong-password')).toBe(401)
    expect(await signIn(s, 'admin@example.com', TEST_PASSWORD)).toBe(200)
    expect(await signIn(s, 'y@example.com', 'wrong-password')).toBe(401)
    expect(await signIn(s, 'z@example.com', 'wrong-password')).toBe(429)
  })
})

describe('X-Forwarded-For and TRUST_PROXY', () => {
  it('without TRUST_PROXY a forged X-Forwarded-For does not escape the address limit', async () => {
    const { s } = await server({ loginMaxFailuresPerAddress: 5 })
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) {
      statuses.push(await signIn(s, `p${i}@example.com`, 'wrong-password', { 'x-forwarded-for': `10.0.0.${i}` }))
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
  })

  it('with TRUST_PROXY=1 each forwarded client has its own limits (a proxy in front of the server)', async () => {
    const { s } = await server({ loginMaxFailuresPerAddress: 5, trustProxy: 1 })
    const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.9, ${address}` })
    for (let i = 0; i < 5; i++)
      expect(await signIn(s, `q${i}@example.com`, 'wrong-password', from('10.1.1.1'))).toBe(401)
    expect(await signIn(s, 'q9@example.com', 'wrong-password', from('10.1.1.1'))).toBe(429)
    // The client-written part (203.0.113.9) is not believed; the proxy's entry is.
    expect(await signIn(s, 'admin@example.com', TEST_PASSWORD, from('10.1.1.2'))).toBe(200)
  })

  it('X-Forwarded-Proto: https makes the session cookie Secure only behind a trusted proxy', async () => {
    for (const trustProxy of [0, 1]) {
      const { s } = await server({ trustProxy })
      const res = await api(s, 'POST', '/api/login', {
        body: { email: 'admin@example.com', password: TEST_PASSWORD },
        headers: { 'x-forwarded-proto': 'https' },
      })
      expect(res.status).toBe(200)
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('wr_session='))!
      expect(/;\s*Secure/i.test(cookie), `TRUST_PROXY=${trustProxy}`).toBe(trustProxy > 0)
    }
  })
})
