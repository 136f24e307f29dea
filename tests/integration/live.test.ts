/**
 * Live sessions through real y-websocket providers: the server rewrites every awareness state's
 * identity from the connection's session (docs/document-format.md, "Awareness"), strips a viewer's
 * spotlight, stamps spotlight.since with server time, and a late joiner gets the current states.
 */
import { describe, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { DEPARTMENT_COLORS } from '../../shared/live/people.ts'
import { type LiveState, spotlightLeader } from '../../shared/live/spotlight.ts'
import { readTimer, SESSION_MAP, startTimer, TIMER_KEY } from '../../shared/live/timer.ts'
import { readDocRecords } from '../../shared/plan/readDoc.ts'
import { action, blocker, stakeholder } from '../../shared/plan/testing/builders.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { PowerCutFs } from '../faults/powerCutFs.ts'
import { addMember, api, createUser, login } from '../helpers/auth.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { onPostgres, storedVotesText } from '../helpers/suiteStores.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

interface People {
  server: TestServer
  wang: { id: string; cookie: string }
  li: { id: string; cookie: string }
  viewer: { id: string; cookie: string }
}

async function setup(): Promise<People> {
  const data = tempDataDir()
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
  afterTest(() => data.remove())
  afterTest(() => server.close())
  const person = async (email: string, name: string, role: 'editor' | 'viewer') => {
    const id = await createUser(server, server.cookie, { email, name })
    await addMember(server, server.cookie, 'acme', email, role)
    return { id, cookie: await login(server, email) }
  }
  return {
    server,
    wang: await person('wang@example.com', '王强', 'editor'),
    li: await person('li@example.com', '李娜', 'editor'),
    viewer: await person('zhao@example.com', '赵敏', 'viewer'),
  }
}

function join(server: TestServer, cookie: string) {
  const c = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie })
  afterTest(() => c.destroy())
  return c
}

// biome-ignore lint/suspicious/noExplicitAny: awareness states are free-form JSON read field by field
type State = Record<string, any>
const stateOf = (observer: ReturnType<typeof join>, of: ReturnType<typeof join>) =>
  observer.provider.awareness.getStates().get(of.doc.clientID) as State | undefined

const forgedPresence = (userId: string, userName: string) => ({
  typeName: 'instance_presence',
  id: 'instance_presence:x',
  userId,
  userName,
  color: '#ff00ff',
  cursor: { x: 10, y: 20, type: 'default', rotation: 0 },
})

describe('awareness identity', () => {
  it('a forged user and presence reach others under the sender’s own session', async () => {
    const { server, wang, li } = await setup()
    // Wang sets a department; his colour follows it.
    const patched = await api(server, 'PATCH', '/api/me', { cookie: wang.cookie, body: { department: 'presales' } })
    expect(patched.status).toBe(200)
    const mallory = join(server, wang.cookie)
    const observer = join(server, li.cookie)
    await whenSynced(mallory.provider)
    await whenSynced(observer.provider)
    mallory.provider.awareness.setLocalState({
      user: { id: li.id, name: '李娜', department: 'management', color: '#000000', role: 'owner' },
      presence: forgedPresence(`user:${li.id}`, '李娜'),
    })
    await eventually(() => expect(stateOf(observer, mallory)?.user?.id).toBe(wang.id))
    const seen = stateOf(observer, mallory)!
    expect(seen.user).toEqual({
      id: wang.id,
      name: '王强',
      department: 'presales',
      color: DEPARTMENT_COLORS.presales,
      role: 'editor',
    })
    expect(seen.presence).toMatchObject({
      userId: `user:${wang.id}`,
      userName: '王强',
      color: DEPARTMENT_COLORS.presales,
      cursor: { x: 10, y: 20 },
    })
  })

  it('strips a viewer’s spotlight but relays the rest of their state', async () => {
    const { server, viewer, li } = await setup()
    const v = join(server, viewer.cookie)
    const observer = join(server, li.cookie)
    await whenSynced(v.provider)
    v.provider.awareness.setLocalState({ spotlight: { since: Date.now() }, presence: forgedPresence('user:x', 'x') })
    await eventually(() => expect(stateOf(observer, v)?.user?.role).toBe('viewer'))
    expect(stateOf(observer, v)).not.toHaveProperty('spotlight')
    expect(stateOf(observer, v)?.presence?.userName).toBe('赵敏')
  })

  it('stamps spotlight.since with server time, keeps it while on, and a late joiner sees it', async () => {
    const { server, wang, li } = await setup()
    const leader = join(server, wang.cookie)
    await whenSynced(leader.provider)
    const before = Date.now()
    // A client clock far in the future cannot win the spotlight.
    leader.provider.awareness.setLocalState({ spotlight: { since: before + 3_600_000 } })
    const room = () => server.rooms.peek('acme')!
    await eventually(() => expect(room().awareness.getStates().get(leader.doc.clientID)?.spotlight).toBeTruthy())
    const since = (room().awareness.getStates().get(leader.doc.clientID) as State).spotlight.since as number
    expect(since).toBeGreaterThanOrEqual(before)
    expect(since).toBeLessThanOrEqual(Date.now())

    // A later update (a cursor move) keeps the stamp.
    await new Promise((r) => setTimeout(r, 20))
    leader.provider.awareness.setLocalState({ spotlight: { since: 1 }, presence: forgedPresence('user:y', 'y') })
    await eventually(() => expect(room().awareness.getStates().get(leader.doc.clientID)?.presence).toBeTruthy())

    const late = join(server, li.cookie)
    await whenSynced(late.provider)
    await eventually(() => expect(stateOf(late, leader)?.spotlight).toEqual({ since }))
    expect(stateOf(late, leader)?.user?.name).toBe('王强')
  })
})

