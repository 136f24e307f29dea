/**
 * Live sessions through real y-websocket providers: the server rewrites every awareness state's
 * identity from the connection's session (docs/document-format.md, "Awareness"), strips a viewer's
 * spotlight, stamps spotlight.since with server time, and a late joiner gets the current states.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEPARTMENT_COLORS } from '../../shared/live/people.ts'
import { addMember, api, createUser, login } from '../helpers/auth.ts'
import { eventually, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

interface People {
  server: TestServer
  wang: { id: string; cookie: string }
  li: { id: string; cookie: string }
  viewer: { id: string; cookie: string }
}

async function setup(): Promise<People> {
  const data = tempDataDir()
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
  cleanups.push(() => data.remove())
  cleanups.push(() => server.close())
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
  cleanups.push(() => c.destroy())
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
    a.provider.awareness.setLocalState({ n: 1 })
    await eventually(() => expect(stateOf(observer, a)?.user?.department).toBeNull())
    await api(server, 'PATCH', '/api/me', { cookie: wang.cookie, body: { department: 'marketing' } })
    a.provider.awareness.setLocalState({ n: 2 })
    await eventually(() => expect(stateOf(observer, a)?.user?.color).toBe(DEPARTMENT_COLORS.marketing))
  })
})
