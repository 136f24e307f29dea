/**
 * Connection caps at the sync upgrade, against a real server: one user (a viewer, say) cannot
 * hold hundreds of sockets, nor can one address across users; refused sockets close with 4429
 * (y-websocket does not reconnect on 44xx), and the people already in the room are unaffected.
 */
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/protocol.ts'
import { addMember, createAccount, setupAdmin, userWithSession } from '../helpers/auth.ts'
import { eventually, startTestServer, tempDataDir } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function fresh(options: { maxSocketsPerUser?: number; maxSocketsPerAddress?: number; trustProxy?: number }) {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, ...options })
  cleanups.push(() => server.close())
  const admin = await setupAdmin(server)
  await createAccount(server, admin, { id: 'acme' })
  const viewer = await userWithSession(server, admin, 'viewer@example.com')
  await addMember(server, admin, 'acme', 'viewer@example.com', 'viewer')
  const other = await userWithSession(server, admin, 'other@example.com')
  await addMember(server, admin, 'acme', 'other@example.com', 'editor')
  return { server, admin, viewer, other }
}

/** A raw socket that resolves 'open' once the server speaks sync, or its close code. */
function attempt(port: number, cookie: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/acme`, { headers: { cookie, ...headers } })
  cleanups.push(() => ws.terminate())
  const result = new Promise<'open' | number>((resolve) => {
    ws.once('message', () => resolve('open'))
    ws.once('close', (code) => resolve(code))
    ws.on('error', () => {})
  })
  return { ws, result }
}

describe('connections per user and per address', () => {
  it('100 parallel sockets of one viewer: 32 (MAX_SOCKETS_PER_USER) are served, the rest closed with 4429', async () => {
    const { server, viewer, other } = await fresh({})
    const attempts = Array.from({ length: 100 }, () => attempt(server.port, viewer.cookie))
    const results = await Promise.all(attempts.map((a) => a.result))
    expect(results.filter((r) => r === 'open')).toHaveLength(32)
    expect(results.filter((r) => r === CloseCode.TooManyConnections)).toHaveLength(68)
    // Those served stay open; the refused ones are gone from the server.
    await eventually(() => expect(server.rooms.peek('acme')).not.toBeNull())
    // Someone else still gets in and edits.
    const editor = connectClient(`ws://127.0.0.1:${server.port}/sync`, 'acme', undefined, { cookie: other.cookie })
    cleanups.push(() => editor.destroy())
    await whenSynced(editor.provider)
    // A closed socket frees its place.
    attempts.find((_, i) => results[i] === 'open')!.ws.close()
    await eventually(async () => expect(await attempt(server.port, viewer.cookie).result).toBe('open'), 5000, 100)
  })

  it('one address across users is capped by MAX_SOCKETS_PER_ADDRESS', async () => {
    const { server, viewer, other } = await fresh({ maxSocketsPerUser: 5, maxSocketsPerAddress: 7 })
    const v = await Promise.all(Array.from({ length: 6 }, () => attempt(server.port, viewer.cookie).result))
    expect(v.sort()).toEqual([4429, 'open', 'open', 'open', 'open', 'open'])
    const o = await Promise.all(Array.from({ length: 3 }, () => attempt(server.port, other.cookie).result))
    expect(o.sort()).toEqual([4429, 'open', 'open'])
  })

  it('behind a proxy (TRUST_PROXY=1) the forwarded address counts; without it a forged header does not help', async () => {
    const trusted = await fresh({ maxSocketsPerUser: 50, maxSocketsPerAddress: 2, trustProxy: 1 })
    const fromA = Array.from({ length: 2 }, () =>
      attempt(trusted.server.port, trusted.viewer.cookie, { 'x-forwarded-for': '10.0.0.1' }),
    )
    const fromB = Array.from({ length: 2 }, () =>
      attempt(trusted.server.port, trusted.viewer.cookie, { 'x-forwarded-for': '10.0.0.2' }),
    )
    expect(await Promise.all([...fromA, ...fromB].map((a) => a.result))).toEqual(['open', 'open', 'open', 'open'])
    expect(await attempt(trusted.server.port, trusted.viewer.cookie, { 'x-forwarded-for': '10.0.0.1' }).result).toBe(
      4429,
    )

    const direct = await fresh({ maxSocketsPerUser: 50, maxSocketsPerAddress: 2 })
    const forged = await Promise.all(
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map(
        (a) => attempt(direct.server.port, direct.viewer.cookie, { 'x-forwarded-for': a }).result,
      ),
    )
    expect(forged.sort()).toEqual([4429, 'open', 'open'])
  })
})
