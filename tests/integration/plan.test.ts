import { describe, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../../shared/protocol.ts'
import { defaultActionProps, defaultBlockerProps, defaultStakeholderProps } from '../../shared/shapes/index.ts'
import { shapeRecord } from '../../shared/shapes/records.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const HOSTILE = `=cmd|' /C calc'!A0`
const SCRIPT = '<script>alert(1)</script>'

function shape(id: string, type: string, props: object, extra: object = {}) {
  return { ...shapeRecord(`shape:${id}`, type, props), ...extra }
}

/** The administrator's session cookie of the current test's server. */
let cookie = ''
/** A signed-in GET. */
const get = (url: string) => fetch(url, { headers: { cookie } })

async function accountWithMap() {
  const data = tempDataDir()
  afterTest(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, deriveDelayMs: 50, accounts: ['acme'] })
  afterTest(() => server.close())
  cookie = server.cookie
  const writer = connectClient(wsUrl(server), 'acme', undefined, { cookie })
  afterTest(() => writer.destroy())
  await whenSynced(writer.provider)
  const kv = new YKeyValue(writer.doc.getArray<{ key: string; val: unknown }>(DocKeys.records))
  writer.doc.transact(() => {
    const account = writer.doc.getMap(DocKeys.account)
    account.set('name', '华东电网 <b>集团</b>')
    account.set('owner', '张三、李四')
    account.set('tier', 'strategic')
    for (const s of [
      shape('kdm', 'stakeholder', {
        ...defaultStakeholderProps(),
        name: HOSTILE,
        role: 'kdm',
        relationship: 'cr5',
        influence: 'high',
      }),
      shape('ki', 'stakeholder', { ...defaultStakeholderProps(), name: SCRIPT, role: 'ki', relationship: 'unknown' }),
      shape('b1', 'blocker', { ...defaultBlockerProps(), title: '技术方案未获认可', status: 'open' }),
      shape('a1', 'action', {
        ...defaultActionProps(),
        title: '+SUM(1,2)',
        owner: '王五',
        due: '2020-01-01',
        status: 'planned',
      }),
    ])
      kv.set(s.id, s)
  })
  // The edit travels over the socket; a request may reach the server before it. Waited for by the
  // client's own value: the server writes the account's record into the map when the room opens
  // (tier 'strategic' included), so the tier alone was there before the edit arrived — a compressed
  // frame (permessage-deflate, inflated off the loop) arrived after the check and the test read a
  // plan without the edit.
  await eventually(() =>
    expect(server.rooms.peek('acme')?.doc.getMap(DocKeys.account).get('name')).toBe('华东电网 <b>集团</b>'),
  )
  return { server, writer, data }
}

describe('plan record API', () => {
  it('derives the checked plan from the live document', async () => {
    const { server } = await accountWithMap()
    const res = await get(`${server.url}/api/accounts/acme/plan`)
    expect(res.status).toBe(200)
    const plan = await res.json()
    expect(plan.account.name).toBe('华东电网 <b>集团</b>')
    expect(plan.stakeholders.map((s: { name: string }) => s.name).sort()).toEqual([HOSTILE, SCRIPT].sort())
    const codes = plan.findings.map((f: { code: string }) => f.code)
    for (const code of [
      'account.owner.multiple',
      'stakeholder.relationship.unknown',
      'opponent.unaddressed',
      'blocker.untargeted',
      'action.untargeted',
      'action.overdue',
    ]) {
      expect(codes).toContain(code)
    }
    expect(codes).not.toContain('chain.kdm.missing')
  })

  it('stores the plan shortly after a change and serves it with the room closed', async () => {
    const { server, writer } = await accountWithMap()
    // Derived in the plan worker, whose first start can take seconds on a loaded machine.
    await eventually(
      async () => expect((await server.plans.stored('acme'))?.account.name).toBe('华东电网 <b>集团</b>'),
      20_000,
    )
    writer.doc.getMap(DocKeys.account).set('name', '华东电网')
    await eventually(async () => expect((await server.plans.stored('acme'))?.account.name).toBe('华东电网'), 20_000)
    writer.destroy()
    await eventually(() => expect(server.rooms.peek('acme')).toBeNull())
    const plan = await (await get(`${server.url}/api/accounts/acme/plan`)).json()
    expect(plan.account.name).toBe('华东电网')
    expect(server.rooms.peek('acme')).toBeNull()
  })

  it('renders Markdown with user input escaped, in both languages', async () => {
    const { server } = await accountWithMap()
    const zh = await get(`${server.url}/api/accounts/acme/plan.md?lang=zh`)
    expect(zh.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    const md = await zh.text()
    expect(md).toContain('华东电网')
    expect(md).toContain('技术方案未获认可')
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<b>')
    const en = await (await get(`${server.url}/api/accounts/acme/plan.md?lang=en`)).text()
    expect(en).not.toBe(md)
    expect((await get(`${server.url}/api/accounts/acme/plan.md?lang=fr`)).status).toBe(400)
  })

  it('exports CSV with a BOM and no cell a spreadsheet would run as a formula', async () => {
    const { server } = await accountWithMap()
    const actions = await get(`${server.url}/api/accounts/acme/actions.csv`)
    expect(actions.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const bytes = new Uint8Array(await actions.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes)
    expect(text).toContain("'+SUM(1,2)")
    expect(text).toContain('王五')
    const people = await (await get(`${server.url}/api/accounts/acme/stakeholders.csv?lang=en`)).text()
    expect(people).toContain(`'${HOSTILE}`)
    for (const line of people.split('\r\n').slice(1)) {
      for (const cell of line.split(',')) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/)
    }
  })

  it('refuses invalid account ids', async () => {
    const { server } = await accountWithMap()
    expect((await get(`${server.url}/api/accounts/ACME/plan`)).status).toBe(400)
  })
})
