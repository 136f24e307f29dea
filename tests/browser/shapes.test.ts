/**
 * War Room's shapes in a real browser against the real server: each shape made
 * from the toolbar and edited in the inspector, each relation drawn with the arrow
 * tool, a stakeholder dropped into a faction and dragged out again, a broken record
 * shown as broken (and repaired), the template — and a second person's page sees
 * all of it. Screenshots of a realistic map in Chinese and English go to tests/.artifacts/.
 */
import type { TLRecord } from '@tldraw/tlschema'
import type { Page } from 'playwright-core'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { DocKeys } from '../../shared/protocol.ts'
import { checkRecord } from '../../shared/schema.ts'
import { pageAtRest } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import {
  createFromToolbar,
  dragBetween,
  drawArrow,
  fillInspector,
  screenCenter,
  screenPoint,
  selectOnly,
  shapeOn,
  shapesOn,
} from '../helpers/canvas.ts'
import { eventually } from '../helpers/server.ts'

const test = base.extend('room', async ({ newAccount, openRoom }) => {
  /**
   * The room, signed in as the file's administrator, who may open every account. Speed: in a page
   * an earlier test left for the same locale and size, the room mounted afresh (`reuse`).
   */
  const open = (accountId: string, locale = 'en-US', viewport = { width: 1280, height: 800 }) =>
    openRoom(accountId, { locale, viewport, reuse: true })
  return { newAccount, open }
})

