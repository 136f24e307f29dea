/**
 * The authorisation matrix: every route (and the sync upgrade) × anonymous / viewer / editor /
 * owner / admin / disabled user / signed-in non-member, asserting the exact status, against a
 * real server.
 */

import WebSocket from 'ws'
import { createApp } from '../../server/app.ts'
import { resolveConfig } from '../../server/config.ts'
import { Database } from '../../server/db/Database.ts'
import { PlanService } from '../../server/plan/PlanService.ts'
import { FileDocStore } from '../../server/storage/FileDocStore.ts'
import { RoomManager } from '../../server/sync/RoomManager.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { addMember, api, createAccount, createUser, login, setupAdmin, TEST_PASSWORD } from '../helpers/auth.ts'
import { test as base, describe, expect } from '../helpers/fixtures.ts'
import { type TestServer, tempDataDir } from '../helpers/server.ts'

const ACTORS = ['anonymous', 'viewer', 'editor', 'owner', 'admin', 'disabled', 'stranger'] as const
type Actor = (typeof ACTORS)[number]
type Expect = Record<Actor, number>

/** Expected statuses in ACTORS order. */
const row = (...statuses: number[]): Expect => Object.fromEntries(ACTORS.map((a, i) => [a, statuses[i]])) as Expect

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** The file's server and the people of the matrix, set up once for the file. */
interface World {
  server: TestServer
  cookies: Record<Actor, string>
  assetUrl: string
  /** A review of acme taken at set-up, and one more for each delete. */
  reviewId: string
  doomedReviewId: string
  dummyUserId: string
  /** The vote the vote rows act on (see openVote). */
  currentVoteId: string
}

/** One server for the file, without an administrator yet: the matrix sets up its own people. */
const test = base
  .extend('serverOptions', { scope: 'file' }, {})
  .extend('world', { scope: 'file' }, async ({ server }): Promise<World> => {
    const cookies = { anonymous: '' } as Record<Actor, string>
    const w: World = {
      server,
      cookies,
      assetUrl: '',
      reviewId: '',
      doomedReviewId: '',
      dummyUserId: '',
      currentVoteId: '',
    }
    cookies.admin = await setupAdmin(server)
    for (const actor of ['viewer', 'editor', 'owner', 'disabled', 'stranger'] as const) {
      await createUser(server, cookies.admin, { email: `${actor}@example.com` })
      cookies[actor] = await login(server, `${actor}@example.com`)
    }
    w.dummyUserId = await createUser(server, cookies.admin, { email: 'dummy@example.com' })
    await createUser(server, cookies.admin, { email: 'extra@example.com' })
    await createAccount(server, cookies.owner, { id: 'acme', name: '华东电网' })
    await addMember(server, cookies.owner, 'acme', 'viewer@example.com', 'viewer')
    await addMember(server, cookies.owner, 'acme', 'editor@example.com', 'editor')
    await addMember(server, cookies.owner, 'acme', 'disabled@example.com', 'editor')
    const disabledId = (
      (await (await api(server, 'GET', '/api/users', { cookie: cookies.admin })).json()) as {
        users: { id: string; email: string }[]
      }
    ).users.find((u) => u.email === 'disabled@example.com')!.id
    const res = await api(server, 'PATCH', `/api/users/${disabledId}`, {
      cookie: cookies.admin,
      body: { disabled: true },
    })
    expect(res.status).toBe(200)
    w.assetUrl = ((await (await upload(w, cookies.owner)).json()) as { url: string }).url
    w.reviewId = await takeReview(w)
    return w
  })

async function takeReview(w: World): Promise<string> {
  const res = await api(w.server, 'POST', '/api/accounts/acme/reviews', { cookie: w.cookies.admin, body: {} })
  expect(res.status).toBe(201)
  return ((await res.json()) as { review: { id: string } }).review.id
}

function upload(w: World, cookie: string): Promise<Response> {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'dot.png')
  return fetch(`${w.server.url}/api/accounts/acme/assets`, {
    method: 'POST',
    body: form,
    headers: cookie ? { cookie } : {},
  })
}