describe('two spotlights at once', () => {
  /** What one client sees: its own local state (never relayed back to it) and everyone else's as received. */
  const view = (c: ReturnType<typeof join>) => {
    const states = new Map(c.provider.awareness.getStates() as Map<number, LiveState>)
    return spotlightLeader(states)?.clientId
  }

  it('exactly one leads, and the two leaders and an onlooker agree on whom', async () => {
    const { server, wang, li, viewer } = await setup()
    const a = join(server, wang.cookie)
    const b = join(server, li.cookie)
    const onlooker = join(server, viewer.cookie)
    await Promise.all([whenSynced(a.provider), whenSynced(b.provider), whenSynced(onlooker.provider)])
    // Both turn it on at once, each proposing a server time that has passed by its own clock
    // estimate; the one whose message reaches the server first proposes the later time.
    // (Each client's own state carries its user, as the room page sets it.)
    a.provider.awareness.setLocalStateField('user', { id: wang.id, name: '王强' })
    b.provider.awareness.setLocalStateField('user', { id: li.id, name: '李娜' })
    const now = Date.now()
    a.provider.awareness.setLocalStateField('spotlight', { since: now - 100 })
    b.provider.awareness.setLocalStateField('spotlight', { since: now - 700 })
    await eventually(() => {
      expect(stateOf(a, b)?.spotlight).toBeTruthy()
      expect(stateOf(b, a)?.spotlight).toBeTruthy()
      expect(stateOf(onlooker, a)?.spotlight).toBeTruthy()
      expect(stateOf(onlooker, b)?.spotlight).toBeTruthy()
    })
    const leaders = [view(a), view(b), view(onlooker)]
    expect(new Set(leaders).size).toBe(1)
    // Leading, as each leader sees it: only one of them.
    expect([view(a) === a.doc.clientID, view(b) === b.doc.clientID].filter(Boolean)).toHaveLength(1)
    // The later proposal leads.
    expect(leaders[0]).toBe(a.doc.clientID)
  })
})