test('each shape from the toolbar, every field edited in the inspector, seen by a second person', async ({ room }) => {
  const accountId = await room.newAccount('shapes-edit')
  const alice = await room.open(accountId)
  const bob = await room.open(accountId)
  const page = alice.page

  const faction = await createFromToolbar(page, 'faction', 360, 330)
  expect(faction.props).toMatchObject({ w: 600, h: 420, stance: 'neutral' })
  // A click inside the faction's body makes the new stakeholder a member straight away.
  const stakeholder = await createFromToolbar(page, 'stakeholder', 360, 380)
  expect(stakeholder.parentId).toBe(faction.id)
  const blocker = await createFromToolbar(page, 'blocker', 820, 200)
  const action = await createFromToolbar(page, 'action', 820, 460)
  for (const s of [faction, stakeholder, blocker, action]) expect(s.props.w).toBeGreaterThan(100)

  // Stakeholder: every field, with the control that fits it.
  await selectOnly(page, stakeholder.id)
  // Typed key by key with the caret moved back: the field must keep the caret where it is.
  await page.getByTestId('wr-field-name').fill('建国')
  await page.getByTestId('wr-field-name').press('Home')
  await page.keyboard.type('王')
  const stakeholderProps = {
    name: '王建国',
    title: '信息中心主任',
    department: '信息中心',
    role: 'kdm',
    relationship: 'cr2',
    influence: 'high',
    concern: '系统稳定，明年预算',
    champion: true,
    contact: '陈亮',
    lastContact: '2026-11-02',
    competitor: '竞品A',
  }
  const { name: _typed, ...rest } = stakeholderProps
  await fillInspector(page, rest)
  expect((await shapeOn(page, stakeholder.id))!.props).toMatchObject(stakeholderProps)
  // The card shows what was entered.
  const card = page.locator(`[data-shape-id="${stakeholder.id}"] .wr-shape`)
  await expect.poll(() => card.innerText()).toContain('王建国')
  expect(await card.innerText()).toContain('KDM')
  expect(await card.getAttribute('class')).toContain('wr-cr--cr2')

  // Faction: the leader is chosen among its members.
  await selectOnly(page, faction.id)
  const factionProps = { name: '技术派', stance: 'ally', leader: stakeholder.id, strategy: '以技术评审为突破口' }
  await fillInspector(page, factionProps)
  expect((await shapeOn(page, faction.id))!.props).toMatchObject(factionProps)
  await expect
    .poll(() => page.locator(`[data-shape-id="${faction.id}"] .wr-shape`).innerText())
    .toContain('Leader: 王建国')

  // Blocker.
  await selectOnly(page, blocker.id)
  const blockerProps = {
    title: '采购流程卡在财务审批',
    detail: '财务总监要求三家比价',
    severity: 'critical',
    status: 'attacking',
    stage: 'P4',
  }
  await fillInspector(page, blockerProps)
  expect((await shapeOn(page, blocker.id))!.props).toMatchObject(blockerProps)

  // Action, due in the past and still in progress: it must look overdue.
  await selectOnly(page, action.id)
  const actionProps = {
    title: '安排财务总监参观标杆客户',
    owner: '赵亮',
    department: 'management',
    resources: '副总裁出面；差旅预算 2 万',
    due: '2025-03-01',
    checkpoint: '参观后一周内财务同意单一来源',
    status: 'in-progress',
    reviewCause: 'execution',
    reviewNote: '参观日期两次推迟',
  }
  await fillInspector(page, actionProps)
  expect((await shapeOn(page, action.id))!.props).toMatchObject(actionProps)
  const actionCard = page.locator(`[data-shape-id="${action.id}"] .wr-shape`)
  await expect.poll(() => actionCard.getAttribute('class')).toContain('wr-action--overdue')
  expect(await actionCard.innerText()).toContain('Overdue')

  // Double-click edits the main text in place; Enter ends the edit.
  await page.keyboard.press('Escape')
  const blockerCenter = await screenCenter(page, blocker.id)
  await page.mouse.dblclick(blockerCenter.x, blockerCenter.y)
  const input = page.getByTestId('wr-main-text-input')
  await input.waitFor()
  await input.press('ControlOrMeta+a')
  await page.keyboard.type('三家比价')
  await page.keyboard.press('Home')
  await page.keyboard.type('财务审批：')
  await input.press('Enter')
  await input.waitFor({ state: 'detached' })
  expect((await shapeOn(page, blocker.id))!.props.title).toBe('财务审批：三家比价')
  blockerProps.title = '财务审批：三家比价'

  // The second person sees every field of every shape, and the membership.
  await eventually(async () => {
    expect((await shapeOn(bob.page, stakeholder.id))?.props).toMatchObject(stakeholderProps)
    expect((await shapeOn(bob.page, stakeholder.id))?.parentId).toBe(faction.id)
    expect((await shapeOn(bob.page, faction.id))?.props).toMatchObject(factionProps)
    expect((await shapeOn(bob.page, blocker.id))?.props).toMatchObject(blockerProps)
    expect((await shapeOn(bob.page, action.id))?.props).toMatchObject(actionProps)
  }, 10_000)
  await expect
    .poll(() => bob.page.locator(`[data-shape-id="${stakeholder.id}"] .wr-shape`).innerText())
    .toContain('王建国')

  // Every record the browser wrote satisfies the shared (server-side) schema.
  for (const s of await shapesOn(page)) {
    const record = await page.evaluate((id) => window.__warRoomEditor!.getShape(id as never), s.id)
    expect(checkRecord(record).ok, `${s.type} ${s.id}`).toBe(true)
  }
  expect(alice.errors).toEqual([])
  await alice.screenshot('shapes-edited-alice')
  await bob.screenshot('shapes-edited-bob')

  // Deleting the leader leaves the faction without one, not with a dangling id.
  await page.evaluate((id) => {
    window.__warRoomEditor!.deleteShape(id as never)
  }, stakeholder.id)
  await eventually(async () => expect((await shapeOn(bob.page, faction.id))?.props.leader).toBe(''), 10_000)
})

test('keyboard shortcuts pick the four tools', async ({ room }) => {
  const { page } = await room.open(await room.newAccount('shapes-keys'))
  const toolAfter = async (key: string) => {
    await page.keyboard.press('Escape')
    await page.keyboard.press(key)
    return page.evaluate(() => window.__warRoomEditor!.getCurrentToolId())
  }
  expect(await toolAfter('s')).toBe('stakeholder')
  expect(await toolAfter('c')).toBe('faction')
  expect(await toolAfter('j')).toBe('blocker')
  expect(await toolAfter('w')).toBe('action')
})