/** The admin closes whatever vote is open on acme. */
async function closeOpenVotes(w: World) {
  const res = await api(w.server, 'GET', '/api/accounts/acme/votes', { cookie: w.cookies.admin })
  const { votes } = (await res.json()) as { votes: { id: string; status: string }[] }
  for (const v of votes.filter((v) => v.status === 'open')) {
    const closed = await api(w.server, 'POST', `/api/accounts/acme/votes/${v.id}/close`, { cookie: w.cookies.admin })
    await closed.body?.cancel()
  }
}

/** Makes sure a vote is open on acme (the admin opens one if needed) and remembers its id. */
async function openVote(w: World) {
  const res = await api(w.server, 'GET', '/api/accounts/acme/votes', { cookie: w.cookies.admin })
  const open = ((await res.json()) as { votes: { id: string; status: string }[] }).votes.find(
    (v) => v.status === 'open',
  )
  if (open) {
    w.currentVoteId = open.id
    return
  }
  const made = await api(w.server, 'POST', '/api/accounts/acme/votes', {
    cookie: w.cookies.admin,
    body: { question: 'q', shapeTypes: ['blocker', 'action'], votesPerPerson: 2 },
  })
  w.currentVoteId = ((await made.json()) as { vote: { id: string } }).vote.id
}

interface Case {
  name: string
  expect: Expect
  /** Runs before each actor's request (to recreate what the previous actor deleted). */
  prepare?: (w: World) => Promise<void>
  request: (actor: Actor, w: World) => Promise<Response>
}

const call =
  (method: string, path: string, body?: (actor: Actor) => unknown): Case['request'] =>
  (actor, w) =>
    api(w.server, method, path, { cookie: w.cookies[actor], body: body?.(actor) })

