/**
 * Refusals a person may read come in both languages (`message: { zh, en }` from the catalogue,
 * `error` its English), and a request body is validated only after the caller's access is
 * checked, so someone without access learns nothing from the body's rules.
 */
import { api, createUser, login } from '../helpers/auth.ts'
import { expect, test } from '../helpers/fixtures.ts'

const CJK = /[\u4e00-\u9fff]/

async function refusal(res: Response) {
  const body = (await res.json()) as { error: string; message?: { zh: string; en: string } }
  return { status: res.status, ...body }
}

test('server refusals carry a Chinese and an English message', async ({ startServer }) => {
  const server = await startServer({ accounts: ['acme'] })
  const cookie = server.cookie
  const cases: [string, Promise<Response>, number][] = [
    ['taken account id', api(server, 'POST', '/api/accounts', { cookie, body: { id: 'acme', name: 'Acme' } }), 409],
    [
      'a body that is not JSON',
      api(server, 'POST', '/api/accounts', { cookie, body: { name: 'x' }, headers: { 'content-type': 'text/plain' } }),
      415,
    ],
    ['an unknown API path', api(server, 'GET', '/api/nothing-here', { cookie }), 404],
    ['no session', api(server, 'GET', '/api/accounts'), 401],
    ['no such account', api(server, 'GET', '/api/accounts/nobody', { cookie }), 404],
    ['a bad lang', api(server, 'GET', '/api/accounts/acme/plan.md?lang=fr', { cookie }), 400],
    ['a bad audience', api(server, 'GET', '/api/accounts/acme/plan.md?audience=press', { cookie }), 400],
    [
      'an import that is not a sheet',
      api(server, 'POST', '/api/accounts/acme/import/stakeholders', {
        cookie,
        body: { not: 'a sheet' },
      }),
      415,
    ],
  ]
  for (const [what, response, status] of cases) {
    const r = await refusal(await response)
    expect([what, r.status]).toEqual([what, status])
    expect(r.message, what).toBeDefined()
    expect(r.message!.en, what).toBe(r.error)
    expect(r.message!.zh, what).toMatch(CJK)
  }
  const taken = await refusal(await api(server, 'POST', '/api/accounts', { cookie, body: { id: 'acme', name: 'A' } }))
  // A body that does not parse: the catalogue's 400 (was the validator's English-only text, no message).
  const malformed = await refusal(
    await fetch(`${server.url}/api/accounts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"id": "acme2", "name": ',
    }),
  )
  expect(malformed).toEqual({
    status: 400,
    error: 'the request body is not valid JSON',
    message: { zh: '请求正文不是有效的 JSON', en: 'the request body is not valid JSON' },
  })
  // Dot votes' refusals (server/live/VoteService.ts), in both languages too.
  const votes = '/api/accounts/acme/votes'
  const open = { question: '先打哪个卡点?', shapeTypes: ['blocker'], votesPerPerson: 2 }
  expect((await api(server, 'POST', votes, { cookie, body: open })).status).toBe(201)
  const voteId = ((await (await api(server, 'GET', votes, { cookie })).json()) as { votes: { id: string }[] }).votes[0]
    .id
  const voteRefusals: [string, Response, number, { zh: string; en: string }][] = [
    [
      'no such vote',
      await api(server, 'POST', `${votes}/vote-nope/close`, { cookie }),
      404,
      { zh: '没有这次投票', en: 'no such vote' },
    ],
    [
      'a second open vote',
      await api(server, 'POST', votes, { cookie, body: open }),
      409,
      { zh: '这个客户已有一次进行中的投票：请先结束它', en: 'a vote is already open on this account: close it first' },
    ],
    [
      'a card that is not a blocker',
      await api(server, 'PUT', `${votes}/${voteId}/ballot`, { cookie, body: { shapeIds: ['shape:nothing'] } }),
      400,
      { zh: '不是这个客户的卡点卡片：shape:nothing', en: 'not a blocker card on this account: shape:nothing' },
    ],
    [
      'too many dots',
      await api(server, 'PUT', `${votes}/${voteId}/ballot`, {
        cookie,
        body: { shapeIds: ['shape:a', 'shape:b', 'shape:c'] },
      }),
      400,
      { zh: '本次投票每人最多 2 个点', en: 'at most 2 dots per person in this vote' },
    ],
  ]
  for (const [what, res, status, message] of voteRefusals)
    expect([what, await refusal(res)]).toEqual([what, { status, error: message.en, message }])
  expect((await api(server, 'POST', `${votes}/${voteId}/close`, { cookie })).status).toBe(200)
  const closed = await refusal(await api(server, 'POST', `${votes}/${voteId}/close`, { cookie }))
  expect(closed).toEqual({
    status: 409,
    error: 'the vote is already closed',
    message: { zh: '投票已经结束', en: 'the vote is already closed' },
  })
  expect(taken.message).toEqual({ zh: '已有 ID 为“acme”的客户', en: 'an account with id "acme" already exists' })
})

test('a bad body from someone without access is refused for the access, not for the body', async ({ startServer }) => {
  const server = await startServer({ accounts: ['acme'] })
  await createUser(server, server.cookie, { email: 'mei@example.com', name: '梅' })
  const mei = await login(server, 'mei@example.com')
  const bad = { email: 'not an email', role: 'emperor' }
  // Not signed in: 401; a member who is not an administrator: 403; only the admin hears about the body.
  expect((await api(server, 'POST', '/api/users', { body: bad })).status).toBe(401)
  expect((await api(server, 'POST', '/api/users', { cookie: mei, body: bad })).status).toBe(403)
  expect((await api(server, 'PUT', '/api/accounts/acme/members', { cookie: mei, body: bad })).status).toBe(403)
  const admin = await refusal(await api(server, 'POST', '/api/users', { cookie: server.cookie, body: bad }))
  expect(admin.status).toBe(400)
  expect(admin.message?.zh).toMatch(/^请求无效：邮箱：不是有效的邮箱地址；/)
  // Malformed JSON is a 400 too, before any handler runs.
  const broken = await fetch(`${server.url}/api/users`, {
    method: 'POST',
    headers: { cookie: server.cookie, 'content-type': 'application/json' },
    body: '{"email":',
  })
  expect(broken.status).toBe(400)
})