test('each relation drawn with the arrow tool is recorded, switchable, styled and labelled for everyone', async ({
  room,
}) => {
  const accountId = await room.newAccount('shapes-relations')
  const alice = await room.open(accountId)
  const bob = await room.open(accountId)
  const page = alice.page

  const boss = await createFromToolbar(page, 'stakeholder', 640, 130)
  const staff = await createFromToolbar(page, 'stakeholder', 300, 420)
  const blocker = await createFromToolbar(page, 'blocker', 980, 420)
  const action = await createFromToolbar(page, 'action', 640, 650)

  const reports = await drawArrow(page, staff.id, boss.id)
  const held = await drawArrow(page, blocker.id, boss.id)
  const targetsBlocker = await drawArrow(page, action.id, blocker.id)
  const targetsPerson = await drawArrow(page, action.id, staff.id)
  // Not a relation: the reverse of held-by.
  const plain = await drawArrow(page, boss.id, blocker.id)

  const relationOf = async (p: Page, id: string) => (await shapeOn(p, id))?.meta.relation
  expect(await relationOf(page, reports.id)).toBe('reports-to')
  expect(await relationOf(page, held.id)).toBe('held-by')
  expect(await relationOf(page, targetsBlocker.id)).toBe('targets')
  expect(await relationOf(page, targetsPerson.id)).toBe('targets')
  expect(await relationOf(page, plain.id)).toBeUndefined()

  // Each relation has its own look.
  const look = async (id: string) => {
    const { color, dash } = (await shapeOn(page, id))!.props as { color: string; dash: string }
    return `${color}/${dash}`
  }
  const looks = [await look(reports.id), await look(held.id), await look(targetsBlocker.id)]
  expect(new Set(looks).size).toBe(3)

  // Between two stakeholders the relation is switchable in the inspector.
  await page.evaluate((id) => {
    window.__warRoomEditor!.select(id as never)
  }, reports.id)
  await page.getByTestId('wr-field-relation').selectOption('influences')
  expect(await relationOf(page, reports.id)).toBe('influences')
  expect(await look(reports.id)).not.toBe(looks[0])

  // Labels in the viewer's language; the other page sees the same relations.
  await eventually(async () => {
    expect(await relationOf(bob.page, reports.id)).toBe('influences')
    expect(await relationOf(bob.page, held.id)).toBe('held-by')
    expect(await relationOf(bob.page, targetsBlocker.id)).toBe('targets')
    expect(await relationOf(bob.page, targetsPerson.id)).toBe('targets')
  }, 10_000)
  const labels = async (p: Page) =>
    (
      await p.getByTestId('wr-relation-label').evaluateAll((els) => els.map((e) => e.getAttribute('data-relation')))
    ).sort()
  await expect.poll(() => labels(bob.page)).toEqual(['held-by', 'influences', 'targets', 'targets'])
  expect(await bob.page.getByTestId('wr-relation-label').allInnerTexts()).toContain('influences')

  // Unbinding an end (deleting the shape it pointed at) ends the relation.
  await page.evaluate((id) => {
    window.__warRoomEditor!.deleteShape(id as never)
  }, boss.id)
  await eventually(async () => expect(await relationOf(page, held.id)).toBeUndefined())
  expect(alice.errors).toEqual([])
  await bob.screenshot('shapes-relations-bob')
})

test('a stakeholder dropped into a faction becomes a member and leaves when dragged out', async ({ room }) => {
  const accountId = await room.newAccount('shapes-faction')
  const alice = await room.open(accountId)
  const bob = await room.open(accountId)
  const page = alice.page

  const faction = await createFromToolbar(page, 'faction', 400, 360)
  const person = await createFromToolbar(page, 'stakeholder', 1040, 360)
  expect(person.parentId).toMatch(/^page:/)
  const pageId = person.parentId

  // Drag the card by its subtitle into the faction's body.
  await page.keyboard.press('Escape')
  const grip = await screenPoint(page, person.id, 120, 60)
  const target = await screenPoint(page, faction.id, 280, 200)
  await dragBetween(page, grip, target)
  await eventually(async () => expect((await shapeOn(page, person.id))!.parentId).toBe(faction.id))
  await eventually(async () => expect((await shapeOn(bob.page, person.id))?.parentId).toBe(faction.id), 10_000)
  await expect
    .poll(() => bob.page.locator(`[data-shape-id="${faction.id}"] .wr-shape`).innerText())
    .toMatch(/\b1 member\b/)

  // And out again.
  const gripAgain = await screenPoint(page, person.id, 120, 60)
  await dragBetween(page, gripAgain, { x: 1100, y: 650 })
  await eventually(async () => expect((await shapeOn(page, person.id))!.parentId).toBe(pageId))
  await eventually(async () => expect((await shapeOn(bob.page, person.id))?.parentId).toBe(pageId), 10_000)

  // The faction is selected and renamed from its header (its body is open space for members).
  await page.keyboard.press('Escape')
  const header = await screenPoint(page, faction.id, 200, 30)
  await page.mouse.dblclick(header.x, header.y)
  const nameInput = page.getByTestId('wr-main-text-input')
  await nameInput.waitFor()
  await page.keyboard.type('业务派')
  await nameInput.press('Enter')
  await eventually(async () => expect((await shapeOn(bob.page, faction.id))?.props.name).toBe('业务派'), 10_000)

  // Other shapes pass over a faction without joining it.
  const blocker = await createFromToolbar(page, 'blocker', 1040, 200)
  await page.keyboard.press('Escape')
  await dragBetween(page, await screenPoint(page, blocker.id, 100, 60), await screenPoint(page, faction.id, 280, 200))
  expect((await shapeOn(page, blocker.id))!.parentId).toBe(pageId)
  expect(alice.errors).toEqual([])
})

