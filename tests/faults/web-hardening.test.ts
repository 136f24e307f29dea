/**
 * Web hardening against a real server: DNS rebinding (foreign Host names), security headers,
 * uploaded SVG served as a download, malformed uploads, and oversized bodies refused before they
 * are read.
 */
import http from 'node:http'
import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createAccount, setupAdmin, TEST_PASSWORD } from '../helpers/auth.ts'
import { startTestServer, type TestServer, tempDataDir } from '../helpers/server.ts'
import { rawRequest } from './http.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function freshServer(options: Parameters<typeof startTestServer>[0] extends infer O ? Partial<O> : never = {}) {
  const data = tempDataDir()
  const server = await startTestServer({ dataDir: data.dir, ...options })
  cleanups.push(
    () => data.remove(),
    () => server.close(),
  )
  return server
}

const setupBody = JSON.stringify({ email: 'admin@example.com', name: 'A', password: TEST_PASSWORD })

describe('DNS rebinding: only our own host names are served', () => {
  it('refuses POST /api/setup whose Host and Origin are both attacker.example:PORT, then sets up on 127.0.0.1', async () => {
    const server = await freshServer()
    const evil = `attacker.example:${server.port}`
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/setup',
      headers: { host: evil, origin: `http://${evil}`, 'content-type': 'application/json' },
      body: setupBody,
    })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error).toMatch(/ALLOWED_HOSTS/)
    // Nothing was created: set-up is still open to the real operator.
    expect((await (await fetch(`${server.url}/api/setup`)).json()).required).toBe(true)
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      const page = await rawRequest(server.port, { path: '/api/setup', headers: { host } })
      expect(page.status, host).toBe(200)
    }
    const own = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/setup',
      headers: {
        host: `localhost:${server.port}`,
        origin: `http://localhost:${server.port}`,
        'content-type': 'application/json',
      },
      body: setupBody,
    })
    expect(own.status).toBe(201)
  })

  it('refuses a foreign Host on every path: pages, health, the sync upgrade', async () => {
    const server = await freshServer()
    const host = `rebind.example:${server.port}`
    for (const path of ['/', '/healthz', '/api/me', '/sync/acme']) {
      const res = await rawRequest(server.port, {
        path,
        headers: {
          host,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      })
      expect(res.status, path).toBe(403)
    }
    for (const bad of ['a b', 'x.example:1/path', '127.0.0.1@attacker.example']) {
      const res = await rawRequest(server.port, { path: '/healthz', headers: { host: bad } })
      // Node itself answers 400 to some; none is served.
      expect([400, 403], JSON.stringify(bad)).toContain(res.status)
    }
  })

  it('ALLOWED_HOSTS and PUBLIC_ORIGIN add real host names', async () => {
    const server = await freshServer({
      env: { ALLOWED_HOSTS: 'warroom.example', PUBLIC_ORIGIN: 'https://plans.example.com' },
    })
    for (const [host, status] of [
      ['warroom.example', 200],
      [`warroom.example:${server.port}`, 200],
      ['plans.example.com', 200],
      ['other.example', 403],
    ] as const) {
      expect((await rawRequest(server.port, { path: '/healthz', headers: { host } })).status, host).toBe(status)
    }
    // The public origin may change state (its Origin is allowed, not just its Host).
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/setup',
      headers: { host: 'plans.example.com', origin: 'https://plans.example.com', 'content-type': 'application/json' },
      body: setupBody,
    })
    expect(res.status).toBe(201)
  })

  it('with HOST=0.0.0.0 the machine’s own interface addresses are served (a room full of laptops)', async () => {
    const server = await freshServer({ host: '0.0.0.0' })
    const addresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4')
      .map((i) => i!.address)
    expect(addresses.length).toBeGreaterThan(0)
    for (const address of addresses) {
      const res = await rawRequest(server.port, { path: '/healthz', headers: { host: `${address}:${server.port}` } })
      expect(res.status, address).toBe(200)
    }
    expect((await rawRequest(server.port, { path: '/healthz', headers: { host: 'attacker.example' } })).status).toBe(
      403,
    )
  })
})

