import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { isAllowedOrigin, originCheck } from './origin.ts'

const req = (headers: Record<string, string>, url = 'http://warroom.local:8787/api/x') => new Request(url, { headers })

describe('isAllowedOrigin', () => {
  it('accepts the request’s own host under any scheme, and configured origins', () => {
    expect(isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'http://warroom.local:8787' }), [])).toBe(true)
    expect(isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'https://warroom.local:8787' }), [])).toBe(true)
    expect(
      isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'http://localhost:5173' }), ['http://localhost:5173']),
    ).toBe(true)
  })

  it('refuses other hosts, other ports, and the opaque origin', () => {
    expect(isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'http://evil.example' }), [])).toBe(false)
    expect(isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'http://warroom.local:9999' }), [])).toBe(false)
    expect(isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'null' }), [])).toBe(false)
    expect(
      isAllowedOrigin(req({ host: 'warroom.local:8787', origin: 'http://warroom.local.evil.example:8787' }), []),
    ).toBe(false)
  })

  it('without Origin, trusts Sec-Fetch-Site when present and lets non-browser clients through', () => {
    expect(isAllowedOrigin(req({ 'sec-fetch-site': 'same-origin' }), [])).toBe(true)
    expect(isAllowedOrigin(req({ 'sec-fetch-site': 'none' }), [])).toBe(true)
    expect(isAllowedOrigin(req({ 'sec-fetch-site': 'cross-site' }), [])).toBe(false)
    expect(isAllowedOrigin(req({ 'sec-fetch-site': 'same-site' }), [])).toBe(false)
    expect(isAllowedOrigin(req({}), [])).toBe(true)
  })
})

describe('originCheck', () => {
  const app = new Hono()
  app.use('*', originCheck([]))
  app.all('/x', (c) => c.text('ok'))
  app.onError((err, c) => c.text(err.message, err instanceof HTTPException ? err.status : 500))

  it('checks state-changing methods only', async () => {
    const evil = { origin: 'http://evil.example' }
    expect((await app.request('/x', { method: 'GET', headers: evil })).status).toBe(200)
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await app.request('/x', { method, headers: evil })).status).toBe(403)
      expect(
        (await app.request('http://localhost/x', { method, headers: { origin: 'http://localhost' } })).status,
      ).toBe(200)
    }
  })
})