test('a shape with invalid props shows as broken, keeps the editor alive, and can be repaired', async ({
  room,
  server,
  client,
}) => {
  const accountId = await room.newAccount('shapes-broken')
  const alice = await room.open(accountId)
  const page = alice.page
  const good = await createFromToolbar(page, 'stakeholder', 400, 300)
  const pageId = good.parentId

  // A real y-websocket client in this process: an outside tool writing straight into the document.
  const records = new YKeyValue<TLRecord>((await client(server, accountId)).doc.getArray(DocKeys.records))
  const broken = {
    id: 'shape:broken1',
    typeName: 'shape',
    type: 'stakeholder',
    x: 700,
    y: 200,
    rotation: 0,
    index: 'a9',
    parentId: pageId,
    isLocked: false,
    opacity: 1,
    meta: {},
    // An older or hand-written record: an unknown role, a date in the wrong form, no size.
    props: { name: '孙总', role: 'boss', relationship: 'cr2', lastContact: '2026/11/02' },
  } as unknown as TLRecord
  expect(checkRecord(broken).ok).toBe(false)
  // And one tldraw cannot hold at all (props must be an object): it is skipped, not fatal.
  const empty = {
    ...broken,
    id: 'shape:broken2',
    type: 'action',
    x: 700,
    y: 450,
    index: 'a8',
    props: null,
  } as unknown as TLRecord
  records.set(empty.id, empty)
  records.set(broken.id, broken)

  const brokenCard = page.getByTestId('wr-broken-shape')
  await brokenCard.waitFor()
  expect(await brokenCard.innerText()).toContain('role')
  expect(await brokenCard.innerText()).toContain('lastContact')
  // The rest of the canvas still works and still syncs.
  const after = await createFromToolbar(page, 'blocker', 400, 600)
  await eventually(() => expect(records.get(after.id)).toBeDefined(), 10_000)
  // The broken records were left exactly as the outside tool wrote them.
  expect(records.get(broken.id)).toEqual(broken)
  expect(records.get(empty.id)).toEqual(empty)
  expect(await page.evaluate(() => window.__warRoomEditor!.getShape('shape:broken2' as never) ?? null)).toBeNull()

  // The inspector explains and repairs it: valid values are kept, the rest take defaults.
  await selectOnly(page, broken.id)
  await alice.screenshot('shapes-broken')
  await page.getByTestId('wr-repair').click()
  await brokenCard.waitFor({ state: 'detached' })
  await eventually(() => {
    const repaired = records.get(broken.id) as unknown as { props: Record<string, unknown> }
    expect(repaired.props).toMatchObject({ name: '孙总', relationship: 'cr2', role: 'other', lastContact: '', w: 260 })
    expect(checkRecord(repaired).ok).toBe(true)
  }, 10_000)
  expect(alice.errors.filter((e) => !e.includes('WebSocket'))).toEqual([])
})