const CASES: Case[] = [
  { name: 'GET /api/setup', expect: row(200, 200, 200, 200, 200, 200, 200), request: call('GET', '/api/setup') },
  {
    name: 'POST /api/setup',
    expect: row(409, 409, 409, 409, 409, 409, 409),
    request: call('POST', '/api/setup', () => ({ email: 'x@example.com', name: 'x', password: TEST_PASSWORD })),
  },
  {
    name: 'POST /api/login',
    expect: row(401, 401, 401, 401, 401, 401, 401),
    // A wrong password, on an email of its own per actor (sign-in is throttled per email).
    request: call('POST', '/api/login', (a) => ({ email: `${a}@example.com`, password: 'not-the-password' })),
  },
  {
    name: 'POST /api/logout',
    expect: row(204, 204, 204, 204, 204, 204, 204),
    // A second session per actor, so that the other rows keep theirs.
    request: async (a, w) => {
      const cookie = a === 'anonymous' || a === 'disabled' ? w.cookies[a] : await login(w.server, `${a}@example.com`)
      return api(w.server, 'POST', '/api/logout', { cookie })
    },
  },
  { name: 'GET /api/me', expect: row(401, 200, 200, 200, 200, 401, 200), request: call('GET', '/api/me') },
  {
    name: 'PATCH /api/me',
    expect: row(401, 200, 200, 200, 200, 401, 200),
    request: call('PATCH', '/api/me', () => ({ department: 'sales' })),
  },
  { name: 'GET /api/users', expect: row(401, 403, 403, 403, 200, 401, 403), request: call('GET', '/api/users') },
  {
    name: 'POST /api/users',
    expect: row(401, 403, 403, 403, 201, 401, 403),
    request: call('POST', '/api/users', (a) => ({
      email: `new-by-${a}@example.com`,
      name: 'n',
      password: TEST_PASSWORD,
      role: 'member',
    })),
  },
  {
    name: 'PATCH /api/users/:id',
    expect: row(401, 403, 403, 403, 200, 401, 403),
    request: (a, w) =>
      api(w.server, 'PATCH', `/api/users/${w.dummyUserId}`, {
        cookie: w.cookies[a],
        body: { name: `renamed by ${a}` },
      }),
  },
  { name: 'GET /api/audit', expect: row(401, 403, 403, 403, 200, 401, 403), request: call('GET', '/api/audit') },
  { name: 'GET /api/accounts', expect: row(401, 200, 200, 200, 200, 401, 200), request: call('GET', '/api/accounts') },
  {
    name: 'POST /api/accounts',
    expect: row(401, 201, 201, 201, 201, 401, 201),
    request: call('POST', '/api/accounts', (a) => ({
      id: `made-by-${a}`,
      name: `${a} 的客户`,
      tier: 'opportunity',
      owner: a,
    })),
  },
  {
    name: 'GET /api/accounts/:id',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme'),
  },
  {
    name: 'GET /api/accounts/:unknown',
    expect: row(401, 404, 404, 404, 404, 401, 404),
    request: call('GET', '/api/accounts/nope'),
  },
  {
    name: 'GET /api/accounts/:bad-id',
    expect: row(400, 400, 400, 400, 400, 400, 400),
    request: call('GET', '/api/accounts/Bad_Id'),
  },
  {
    name: 'PATCH /api/accounts/:id',
    expect: row(401, 403, 403, 200, 200, 401, 403),
    request: call('PATCH', '/api/accounts/acme', () => ({ archived: false })),
  },
  {
    name: 'GET /api/accounts/:id/members',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/members'),
  },
  {
    name: 'PUT /api/accounts/:id/members',
    expect: row(401, 403, 403, 200, 200, 401, 403),
    request: call('PUT', '/api/accounts/acme/members', () => ({ email: 'extra@example.com', role: 'viewer' })),
  },
  {
    name: 'DELETE /api/accounts/:id/members',
    expect: row(401, 403, 403, 200, 200, 401, 403),
    prepare: (w) => addMember(w.server, w.cookies.admin, 'acme', 'extra@example.com', 'viewer'),
    request: call('DELETE', '/api/accounts/acme/members?email=extra@example.com'),
  },
  {
    name: 'DELETE /api/accounts/:id',
    expect: row(401, 403, 403, 204, 204, 401, 403),
    prepare: async (w) => {
      if ((await api(w.server, 'GET', '/api/accounts/doomed', { cookie: w.cookies.admin })).status === 200) return
      await createAccount(w.server, w.cookies.owner, { id: 'doomed' })
      await addMember(w.server, w.cookies.owner, 'doomed', 'viewer@example.com', 'viewer')
      await addMember(w.server, w.cookies.owner, 'doomed', 'editor@example.com', 'editor')
      await addMember(w.server, w.cookies.owner, 'doomed', 'disabled@example.com', 'owner')
    },
    request: call('DELETE', '/api/accounts/doomed'),
  },
  {
    name: 'POST /api/accounts/:id/assets',
    expect: row(401, 403, 201, 201, 201, 401, 403),
    request: (a, w) => upload(w, w.cookies[a]),
  },
  {
    name: 'GET /api/accounts/:id/assets/:name',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: (a, w) => api(w.server, 'GET', w.assetUrl, { cookie: w.cookies[a] }),
  },
  {
    name: 'GET /api/accounts/:id/plan',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/plan'),
  },
  {
    name: 'GET /api/accounts/:id/plan.md',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/plan.md?lang=en'),
  },
  {
    name: 'GET /api/accounts/:id/actions.csv',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/actions.csv'),
  },
  {
    name: 'GET /api/accounts/:id/stakeholders.csv',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/stakeholders.csv'),
  },
  {
    name: 'GET /api/accounts/:id/votes',
    expect: row(401, 403, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/votes'),
  },
  {
    name: 'POST /api/accounts/:id/votes',
    expect: row(401, 403, 201, 201, 201, 401, 403),
    // One vote is open at a time: close the previous actor's first.
    prepare: closeOpenVotes,
    request: call('POST', '/api/accounts/acme/votes', () => ({
      question: '先打哪个卡点?',
      shapeTypes: ['blocker'],
      votesPerPerson: 3,
    })),
  },
  {
    name: 'GET /api/accounts/:id/votes/:voteId',
    expect: row(401, 403, 200, 200, 200, 401, 403),
    prepare: async (w) => void (await openVote(w)),
    request: (a, w) => api(w.server, 'GET', `/api/accounts/acme/votes/${w.currentVoteId}`, { cookie: w.cookies[a] }),
  },
  {
    name: 'PUT /api/accounts/:id/votes/:voteId/ballot',
    expect: row(401, 403, 200, 200, 200, 401, 403),
    prepare: async (w) => void (await openVote(w)),
    request: (a, w) =>
      api(w.server, 'PUT', `/api/accounts/acme/votes/${w.currentVoteId}/ballot`, {
        cookie: w.cookies[a],
        body: { shapeIds: [] },
      }),
  },
  {
    name: 'POST /api/accounts/:id/votes/:voteId/close',
    expect: row(401, 403, 200, 200, 200, 401, 403),
    prepare: async (w) => {
      await closeOpenVotes(w)
      await openVote(w)
    },
    request: (a, w) =>
      api(w.server, 'POST', `/api/accounts/acme/votes/${w.currentVoteId}/close`, { cookie: w.cookies[a] }),
  },
  {
    name: 'POST /api/accounts/:id/reviews',
    expect: row(401, 403, 201, 201, 201, 401, 403),
    request: call('POST', '/api/accounts/acme/reviews', (a) => ({ title: `${a} 的复盘` })),
  },
  {
    name: 'GET /api/accounts/:id/reviews',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/reviews'),
  },
  {
    name: 'GET /api/accounts/:id/reviews/:reviewId',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: (a, w) => api(w.server, 'GET', `/api/accounts/acme/reviews/${w.reviewId}`, { cookie: w.cookies[a] }),
  },
  {
    name: 'DELETE /api/accounts/:id/reviews/:reviewId',
    expect: row(401, 403, 403, 204, 204, 401, 403),
    prepare: async (w) => {
      w.doomedReviewId ||= await takeReview(w)
    },
    request: async (a, w) => {
      const res = await api(w.server, 'DELETE', `/api/accounts/acme/reviews/${w.doomedReviewId}`, {
        cookie: w.cookies[a],
      })
      if (res.status === 204) w.doomedReviewId = ''
      return res
    },
  },
  {
    name: 'GET /api/accounts/:id/reviews/:reviewId/document',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: (a, w) =>
      api(w.server, 'GET', `/api/accounts/acme/reviews/${w.reviewId}/document`, { cookie: w.cookies[a] }),
  },
  {
    name: 'GET /api/accounts/:id/reviews/:reviewId/report.md',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: (a, w) =>
      api(w.server, 'GET', `/api/accounts/acme/reviews/${w.reviewId}/report.md`, { cookie: w.cookies[a] }),
  },
  {
    name: 'GET /api/accounts/:id/changes',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: (a, w) => api(w.server, 'GET', `/api/accounts/acme/changes?since=${w.reviewId}`, { cookie: w.cookies[a] }),
  },
  {
    name: 'POST /api/accounts/:id/import/stakeholders',
    expect: row(401, 403, 200, 200, 200, 401, 403),
    request: (a, w) =>
      fetch(`${w.server.url}/api/accounts/acme/import/stakeholders?dryRun=1`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', ...(w.cookies[a] ? { cookie: w.cookies[a] } : {}) },
        body: '姓名,职务\n王强,CIO\n',
      }),
  },
  {
    name: 'GET /api/accounts/:id/stakeholders.xlsx',
    expect: row(401, 200, 200, 200, 200, 401, 403),
    request: call('GET', '/api/accounts/acme/stakeholders.xlsx'),
  },
  {
    name: 'GET /api/unknown-route',
    expect: row(404, 404, 404, 404, 404, 404, 404),
    request: call('GET', '/api/unknown-route'),
  },
]

