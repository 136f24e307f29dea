/**
 * Two War Room servers sharing their records through one PostgreSQL database (server/pg/PgRecords.ts)
 * and their sign-in throttle through one Redis (server/auth/redisRateLimit.ts), over real HTTP
 * and WebSockets: a session or user made on one node works on the other at once, the invariants
 * hold across nodes (409), and access ended on one node closes the sockets open on the other with
 * the codes the first node uses.
 */

import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { runAdminCommand } from '../../server/admin.ts'
import { tokenKey } from '../../server/auth/Auth.ts'
import { PgRecords } from '../../server/pg/PgRecords.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { addMember, api, createAccount, login, setupAdmin, TEST_PASSWORD, userWithSession } from '../helpers/auth.ts'
import { startNodes } from '../helpers/cluster.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { closed, eventually, type TestServer, wsUrl } from '../helpers/server.ts'

const engines = fileEngines({ redis: true })

/**
 * Two nodes on one database and one Redis, wired as production wires them (DATABASE_URL and
 * REDIS_URL: server/backend.ts opens the PostgreSQL records, server/server.ts the shared throttle).
 */
async function twoNodes(): Promise<[TestServer, TestServer]> {
  const { nodes } = await startNodes({
    databaseUrl: await engines.database('nodes'),
    redisUrl: engines.redis.url,
    cleanup: engines.cleanup,
    server: { loginMaxFailures: 5 },
  })
  for (const server of nodes) expect(server.db).toBeInstanceOf(PgRecords)
  return nodes as [TestServer, TestServer]
}

/** A sync socket on `server`'s room `account`, open (first message received); `closed` resolves with its close. */
async function socketOn(server: TestServer, account: string, cookie: string) {
  const ws = new WebSocket(`${wsUrl(server)}/${account}`, { headers: { cookie } })
  engines.cleanup(() => ws.terminate())
  const result = closed(ws)
  await new Promise((resolve, reject) => {
    ws.once('message', resolve)
    ws.once('close', (code) => reject(new Error(`closed ${code}`)))
  })
  // Wrapped: an async function returning the promise itself would wait for the close.
  return { closed: result }
}