test('the template inserts a starter decision chain in the user’s language', async ({ room }) => {
  const accountId = await room.newAccount('shapes-template')
  const { page, screenshot } = await room.open(accountId, 'zh-CN')
  await page.getByTestId('wr-insert-template').click()
  await eventually(async () => expect(await shapesOn(page)).toHaveLength(13))
  const people = await shapesOn(page, 'stakeholder')
  expect(people.map((p) => p.props.role).sort()).toEqual(['kdm', 'ki', 'ki', 'ku', 'ku'])
  expect(people.find((p) => p.props.role === 'kdm')!.props.name).toBe('王总')
  expect((await shapesOn(page, 'blocker'))[0].props.title).toMatch(/[\u4e00-\u9fff]/)
  const relations = (await shapesOn(page, 'arrow')).map((a) => a.meta.relation).sort()
  expect(relations).toEqual(['held-by', 'reports-to', 'reports-to', 'reports-to', 'reports-to', 'targets'])
  // The empty-page prompt is gone once there is something on the page.
  await page.getByTestId('wr-empty-prompt').waitFor({ state: 'detached' })
  await page.evaluate(() => {
    window.__warRoomEditor!.selectNone()
  })
  await screenshot('shapes-template-zh')
})

/**
 * A realistic account map, built through the editor as a user's edits would be:
 * 15 stakeholders (one decision maker above three factions), 4 blockers, 8 actions,
 * relation arrows bound at both ends (their relations are inferred by the client).
 */