describe('departments on users', () => {
  it('PATCH /api/me sets one’s own name and department; bad input changes nothing', async () => {
    const { server, wang } = await setup()
    const me = async () => ((await (await api(server, 'GET', '/api/me', { cookie: wang.cookie })).json()) as State).user
    expect((await me()).department).toBeNull()
    const ok = await api(server, 'PATCH', '/api/me', {
      cookie: wang.cookie,
      body: { name: '王强 (售前)', department: 'presales' },
    })
    expect(ok.status).toBe(200)
    expect(await me()).toMatchObject({ name: '王强 (售前)', department: 'presales' })
    for (const body of [{ department: 'finance' }, { role: 'admin' }, {}, { name: '' }]) {
      const bad = await api(server, 'PATCH', '/api/me', { cookie: wang.cookie, body })
      expect(bad.status).toBe(400)
    }
    expect(await me()).toMatchObject({ name: '王强 (售前)', department: 'presales', role: 'member' })
    const cleared = await api(server, 'PATCH', '/api/me', { cookie: wang.cookie, body: { department: null } })
    expect(cleared.status).toBe(200)
    expect((await me()).department).toBeNull()
  })

  it('an administrator sets anyone’s department; a member cannot', async () => {
    const { server, wang, li } = await setup()
    const byAdmin = await api(server, 'PATCH', `/api/users/${wang.id}`, {
      cookie: server.cookie,
      body: { department: 'delivery' },
    })
    expect(byAdmin.status).toBe(200)
    expect(((await byAdmin.json()) as State).user.department).toBe('delivery')
    const byMember = await api(server, 'PATCH', `/api/users/${wang.id}`, {
      cookie: li.cookie,
      body: { department: 'sales' },
    })
    expect(byMember.status).toBe(403)
  })

  it('a changed department recolours the person at their next awareness update', async () => {
    const { server, wang, li } = await setup()
    const a = join(server, wang.cookie)
    const observer = join(server, li.cookie)
    // Both connected first (on a loaded machine connecting alone can take seconds).
    await Promise.all([whenSynced(a.provider), whenSynced(observer.provider)])
    a.provider.awareness.setLocalState({ n: 1 })
    await eventually(() => expect(stateOf(observer, a)?.user?.department).toBeNull(), 15_000)
    await api(server, 'PATCH', '/api/me', { cookie: wang.cookie, body: { department: 'marketing' } })
    a.provider.awareness.setLocalState({ n: 2 })
    await eventually(() => expect(stateOf(observer, a)?.user?.color).toBe(DEPARTMENT_COLORS.marketing), 15_000)
  })
})