describe('records shared by two nodes', () => {
  it('a session made on node A signs in on node B at once; a user made on A logs in on B', async () => {
    const [a, b] = await twoNodes()
    const admin = await setupAdmin(a)
    expect((await api(b, 'GET', '/api/me', { cookie: admin })).status).toBe(200)
    expect(((await (await api(b, 'GET', '/api/setup')).json()) as { required: boolean }).required).toBe(false)
    for (let i = 0; i < 5; i++) {
      const { cookie } = await userWithSession(a, admin, `u${i}@example.com`)
      // Straight to the other node, no waiting.
      expect((await api(b, 'GET', '/api/me', { cookie })).status).toBe(200)
      await login(b, `u${i}@example.com`)
    }
    // Signed out on B: refused on A at once.
    const cookie = await login(b, 'u0@example.com')
    expect((await api(b, 'POST', '/api/logout', { cookie })).status).toBe(204)
    expect((await api(a, 'GET', '/api/me', { cookie })).status).toBe(401)
  })

  it('two nodes set up at once: one first administrator, the other 409', async () => {
    const [a, b] = await twoNodes()
    const [ra, rb] = await Promise.all([
      api(a, 'POST', '/api/setup', { body: { email: 'a@example.com', name: 'A', password: TEST_PASSWORD } }),
      api(b, 'POST', '/api/setup', { body: { email: 'b@example.com', name: 'B', password: TEST_PASSWORD } }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([201, 409])
    await a.db.catchUp()
    expect(Object.values(a.db.data.users)).toHaveLength(1)
  })

  it('two nodes creating the same account id at once: one is created, the other 409, the owner stays', async () => {
    const [a, b] = await twoNodes()
    const admin = await setupAdmin(a)
    const ann = await userWithSession(a, admin, 'ann@example.com')
    const bob = await userWithSession(a, admin, 'bob@example.com')
    const body = { id: 'acme', name: 'Acme', tier: 'strategic', owner: '张三' }
    const [ra, rb] = await Promise.all([
      api(a, 'POST', '/api/accounts', { cookie: ann.cookie, body }),
      api(b, 'POST', '/api/accounts', { cookie: bob.cookie, body }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([201, 409])
    const winner = ra.status === 201 ? ann : bob
    await b.db.catchUp()
    expect(b.db.data.memberships.acme).toEqual({ [winner.id]: 'owner' })
  })

  it('the database holds the session token’s sha256 only, never the token', async () => {
    const [a] = await twoNodes()
    const cookie = await setupAdmin(a)
    const token = cookie.split('=')[1]
    const key = tokenKey(token)
    const { rows } = await (a.backend.pool as NonNullable<typeof a.backend.pool>).query(
      "SELECT key, (SELECT string_agg(t::text, ' ') FROM sessions t) AS everything FROM sessions",
    )
    expect(rows.map((r) => r.key)).toEqual([key])
    expect(rows[0].everything).not.toContain(token)
  })

  it('two nodes demoting the last two administrators at once: exactly one 409', async () => {
    const [a, b] = await twoNodes()
    const first = await setupAdmin(a)
    const second = await userWithSession(a, first, 'second@example.com', 'admin')
    const firstId = ((await (await api(a, 'GET', '/api/me', { cookie: first })).json()) as { user: { id: string } })
      .user.id
    // A new password in the same request makes each node hash (await) between its admin check and
    // the change, so both requests pass the check before either change lands.
    const body = { role: 'member', password: 'a-new-password-1' }
    const [ab, ba] = await Promise.all([
      api(a, 'PATCH', `/api/users/${second.id}`, { cookie: first, body }),
      api(b, 'PATCH', `/api/users/${firstId}`, { cookie: second.cookie, body }),
    ])
    const bodies = `${await ab.clone().text()} / ${await ba.clone().text()}`
    expect([ab.status, ba.status].sort(), bodies).toEqual([200, 409])
    const refusal = (await (ab.status === 409 ? ab : ba).json()) as { error: string }
    expect(refusal.error).toMatch(/last active administrator/)
    for (const node of [a, b]) {
      await node.db.catchUp()
      expect(Object.values(node.db.data.users).filter((u) => u.role === 'admin' && !u.disabled)).toHaveLength(1)
    }
  })
})

describe('access ended on one node closes sockets on the other', () => {
  it('removed member 4403, changed role 1012, signed out 4401, disabled 4401, deleted account 4404 and its room dropped', async () => {
    const [a, b] = await twoNodes()
    const admin = await setupAdmin(a)
    const ann = await userWithSession(a, admin, 'ann@example.com')
    const bob = await userWithSession(a, admin, 'bob@example.com')
    await createAccount(a, admin, { id: 'acme' })
    await createAccount(a, admin, { id: 'globex' })
    for (const id of ['acme', 'globex']) {
      await addMember(a, admin, id, 'ann@example.com', 'editor')
      await addMember(a, admin, id, 'bob@example.com', 'editor')
    }

    // Sockets on node B; every change made on node A.
    const removed = await socketOn(b, 'acme', ann.cookie)
    const stays = await socketOn(b, 'globex', ann.cookie)
    expect((await api(a, 'DELETE', '/api/accounts/acme/members?email=ann@example.com', { cookie: admin })).status).toBe(
      200,
    )
    expect(await removed.closed).toMatchObject({ code: CloseCode.Forbidden, reason: 'removed from the account' })

    const demoted = await socketOn(b, 'globex', bob.cookie)
    await addMember(a, admin, 'globex', 'bob@example.com', 'viewer')
    expect(await demoted.closed).toMatchObject({ code: CloseCode.ServiceRestart, reason: 'role changed' })

    expect((await api(a, 'POST', '/api/logout', { cookie: ann.cookie })).status).toBe(204)
    expect(await stays.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'signed out' })

    const bobOnAcme = await socketOn(b, 'acme', bob.cookie)
    expect((await api(a, 'PATCH', `/api/users/${bob.id}`, { cookie: admin, body: { disabled: true } })).status).toBe(
      200,
    )
    expect(await bobOnAcme.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'account disabled' })
    // And refused at once on B afterwards.
    expect((await api(b, 'GET', '/api/me', { cookie: bob.cookie })).status).toBe(401)

    const adminOnAcme = await socketOn(b, 'acme', admin)
    expect(b.rooms.loadedRooms.map((r) => r.name)).toContain('acme')
    expect((await api(a, 'DELETE', '/api/accounts/acme', { cookie: admin })).status).toBeLessThan(300)
    expect(await adminOnAcme.closed).toMatchObject({ code: CloseCode.NotFound, reason: 'account deleted' })
    await eventually(() => expect(b.rooms.loadedRooms.map((r) => r.name)).not.toContain('acme'))
    expect((await api(b, 'GET', '/api/accounts/acme', { cookie: admin })).status).toBe(404)
  })

  it('a password reset on node A closes the user’s sockets on node B (4401)', async () => {
    const [a, b] = await twoNodes()
    const admin = await setupAdmin(a)
    const ann = await userWithSession(a, admin, 'ann@example.com')
    await createAccount(a, admin, { id: 'acme' })
    await addMember(a, admin, 'acme', 'ann@example.com', 'editor')
    const socket = await socketOn(b, 'acme', ann.cookie)
    const res = await api(a, 'PATCH', `/api/users/${ann.id}`, {
      cookie: admin,
      body: { password: 'a-brand-new-password' },
    })
    expect(res.status).toBe(200)
    expect(await socket.closed).toMatchObject({ code: CloseCode.Unauthorized, reason: 'password reset' })
    expect((await api(b, 'GET', '/api/me', { cookie: ann.cookie })).status).toBe(401)
  })
})

describe('npm run admin -- reset on DATABASE_URL', () => {
  it('runs while the nodes run: the new password works on both at once, the old sessions end and their sockets close', async () => {
    const [a, b] = await twoNodes()
    const admin = await setupAdmin(a)
    await createAccount(a, admin, { id: 'acme' })
    const socket = await socketOn(b, 'acme', admin)
    const out: string[] = []
    await runAdminCommand(
      ['reset', 'admin@example.com', '--password', 'back-in-again-1'],
      { DATABASE_URL: a.config.databaseUrl, PASSWORD_SCRYPT_LOG_N: '14' },
      (line) => out.push(line),
    )
    expect(out.join('\n')).toMatch(/active administrator again/)
    expect(await socket.closed).toMatchObject({ code: CloseCode.Unauthorized })
    expect((await api(a, 'GET', '/api/me', { cookie: admin })).status).toBe(401)
    await login(b, 'admin@example.com', 'back-in-again-1')
    const cookie = await login(a, 'admin@example.com', 'back-in-again-1')
    const audit = (await (await api(a, 'GET', '/api/audit', { cookie })).json()) as { entries: { action: string }[] }
    expect(audit.entries.map((e) => e.action)).toContain('admin.reset')
  })
})

describe('sign-in throttling shared through Redis', () => {
  it('failures on node A throttle the same email and address on node B', async () => {
    const [a, b] = await twoNodes()
    await setupAdmin(a)
    const wrong = { email: 'admin@example.com', password: 'not-the-password' }
    for (let i = 0; i < 5; i++) {
      const res = await api(i % 2 ? b : a, 'POST', '/api/login', { body: wrong })
      expect(res.status, `attempt ${i + 1}`).toBe(401)
    }
    for (const node of [a, b]) {
      const res = await api(node, 'POST', '/api/login', {
        body: { email: 'admin@example.com', password: TEST_PASSWORD },
      })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })
})
