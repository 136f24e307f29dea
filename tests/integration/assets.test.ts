import { describe, expect, it } from 'vitest'
import { afterTest } from '../helpers/fixtures.ts'
import { startTestServer, tempDataDir } from '../helpers/server.ts'

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** The administrator's session cookie of the current test's server (owner of acme and globex). */
let cookie = ''

async function setup(options: object = {}) {
  const data = tempDataDir()
  afterTest(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme', 'globex'], ...options })
  afterTest(() => server.close())
  cookie = server.cookie
  return server
}

function upload(url: string, bytes: Uint8Array<ArrayBuffer>, type: string, name = 'file') {
  const form = new FormData()
  form.set(name, new File([new Uint8Array(bytes)], 'pasted', { type }))
  return fetch(url, { method: 'POST', body: form, headers: { cookie } })
}

/** A signed-in request. */
const get = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } })

describe('asset uploads', () => {
  it('stores an image and serves it back by URL', async () => {
    const server = await setup()
    const res = await upload(`${server.url}/api/accounts/acme/assets`, PNG, 'image/png')
    expect(res.status).toBe(201)
    const { url } = await res.json()
    expect(url).toMatch(/^\/api\/accounts\/acme\/assets\/[0-9a-f]{64}\.png$/)
    const back = await get(`${server.url}${url}`)
    expect(back.status).toBe(200)
    expect(back.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true)
    // Assets belong to their account.
    expect((await get(`${server.url}${url.replace('/acme/', '/globex/')}`)).status).toBe(404)
  })

  it('refuses files over the size limit, of other types, or lying about their type', async () => {
    const server = await setup({ maxAssetBytes: 1024 })
    const base = `${server.url}/api/accounts/acme/assets`
    expect((await upload(base, Buffer.concat([PNG, Buffer.alloc(2048)]), 'image/png')).status).toBe(413)
    expect((await upload(base, Buffer.from('MZ\x90\x00'), 'application/x-msdownload')).status).toBe(415)
    expect((await upload(base, Buffer.from('not a png at all'), 'image/png')).status).toBe(415)
    expect((await upload(base, PNG, 'image/png', 'other')).status).toBe(400)
    expect((await get(base, { method: 'POST', body: 'x' })).status).toBe(400)
    expect((await upload(`${server.url}/api/accounts/Bad_Id/assets`, PNG, 'image/png')).status).toBe(400)
    const tooBig = await get(base, {
      method: 'POST',
      body: new Uint8Array(1024 * 1024),
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    })
    expect(tooBig.status).toBe(413)
  })

  it('serves an uploaded SVG so that it cannot run script in our origin', async () => {
    const server = await setup()
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    const { url } = await (await upload(`${server.url}/api/accounts/acme/assets`, svg, 'image/svg+xml')).json()
    const back = await get(`${server.url}${url}`)
    expect(back.headers.get('content-security-policy')).toContain('sandbox')
    expect(back.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