async function buildRealisticMap(page: Page, lang: 'zh' | 'en') {
  await page.evaluate((lang) => {
    const editor = window.__warRoomEditor!
    const zh = lang === 'zh'
    const L = (a: string, b: string) => (zh ? a : b)
    let n = 0
    const id = () => `shape:map${++n}` as never
    const person = (x: number, y: number, p: Record<string, unknown>, parentId?: string) => {
      const sid = id()
      editor.createShape({
        id: sid,
        type: 'stakeholder',
        x,
        y,
        ...(parentId ? { parentId: parentId as never } : {}),
        props: { w: 260, h: 170, ...p },
      } as never)
      return sid as string
    }
    const faction = (x: number, y: number, p: Record<string, unknown>) => {
      const fid = id()
      editor.createShape({ id: fid, type: 'faction', x, y, props: { w: 600, h: 700, ...p } } as never)
      return fid as string
    }
    const box = (type: 'blocker' | 'action', x: number, y: number, p: Record<string, unknown>) => {
      const bid = id()
      editor.createShape({
        id: bid,
        type,
        x,
        y,
        props: { w: type === 'action' ? 280 : 300, h: type === 'action' ? 170 : 160, ...p },
      } as never)
      return bid as string
    }
    const arrow = (from: string, to: string) => {
      const a = editor.getShapePageBounds(from as never)!.center
      const b = editor.getShapePageBounds(to as never)!.center
      const aid = id()
      editor.createShape({
        id: aid,
        type: 'arrow',
        x: a.x,
        y: a.y,
        props: { start: { x: 0, y: 0 }, end: { x: b.x - a.x, y: b.y - a.y } },
      } as never)
      const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' }
      editor.createBindings([
        { type: 'arrow', fromId: aid, toId: from as never, props: { terminal: 'start', ...anchor } },
        { type: 'arrow', fromId: aid, toId: to as never, props: { terminal: 'end', ...anchor } },
      ] as never)
      return aid as string
    }

    const ceo = person(960, -300, {
      name: L('周志远', 'Zhou Zhiyuan'),
      title: L('集团总裁', 'Group President'),
      department: L('总裁办', 'Executive office'),
      role: 'kdm',
      relationship: 'cr3',
      influence: 'high',
      contact: L('销售VP 钱峰', 'Sales VP Qian'),
      concern: L('数字化转型见效', 'Visible transformation results'),
    })
    const tech = faction(0, 120, {
      name: L('技术派', 'Technology camp'),
      stance: 'ally',
      strategy: L('以技术评审为突破口', 'Win through the technical review'),
    })
    const biz = faction(680, 120, {
      name: L('业务派', 'Business camp'),
      stance: 'neutral',
      strategy: L('用标杆案例争取', 'Win over with reference cases'),
    })
    const fin = faction(1360, 120, {
      name: L('财务派', 'Finance camp'),
      stance: 'hostile',
      strategy: L('分化：争取采购，孤立CFO', 'Divide: win procurement, isolate the CFO'),
    })

    const cio = person(
      20,
      90,
      {
        name: L('王建国', 'Wang Jianguo'),
        title: L('CIO', 'CIO'),
        department: L('信息中心', 'IT'),
        role: 'kdm',
        relationship: 'cr2',
        influence: 'high',
        champion: false,
        contact: L('陈亮', 'Chen Liang'),
      },
      tech,
    )
    const arch = person(
      310,
      90,
      {
        name: L('李娜', 'Li Na'),
        title: L('首席架构师', 'Chief Architect'),
        department: L('信息中心', 'IT'),
        role: 'gatekeeper',
        relationship: 'cr1',
        influence: 'high',
        champion: true,
        contact: L('售前 孙浩', 'Presales Sun'),
      },
      tech,
    )
    const ops = person(
      20,
      290,
      {
        name: L('刘洋', 'Liu Yang'),
        title: L('运维经理', 'Ops Manager'),
        department: L('信息中心', 'IT'),
        role: 'ku',
        relationship: 'cr2',
        influence: 'medium',
        contact: L('陈亮', 'Chen Liang'),
      },
      tech,
    )
    const sec = person(
      310,
      290,
      {
        name: L('赵敏', 'Zhao Min'),
        title: L('安全主管', 'Security Lead'),
        department: L('信息中心', 'IT'),
        role: 'ki',
        relationship: 'cr3',
        influence: 'medium',
        contact: '',
      },
      tech,
    )
    const dev = person(
      20,
      490,
      {
        name: L('黄磊', 'Huang Lei'),
        title: L('开发组长', 'Dev Lead'),
        department: L('信息中心', 'IT'),
        role: 'ku',
        relationship: 'unknown',
        influence: 'low',
        contact: '',
      },
      tech,
    )

    const coo = person(
      20,
      90,
      {
        name: L('孙丽', 'Sun Li'),
        title: L('COO', 'COO'),
        department: L('运营中心', 'Operations'),
        role: 'kdm',
        relationship: 'cr3',
        influence: 'high',
        contact: L('钱峰', 'Qian Feng'),
      },
      biz,
    )
    const sales = person(
      310,
      90,
      {
        name: L('吴刚', 'Wu Gang'),
        title: L('销售总监', 'Sales Director'),
        department: L('销售部', 'Sales'),
        role: 'ki',
        relationship: 'cr2',
        influence: 'medium',
        contact: L('陈亮', 'Chen Liang'),
      },
      biz,
    )
    const svc = person(
      20,
      290,
      {
        name: L('郑红', 'Zheng Hong'),
        title: L('客服经理', 'Service Manager'),
        department: L('客服中心', 'Service'),
        role: 'ku',
        relationship: 'cr1',
        influence: 'low',
        champion: true,
        contact: L('交付 周杰', 'Delivery Zhou'),
      },
      biz,
    )
    const mkt = person(
      310,
      290,
      {
        name: L('冯涛', 'Feng Tao'),
        title: L('市场总监', 'Marketing Director'),
        department: L('市场部', 'Marketing'),
        role: 'ki',
        relationship: 'cr4',
        influence: 'medium',
        competitor: L('竞品A', 'Rival A'),
        contact: '',
      },
      biz,
    )
    const store = person(
      20,
      490,
      {
        name: L('何静', 'He Jing'),
        title: L('门店主管', 'Store Supervisor'),
        department: L('运营中心', 'Operations'),
        role: 'ku',
        relationship: 'cr3',
        influence: 'low',
        contact: '',
      },
      biz,
    )

    const cfo = person(
      20,
      90,
      {
        name: L('钱伟', 'Qian Wei'),
        title: L('CFO', 'CFO'),
        department: L('财务部', 'Finance'),
        role: 'kdm',
        relationship: 'cr5',
        influence: 'high',
        contact: L('钱峰', 'Qian Feng'),
        concern: L('投资回报与预算控制', 'ROI and budget control'),
      },
      fin,
    )
    const proc = person(
      310,
      90,
      {
        name: L('马骏', 'Ma Jun'),
        title: L('采购经理', 'Procurement Manager'),
        department: L('采购部', 'Procurement'),
        role: 'ki',
        relationship: 'cr3',
        influence: 'medium',
        contact: L('陈亮', 'Chen Liang'),
      },
      fin,
    )
    const audit = person(
      20,
      290,
      {
        name: L('林芳', 'Lin Fang'),
        title: L('审计主管', 'Audit Lead'),
        department: L('审计部', 'Audit'),
        role: 'gatekeeper',
        relationship: 'cr4',
        influence: 'medium',
        competitor: L('竞品B', 'Rival B'),
        contact: '',
      },
      fin,
    )
    const budget = person(
      310,
      290,
      {
        name: L('高远', 'Gao Yuan'),
        title: L('预算专员', 'Budget Analyst'),
        department: L('财务部', 'Finance'),
        role: 'other',
        relationship: 'unknown',
        influence: 'low',
        contact: '',
      },
      fin,
    )

    editor.updateShape({ id: tech as never, type: 'faction', props: { leader: cio } } as never)
    editor.updateShape({ id: biz as never, type: 'faction', props: { leader: coo } } as never)
    editor.updateShape({ id: fin as never, type: 'faction', props: { leader: cfo } } as never)

    const b1 = box('blocker', 60, 900, {
      title: L('CFO 认为投资回报不清', 'CFO doubts the ROI'),
      detail: L('要求三年回本测算', 'Wants a 3-year payback model'),
      severity: 'critical',
      status: 'open',
      stage: 'P4',
    })
    const b2 = box('blocker', 560, 900, {
      title: L('审计质疑单一来源', 'Audit questions single sourcing'),
      detail: L('需三家比价', 'Three quotes required'),
      severity: 'high',
      status: 'attacking',
      stage: 'P4',
    })
    const b3 = box('blocker', 1060, 900, {
      title: L('市场总监偏向竞品A', 'Marketing backs Rival A'),
      detail: '',
      severity: 'medium',
      status: 'open',
      stage: 'P3',
    })
    const b4 = box('blocker', 1560, 900, {
      title: L('安全合规评估未过', 'Security review not passed'),
      detail: L('已补充等保材料', 'Compliance papers supplied'),
      severity: 'high',
      status: 'cleared',
      stage: 'P3',
    })

    const a = [
      box('action', 0, 1150, {
        title: L('做三年 ROI 测算报告', 'Build a 3-year ROI model'),
        owner: L('孙浩', 'Sun Hao'),
        department: 'presales',
        resources: L('财务顾问 5 人天', '5 days of a finance consultant'),
        due: '2026-12-10',
        checkpoint: L('CFO 书面认可测算', 'CFO accepts the model in writing'),
        status: 'in-progress',
      }),
      box('action', 300, 1150, {
        title: L('总裁层面高层拜访', 'Executive visit to the President'),
        owner: L('钱峰', 'Qian Feng'),
        department: 'management',
        resources: L('我方副总裁出面', 'Our VP attends'),
        due: '2025-09-30',
        checkpoint: L('总裁指示推进', 'President tells the team to proceed'),
        status: 'planned',
      }),
      box('action', 600, 1150, {
        title: L('提供三家比价材料', 'Provide three quotes'),
        owner: L('陈亮', 'Chen Liang'),
        department: 'sales',
        resources: L('商务折扣授权', 'Discount authority'),
        due: '2026-12-20',
        checkpoint: L('审计签字', 'Audit signs off'),
        status: 'in-progress',
      }),
      box('action', 900, 1150, {
        title: L('邀请审计参观标杆客户', 'Reference visit for Audit'),
        owner: L('周杰', 'Zhou Jie'),
        department: 'delivery',
        resources: L('差旅预算 2 万', 'Travel budget 20k'),
        due: '2026-12-05',
        checkpoint: L('参观后审计意见', 'Audit opinion after the visit'),
        status: 'planned',
      }),
      box('action', 1200, 1150, {
        title: L('市场联合活动', 'Joint marketing event'),
        owner: L('吴倩', 'Wu Qian'),
        department: 'marketing',
        resources: L('活动预算 10 万', 'Event budget 100k'),
        due: '2027-01-15',
        checkpoint: L('冯涛出席并发言', 'Feng Tao attends and speaks'),
        status: 'planned',
      }),
      box('action', 1500, 1150, {
        title: L('竞品对比演示', 'Head-to-head demo vs Rival A'),
        owner: L('孙浩', 'Sun Hao'),
        department: 'product',
        resources: L('产品经理支持', 'Product manager support'),
        due: '2026-11-01',
        checkpoint: L('演示后评分领先', 'Lead in the demo scoring'),
        status: 'done',
      }),
      box('action', 1800, 1150, {
        title: L('补充等保测评材料', 'Supply compliance evidence'),
        owner: L('周杰', 'Zhou Jie'),
        department: 'delivery',
        resources: L('安全团队 3 人天', '3 days of the security team'),
        due: '2026-10-20',
        checkpoint: L('安全评估通过', 'Security review passed'),
        status: 'done',
      }),
      box('action', 2100, 1150, {
        title: L('争取采购经理支持', 'Win the procurement manager'),
        owner: '',
        department: 'sales',
        resources: '',
        due: '',
        checkpoint: '',
        status: 'planned',
      }),
    ]

    for (const [from, to] of [
      [cio, ceo],
      [coo, ceo],
      [cfo, ceo],
      [arch, cio],
      [ops, cio],
      [sec, cio],
      [dev, arch],
      [sales, coo],
      [svc, coo],
      [mkt, coo],
      [store, coo],
      [proc, cfo],
      [audit, cfo],
      [budget, cfo],
    ])
      arrow(from, to)
    const influence = arrow(arch, proc)
    editor.updateShape({
      id: influence as never,
      type: 'arrow',
      meta: { relation: 'influences' },
      props: { color: 'violet', dash: 'dashed' },
    } as never)
    arrow(b1, cfo)
    arrow(b2, audit)
    arrow(b3, mkt)
    arrow(b4, sec)
    arrow(a[0], b1)
    arrow(a[1], ceo)
    arrow(a[2], b2)
    arrow(a[3], b2)
    arrow(a[4], b3)
    arrow(a[5], b3)
    arrow(a[6], b4)
    arrow(a[7], proc)
    editor.selectNone()
    editor.zoomToFit()
  }, lang)
}