describe('authorisation matrix (HTTP)', () => {
  test('covers every API route the app mounts', async () => {
    // The app's own route table, so that a route added later without a row here fails this test.
    const routes = tempDataDir()
    const config = resolveConfig({ dataDir: routes.dir, log: () => {} })
    const db = await Database.open(routes.dir)
    const rooms = new RoomManager(new FileDocStore(routes.dir), {
      unloadGraceMs: 10,
      compactLogBytes: 1 << 20,
      log: () => {},
    })
    const plans = new PlanService(db, { deriveDelayMs: 10, timeZone: 'Asia/Shanghai', log: () => {} })
    const { app } = createApp({ config, rooms, db, plans })
    const mounted = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path.startsWith('/sync/')))
        .map((r) => `${r.method} ${r.path}`),
    )
    routes.remove()
    const covered = new Set([...CASES.map((c) => c.name), 'GET /sync/:accountId'])
    expect([...mounted].filter((route) => !covered.has(route))).toEqual([])
  })

  for (const c of CASES) {
    test(c.name, async ({ world: w }) => {
      const got = {} as Expect
      for (const actor of ACTORS) {
        await c.prepare?.(w)
        const res = await c.request(actor, w)
        got[actor] = res.status
        await res.body?.cancel()
      }
      expect(got).toEqual(c.expect)
    })
  }

  test('POST /api/logout ends the session for everyone who has one, and answers 204 to all', async ({ world: w }) => {
    const victim = await login(w.server, 'editor@example.com')
    for (const cookie of ['', victim]) {
      const res = await api(w.server, 'POST', '/api/logout', { cookie })
      expect(res.status).toBe(204)
    }
    expect((await api(w.server, 'GET', '/api/me', { cookie: victim })).status).toBe(401)
    expect((await api(w.server, 'GET', '/api/me', { cookie: w.cookies.editor })).status).toBe(200)
  })
})