describe('security headers', () => {
  let server: TestServer
  let cookie: string
  beforeAll(async () => {
    server = await freshServer()
    cookie = await setupAdmin(server)
    await createAccount(server, cookie, { id: 'acme' })
  })

  it('every response forbids framing and sniffing: JSON, errors, the page', async () => {
    for (const [path, opts] of [
      ['/api/me', { cookie }],
      ['/api/me', {}],
      ['/api/nope', {}],
      ['/healthz', {}],
      ['/', {}],
    ] as const) {
      const res = await api(server, 'GET', path, opts)
      await res.body?.cancel()
      expect(res.headers.get('x-frame-options'), path).toBe('DENY')
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/)
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin')
    }
  })

  it('an uploaded SVG is served as an attachment, sandboxed; a PNG inline', async () => {
    const upload = async (bytes: Buffer, type: string, name: string) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name)
      return fetch(`${server.url}/api/accounts/acme/assets`, { method: 'POST', body: form, headers: { cookie } })
    }
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>')
    const created = await upload(svg, 'image/svg+xml', 'x.svg')
    expect(created.status).toBe(201)
    const { url } = (await created.json()) as { url: string }
    const res = await api(server, 'GET', url, { cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/)
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(svg)

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    )
    const pngUrl = ((await (await upload(png, 'image/png', 'dot.png')).json()) as { url: string }).url
    const pngRes = await api(server, 'GET', pngUrl, { cookie })
    await pngRes.body?.cancel()
    expect(pngRes.headers.get('content-disposition')).toBeNull()
  })

  it('a 1-byte video/webm (and an empty file of every type) answers 415, not 500', async () => {
    for (const type of [
      'video/webm',
      'video/mp4',
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'image/svg+xml',
    ]) {
      for (const bytes of [Buffer.from([0x1a]), Buffer.alloc(0)]) {
        const form = new FormData()
        form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'f')
        const res = await fetch(`${server.url}/api/accounts/acme/assets`, {
          method: 'POST',
          body: form,
          headers: { cookie },
        })
        const body = (await res.json()) as { error: string }
        expect([res.status, type, bytes.length]).toEqual([415, type, bytes.length])
        expect(body.error).toMatch(/not /)
      }
    }
    expect(server.logs.join('\n')).not.toMatch(/ERR_BUFFER_OUT_OF_BOUNDS|request failed/)
  })
})

describe('body size limits', () => {
  /**
   * Declares a 50 MB body, sends its first 256 KiB and waits: a server that refuses before it
   * reads answers while the client is still sending; one that reads first never answers.
   */
  function declaredHugeBody(
    port: number,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; sentBytes: number }> {
    return new Promise((resolve, reject) => {
      const total = 50 * 1024 * 1024
      let sent = 0
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', 'content-length': String(total), ...headers },
        },
        (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d) => (body += d))
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, sentBytes: sent })
            req.destroy()
          })
        },
      )
      req.on('error', (e) => (sent < total ? undefined : reject(e)))
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      for (let i = 0; i < 4; i++) {
        req.write(chunk)
        sent += chunk.length
      }
      setTimeout(() => reject(new Error('no answer while the body was still being sent')), 5000).unref()
    })
  }

  it('a 50 MB anonymous body to /api/login is refused with 413 before it is read', async () => {
    const server = await freshServer()
    const res = await declaredHugeBody(server.port, '/api/login')
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).error).toMatch(/too large/)
    expect(res.sentBytes).toBeLessThan(1024 * 1024)
    // The server is fine afterwards.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('every JSON route refuses an oversized body, declared or chunked, before authorisation', async () => {
    const server = await freshServer()
    const cookie = await setupAdmin(server)
    await createAccount(server, cookie, { id: 'acme' })
    for (const [method, path] of [
      ['POST', '/api/setup'],
      ['POST', '/api/users'],
      ['PATCH', '/api/users/x'],
      ['POST', '/api/accounts'],
      ['PATCH', '/api/accounts/acme'],
      ['PUT', '/api/accounts/acme/members'],
    ]) {
      // Streamed without Content-Length: refused once 1 MiB has arrived.
      const huge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(huge))
            controller.close()
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect([method, path, res.status]).toEqual([method, path, 413])
      await res.body?.cancel()
    }
    // A body under the limit still reaches the route (and its own checks).
    const ok = await api(server, 'POST', '/api/login', {
      body: { email: 'admin@example.com', password: TEST_PASSWORD },
    })
    expect(ok.status).toBe(200)
  })
})