describe('dot votes', () => {
  /** Seeds acme's canvas with two blockers, an action and a stakeholder through a real provider. */
  async function seeded(people: People) {
    const c = join(people.server, people.server.cookie)
    await whenSynced(c.provider)
    const kv = new YKeyValue<unknown>(c.doc.getArray(DocKeys.records))
    c.doc.transact(() => {
      for (const r of [
        blocker('shape:b1', { title: '预算未批' }),
        blocker('shape:b2', { title: '技术选型' }),
        action('shape:a1', { title: '拜访财务总监' }),
        stakeholder('shape:s1', { name: '刘总' }),
      ])
        kv.set(r.id as string, r)
    })
    await eventually(() => expect(readDocRecords(people.server.rooms.peek('acme')!.doc).records).toHaveLength(4))
    return c
  }

  const open = (
    server: TestServer,
    cookie: string,
    body: unknown = { question: '先打哪个卡点?', shapeTypes: ['blocker'], votesPerPerson: 2 },
  ) => api(server, 'POST', '/api/accounts/acme/votes', { cookie, body })
  const ballot = (server: TestServer, cookie: string, voteId: string, shapeIds: string[]) =>
    api(server, 'PUT', `/api/accounts/acme/votes/${voteId}/ballot`, { cookie, body: { shapeIds } })
  const list = async (server: TestServer, cookie: string) =>
    ((await (await api(server, 'GET', '/api/accounts/acme/votes', { cookie })).json()) as State).votes as State[]

  it('keeps ballots secret while open, enforces limits, and writes the results into the document on close', async () => {
    const people = await setup()
    const { server, wang, li, viewer } = people
    const watcher = await seeded(people)

    const opened = await open(server, wang.cookie)
    expect(opened.status).toBe(201)
    const voteId = ((await opened.json()) as State).vote.id as string
    // The open vote is in the document (question, no counts) for everyone to see.
    await eventually(() => expect((watcher.doc.getMap('votes').get(voteId) as State)?.status).toBe('open'))
    expect((await open(server, li.cookie)).status).toBe(409)

    // Limits: at most votesPerPerson, one dot per card, only counted types on this account.
    expect((await ballot(server, wang.cookie, voteId, ['shape:b1', 'shape:b2', 'shape:b1'])).status).toBe(400)
    expect((await ballot(server, wang.cookie, voteId, ['shape:b1', 'shape:b2', 'shape:a1'])).status).toBe(400)
    expect((await ballot(server, wang.cookie, voteId, ['shape:a1'])).status).toBe(400)
    expect((await ballot(server, wang.cookie, voteId, ['shape:nope'])).status).toBe(400)
    expect((await ballot(server, wang.cookie, voteId, ['shape:b1', 'shape:b2'])).status).toBe(200)
    expect((await ballot(server, li.cookie, voteId, ['shape:b2'])).status).toBe(200)

    // Votes are per person: Wang's second session sees and replaces the same ballot.
    const wangAgain = await login(server, 'wang@example.com')
    expect((await list(server, wangAgain))[0].myBallot).toEqual(['shape:b1', 'shape:b2'])

    // Nobody sees anyone's dots while open: not in the API, not in the document.
    const seenByLi = (await list(server, li.cookie))[0]
    expect(seenByLi).toMatchObject({ status: 'open', myBallot: ['shape:b2'], counts: {}, voters: 0 })
    expect(JSON.stringify(watcher.doc.getMap('votes').toJSON())).not.toContain('shape:b1')

    // Viewers take no part.
    expect((await ballot(server, viewer.cookie, voteId, ['shape:b1'])).status).toBe(403)
    expect((await api(server, 'GET', '/api/accounts/acme/votes', { cookie: viewer.cookie })).status).toBe(403)
    expect(
      (await api(server, 'POST', `/api/accounts/acme/votes/${voteId}/close`, { cookie: viewer.cookie })).status,
    ).toBe(403)

    const closed = await api(server, 'POST', `/api/accounts/acme/votes/${voteId}/close`, { cookie: li.cookie })
    expect(closed.status).toBe(200)
    expect(((await closed.json()) as State).vote).toMatchObject({
      status: 'closed',
      voters: 2,
      counts: { 'shape:b1': 1, 'shape:b2': 2 },
    })
    expect((await ballot(server, wang.cookie, voteId, ['shape:b1'])).status).toBe(409)
    expect((await api(server, 'POST', `/api/accounts/acme/votes/${voteId}/close`, { cookie: li.cookie })).status).toBe(
      409,
    )

    // The result reaches every replica of the document …
    await eventually(() =>
      expect(watcher.doc.getMap('votes').get(voteId)).toMatchObject({
        status: 'closed',
        counts: { 'shape:b1': 1, 'shape:b2': 2 },
        closedBy: { id: li.id, name: '李娜' },
      }),
    )
    const eligible = (watcher.doc.getMap('votes').get(voteId) as State).eligible.map((p: State) => p.name)
    expect(eligible).toEqual(expect.arrayContaining(['王强', '李娜']))
    expect(eligible).not.toContain('赵敏')

    // … and the plan record.
    await eventually(async () => {
      const plan = (await (
        await api(server, 'GET', '/api/accounts/acme/plan', { cookie: viewer.cookie })
      ).json()) as State
      expect(plan.votes).toEqual([
        expect.objectContaining({
          id: voteId,
          question: '先打哪个卡点?',
          status: 'closed',
          voters: 2,
          results: [
            { shapeId: 'shape:b2', type: 'blocker', title: '技术选型', count: 2, rank: 1 },
            { shapeId: 'shape:b1', type: 'blocker', title: '预算未批', count: 1, rank: 2 },
          ],
        }),
      ])
    }, 10_000)
  })

  it('refuses bad vote definitions and unknown votes, changing nothing', async () => {
    const people = await setup()
    const { server, wang } = people
    for (const body of [
      { question: '', shapeTypes: ['blocker'], votesPerPerson: 1 },
      { question: 'q', shapeTypes: [], votesPerPerson: 1 },
      { question: 'q', shapeTypes: ['faction'], votesPerPerson: 1 },
      { question: 'q', shapeTypes: ['blocker'], votesPerPerson: 0 },
      { question: 'q', shapeTypes: ['blocker'], votesPerPerson: 11 },
      { question: 'q', shapeTypes: ['blocker'], votesPerPerson: 1, secret: false },
    ])
      expect((await open(server, wang.cookie, body)).status).toBe(400)
    expect(await list(server, wang.cookie)).toEqual([])
    expect((await ballot(server, wang.cookie, 'vote-nope', [])).status).toBe(404)
    expect((await api(server, 'GET', '/api/accounts/acme/votes/vote-nope', { cookie: wang.cookie })).status).toBe(404)
  })

  it('a deleted and re-created account starts without the old votes', async () => {
    const people = await setup()
    const { server } = people
    await seeded(people)
    const voteId = ((await (await open(server, server.cookie)).json()) as State).vote.id
    expect(voteId).toBeTruthy()
    expect((await api(server, 'DELETE', '/api/accounts/acme', { cookie: server.cookie })).status).toBe(204)
    await server.ensureAccount('acme')
    expect(await list(server, server.cookie)).toEqual([])
  })

  it('a deleted account’s votes and ballots are removed from the store (votes.json, or the tables), not only hidden', async () => {
    const people = await setup()
    const { server, wang } = people
    await seeded(people)
    const voteId = ((await (await open(server, wang.cookie)).json()) as State).vote.id as string
    expect((await ballot(server, wang.cookie, voteId, ['shape:b1'])).status).toBe(200)
    const stored = await storedVotesText(server)
    expect(stored).toContain(voteId)
    expect(stored).toContain(wang.id)
    expect((await api(server, 'DELETE', '/api/accounts/acme', { cookie: server.cookie })).status).toBe(204)
    const left = await storedVotesText(server)
    expect(left).not.toContain(voteId)
    expect(left).not.toContain('先打哪个卡点')
    expect(left).not.toContain(wang.id)
  })

  // Files only: PowerCutFs models the embedded store's file system (what was fsynced survives).
  // On PostgreSQL an answered vote is a committed row; tests/scale/pg-server.test.ts ("assets,
  // reviews, the audit log and votes are kept in the database…") and the VoteStore contract in
  // tests/scale/content.contract.test.ts cover it there.
  it.skipIf(onPostgres)('an opened vote and a cast ballot survive a power cut right after each answer', async () => {
    const data = tempDataDir()
    afterTest(() => data.remove())
    const disk = new PowerCutFs()
    const server = await startTestServer({ dataDir: data.dir, fs: disk, accounts: ['acme'] })
    afterTest(() => server.close())
    const people = { server } as People
    await seeded(people)
    const voteId = ((await (await open(server, server.cookie)).json()) as State).vote.id as string
    expect((await ballot(server, server.cookie, voteId, ['shape:b2'])).status).toBe(200)

    // The power goes now: only what was fsynced (file and directory entry) remains.
    const after = tempDataDir()
    afterTest(() => after.remove())
    await disk.survivors(data.dir, after.dir)
    await server.close()
    const restarted = await startTestServer({ dataDir: after.dir })
    afterTest(() => restarted.close())
    const votes = await list(restarted, server.cookie)
    expect(votes).toEqual([expect.objectContaining({ id: voteId, status: 'open', myBallot: ['shape:b2'] })])
  })
})

describe('session timer', () => {
  it('reaches a late joiner and survives the room unloading; a viewer cannot change it', async () => {
    const { server, wang, li, viewer } = await setup()
    const facilitator = join(server, wang.cookie)
    await whenSynced(facilitator.provider)
    const timer = startTimer('讨论', 10 * 60_000, Date.now(), wang.id)
    facilitator.doc.getMap(SESSION_MAP).set(TIMER_KEY, timer)
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap(SESSION_MAP).get(TIMER_KEY)).toEqual(timer))
    facilitator.destroy()
    await eventually(() => expect(server.rooms.peek('acme')).toBeNull())

    const late = join(server, li.cookie)
    await whenSynced(late.provider)
    expect(readTimer(late.doc.getMap(SESSION_MAP).get(TIMER_KEY))).toEqual(timer)

    const v = join(server, viewer.cookie)
    await whenSynced(v.provider)
    v.doc.getMap(SESSION_MAP).delete(TIMER_KEY)
    late.doc.getMap('m').set('marker', 1)
    await eventually(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('marker')).toBe(1))
    expect(server.rooms.peek('acme')?.doc.getMap(SESSION_MAP).get(TIMER_KEY)).toEqual(timer)
  })
})