/** Opens a raw sync socket; resolves with the close code, or 'open' once the w.server speaks sync. */
function syncAttempt(
  w: World,
  path: string,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<number | 'open' | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${w.server.port}/sync/${path}`, {
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    })
    ws.on('message', () => {
      ws.close()
      resolve('open')
    })
    ws.on('close', (code) => resolve(code))
    ws.on('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`))
    ws.on('error', () => {})
  })
}

describe('authorisation matrix (sync upgrade)', () => {
  const { Unauthorized: U, NotFound: N } = CloseCode
  const cases: [string, string, Record<Actor, number | 'open' | string>][] = [
    [
      'member account',
      'acme',
      {
        anonymous: U,
        viewer: 'open',
        editor: 'open',
        owner: 'open',
        admin: 'open',
        disabled: U,
        stranger: CloseCode.Forbidden,
      },
    ],
    ['unknown account', 'nope', { anonymous: U, viewer: N, editor: N, owner: N, admin: N, disabled: U, stranger: N }],
    [
      'invalid account id',
      'Bad_Id',
      {
        anonymous: 'HTTP 400',
        viewer: 'HTTP 400',
        editor: 'HTTP 400',
        owner: 'HTTP 400',
        admin: 'HTTP 400',
        disabled: 'HTTP 400',
        stranger: 'HTTP 400',
      },
    ],
  ]
  for (const [name, path, expected] of cases) {
    test(name, async ({ world: w }) => {
      const got = {} as Record<Actor, number | 'open' | string>
      for (const actor of ACTORS) got[actor] = await syncAttempt(w, path, w.cookies[actor])
      expect(got).toEqual(expected)
    })
  }
})

describe('cross-site protection', () => {
  const body = { name: 'csrf 测试', tier: 'opportunity', owner: 'x' }

  test('refuses state changes whose Origin is another site, and accepts its own origin', async ({ world: w }) => {
    const evil = await api(w.server, 'POST', '/api/accounts', {
      cookie: w.cookies.owner,
      body,
      headers: { origin: 'http://evil.example' },
    })
    expect(evil.status).toBe(403)
    const nullOrigin = await api(w.server, 'POST', '/api/accounts', {
      cookie: w.cookies.owner,
      body,
      headers: { origin: 'null' },
    })
    expect(nullOrigin.status).toBe(403)
    const own = await api(w.server, 'POST', '/api/accounts', {
      cookie: w.cookies.owner,
      body,
      headers: { origin: w.server.url },
    })
    expect(own.status).toBe(201)
  })

  test('refuses cross-site Sec-Fetch-Site without Origin, and form-encoded bodies', async ({ world: w }) => {
    const crossSite = await api(w.server, 'POST', '/api/accounts', {
      cookie: w.cookies.owner,
      body,
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(crossSite.status).toBe(403)
    const form = await fetch(`${w.server.url}/api/accounts`, {
      method: 'POST',
      headers: { cookie: w.cookies.owner, 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    })
    expect(form.status).toBe(415)
  })

  test('refuses a WebSocket from another origin before the upgrade, and accepts its own', async ({ world: w }) => {
    expect(await syncAttempt(w, 'acme', w.cookies.owner, { origin: 'http://evil.example' })).toBe('HTTP 403')
    expect(await syncAttempt(w, 'acme', w.cookies.owner, { origin: w.server.url })).toBe('open')
  })
})