test('a realistic account map reads in Chinese and in English (screenshots)', async ({ room }) => {
  for (const [lang, locale] of [
    ['zh', 'zh-CN'],
    ['en', 'en-US'],
  ] as const) {
    const accountId = await room.newAccount(`shapes-map-${lang}`)
    const viewport = { width: 1920, height: 1080 }
    const alice = await room.open(accountId, locale, viewport)
    await buildRealisticMap(alice.page, lang)
    const counts = async (p: Page) => {
      const all = await shapesOn(p)
      const count = (t: string) => all.filter((s) => s.type === t).length
      return {
        stakeholder: count('stakeholder'),
        faction: count('faction'),
        blocker: count('blocker'),
        action: count('action'),
        relations: all.filter((s) => s.type === 'arrow' && s.meta.relation).length,
      }
    }
    const expected = { stakeholder: 15, faction: 3, blocker: 4, action: 8, relations: 27 }
    expect(await counts(alice.page)).toEqual(expected)
    // Relations were inferred from the bindings by the client, not written by the test (but one switch).
    const arrows = await shapesOn(alice.page, 'arrow')
    expect(arrows.filter((a) => a.meta.relation === 'reports-to')).toHaveLength(14)
    expect(arrows.filter((a) => a.meta.relation === 'held-by')).toHaveLength(4)
    expect(arrows.filter((a) => a.meta.relation === 'targets')).toHaveLength(8)
    const members = (await shapesOn(alice.page, 'stakeholder')).filter((s) => s.parentId.startsWith('shape:'))
    expect(members).toHaveLength(14)

    // A second person opening the account sees the same map.
    const bob = await room.open(accountId, locale, viewport)
    await eventually(async () => expect(await counts(bob.page)).toEqual(expected), 15_000)
    await bob.page.evaluate(() => {
      window.__warRoomEditor!.zoomToFit()
    })
    await pageAtRest(bob.page)
    await bob.screenshot(`shapes-map-${lang}`)

    // Zoomed to one faction, as it would be shown when discussing it on a projector.
    await bob.page.evaluate(() => {
      const editor = window.__warRoomEditor!
      const finance = editor.getCurrentPageShapes().filter((s) => s.type === 'faction')[2]
      editor.zoomToBounds(editor.getShapePageBounds(finance)!.clone().expandBy(60))
    })
    await pageAtRest(bob.page)
    await bob.screenshot(`shapes-map-${lang}-faction`)
    expect(alice.errors).toEqual([])
    expect(bob.errors).toEqual([])
    await alice.context.close()
    await bob.context.close()
  }
})
