/**
 * The contact import API against a real server and a real synced client: dry run and write,
 * re-import, access, limits, schema refusal, and the resulting document and plan record.
 */

import writeXlsxFile from 'write-excel-file/universal'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { mapTable } from '../../shared/contacts/mapping.ts'
import { readProvenance } from '../../shared/contacts/provenance.ts'
import { readTable } from '../../shared/contacts/read.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { checkRecord, createWarRoomSchema } from '../../shared/schema.ts'
import { defaultFactionProps, defaultStakeholderProps } from '../../shared/shapes/index.ts'
import { shapeRecord } from '../../shared/shapes/records.ts'
import { addMember, api, userWithSession } from '../helpers/auth.ts'
import { test as base, describe, expect } from '../helpers/fixtures.ts'
import { eventually, type TestServer, wsUrl } from '../helpers/server.ts'
import { barrier, type Client } from '../helpers/yclient.ts'

const MAX_ROWS = 40
const MAX_BYTES = 64 * 1024

interface Importers {
  editor: { id: string; cookie: string }
  viewer: string
  /** POSTs a sheet as the editor (or `cookie`). */
  postCsv(account: string, csv: string | Uint8Array<ArrayBuffer>, query?: string, cookie?: string): Promise<Response>
  /** POSTs a file as multipart "file", as the editor. */
  postFile(account: string, bytes: Uint8Array, name: string, query?: string): Promise<Response>
}

/** One server for the file (the accounts below), an editor and a viewer on each of them. */
const test = base
  .extend(
    'serverOptions',
    { scope: 'file' },
    {
      accounts: ['acme', 'bare', 'future', 'limits'],
      importMaxRows: MAX_ROWS,
      importMaxBytes: MAX_BYTES,
      // Smaller than the import limit: a contact sheet is not a JSON body.
      maxJsonBytes: 16 * 1024,
      deriveDelayMs: 20,
    },
  )
  .extend('people', { scope: 'file' }, async ({ server }): Promise<Importers> => {
    const editor = await userWithSession(server, server.cookie, 'editor@example.com')
    const viewer = (await userWithSession(server, server.cookie, 'viewer@example.com')).cookie
    for (const account of ['acme', 'bare', 'future', 'limits']) {
      await addMember(server, server.cookie, account, 'editor@example.com', 'editor')
      await addMember(server, server.cookie, account, 'viewer@example.com', 'viewer')
    }
    return {
      editor,
      viewer,
      postCsv: (account, csv, query = '', cookie = editor.cookie) => postCsv(server, account, csv, query, cookie),
      postFile: (account, bytes, name, query = '') => postFile(server, editor.cookie, account, bytes, name, query),
    }
  })

const records = (c: Client) =>
  new YKeyValue<Record<string, unknown>>(c.doc.getArray(DocKeys.records)).yarray
    .toArray()
    .map((e) => (e as unknown as { val: Record<string, unknown> }).val)
const stakeholders = (c: Client) => records(c).filter((r) => r.type === 'stakeholder')

function postCsv(
  server: TestServer,
  account: string,
  csv: string | Uint8Array<ArrayBuffer>,
  query: string,
  cookie: string,
) {
  return fetch(`${server.url}/api/accounts/${account}/import/stakeholders${query}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv; charset=utf-8' },
    body: csv,
  })
}

function postFile(server: TestServer, cookie: string, account: string, bytes: Uint8Array, name: string, query: string) {
  const form = new FormData()
  form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>]), name)
  return fetch(`${server.url}/api/accounts/${account}/import/stakeholders${query}`, {
    method: 'POST',
    headers: { cookie },
    body: form,
  })
}

interface ImportResponse {
  dryRun: boolean
  added: number
  updated: number
  unchanged: number
  rejected: { row: number; code: string; reason: string }[]
  columns: { header: string; field: string | null }[]
  rows: {
    row: number
    action: string
    fields: Record<string, unknown>
    shapeId?: string
    warnings: { code: string }[]
  }[]
  created?: string[]
}

const SHEET =
  '姓名,职务,部门,角色,关系,影响力,对接人,最近接触,备注\n' +
  '王强,总经理,领导班子,KDM,CR3 中立者,高,,2026-11-20,老板\n' +
  '李娜,信息中心主任,信息中心,关键影响者,CR2,中,"张三, 李四",2026/09/01,\n' +
  '赵六,工程师,信息中心,大老板,CR9,低,王五,,\n' +
  ',,,,,,,,\n' +
  ',采购经理,采购部,KU,,,,,\n' +
  '李娜,信息中心主任,信息中心,KI,,,,,重复\n'

describe('POST /api/accounts/:id/import/stakeholders', () => {
  test('dryRun previews the columns, rows and rejections and changes nothing', async ({ server, people, client }) => {
    const { postCsv } = people
    const c = await client(server, 'acme')
    const before = records(c).length
    const res = await postCsv('acme', SHEET, '?dryRun=1')
    expect(res.status).toBe(200)
    const body = (await res.json()) as ImportResponse
    expect(body).toMatchObject({ dryRun: true, added: 3, updated: 0, unchanged: 0 })
    expect(body.columns.map((col) => col.field)).toEqual([
      'name',
      'title',
      'department',
      'role',
      'relationship',
      'influence',
      'contact',
      'lastContact',
      null,
    ])
    expect(body.rows.map((r) => [r.row, r.action])).toEqual([
      [2, 'add'],
      [3, 'add'],
      [4, 'add'],
    ])
    expect(body.rows[2]!.warnings.map((w) => w.code)).toEqual(['value.unknown', 'value.unknown'])
    expect(body.rejected.map((r) => [r.row, r.code])).toEqual([
      [6, 'name.missing'],
      [7, 'row.duplicate'],
    ])
    // A barrier, not a sleep: anything the server wrote to the room has reached `c` once it sees this.
    await barrier(wsUrl(server), 'acme', c, { cookie: server.cookie })
    expect(records(c).length).toBe(before)
  })

  test('writes valid cards a connected client receives, and the plan record shows them with the new findings', async ({
    server,
    people,
    client,
  }) => {
    const { editor, postCsv } = people
    const c = await client(server, 'acme')
    const res = await postCsv('acme', SHEET)
    expect(res.status).toBe(200)
    const body = (await res.json()) as ImportResponse
    expect(body).toMatchObject({ dryRun: false, added: 3 })
    expect(body.created).toHaveLength(3)
    await eventually(() => expect(stakeholders(c)).toHaveLength(3))

    // What the client holds is what tldraw's schema (with ours) accepts, migrated or not.
    const schema = createWarRoomSchema()
    for (const r of records(c)) expect(checkRecord(r, schema)).toMatchObject({ ok: true })
    const wang = stakeholders(c).find((s) => (s.props as { name: string }).name === '王强')!
    expect(wang.props).toMatchObject({ role: 'kdm', relationship: 'cr3', influence: 'high', lastContact: '2026-11-20' })
    const zhao = stakeholders(c).find((s) => (s.props as { name: string }).name === '赵六')!
    expect(zhao.props).toMatchObject({ role: 'other', relationship: 'unknown', influence: 'low' })
    expect(readProvenance(wang.meta).relationship).toMatchObject({ by: editor.id, byName: 'editor' })
    expect(new Set(stakeholders(c).map((s) => s.index)).size).toBe(3)

    const plan = (await (
      await api(server, 'GET', '/api/accounts/acme/plan', { cookie: editor.cookie })
    ).json()) as PlanRecord
    expect(plan.stakeholders.map((s) => s.name).sort()).toEqual(['李娜', '王强', '赵六'])
    expect(plan.stakeholders.find((s) => s.name === '王强')!.provenance?.role?.by).toBe(editor.id)
    const codes = plan.findings.map((f) => [f.code, f.shapeId])
    expect(codes).toContainEqual(['chain.kdm.uncovered', wang.id])
    expect(codes).toContainEqual(['stakeholder.contact.stale', plan.stakeholders.find((s) => s.name === '李娜')!.id])
  })

  test('re-importing updates the people already on the map instead of duplicating them', async ({
    server,
    people,
    client,
  }) => {
    const { postCsv } = people
    const c = await client(server, 'acme')
    const again = (await (await postCsv('acme', SHEET)).json()) as ImportResponse
    expect([again.added, again.updated, again.unchanged]).toEqual([0, 0, 3])
    const changed = SHEET.replace('CR3 中立者', 'CR2').replace('工程师,信息中心,大老板', '工程师,信息中心,KU')
    const res = (await (await postCsv('acme', changed)).json()) as ImportResponse
    expect([res.added, res.updated, res.unchanged]).toEqual([0, 2, 1])
    await eventually(() =>
      expect(stakeholders(c).find((s) => (s.props as { name: string }).name === '王强')!.props).toMatchObject({
        relationship: 'cr2',
      }),
    )
    expect(stakeholders(c)).toHaveLength(3)
  })

  test('matches by CRM id kept in meta.crmId, and takes .xlsx files as multipart "file"', async ({
    server,
    people,
    client,
  }) => {
    const { postFile } = people
    const c = await client(server, 'acme')
    const sheet = async (name: string) =>
      new Uint8Array(
        await (
          await writeXlsxFile([
            ['CRM ID', 'Name', 'Title', 'Role'],
            [9001, name, 'CFO', 'KI'],
          ]).toBlob()
        ).arrayBuffer(),
      )
    const first = (await (await postFile('acme', await sheet('Ann'), 'people.xlsx')).json()) as ImportResponse
    expect(first.added).toBe(1)
    await eventually(() => expect(stakeholders(c)).toHaveLength(4))
    const ann = stakeholders(c).find((s) => (s.props as { name: string }).name === 'Ann')!
    expect(ann.meta).toMatchObject({ crmId: '9001' })
    const renamed = (await (await postFile('acme', await sheet('Ann Lee'), 'people.xlsx')).json()) as ImportResponse
    expect(renamed.rows[0]).toMatchObject({ action: 'update', shapeId: ann.id })
    await eventually(() =>
      expect(stakeholders(c).find((s) => s.id === ann.id)!.props).toMatchObject({ name: 'Ann Lee' }),
    )
    expect(stakeholders(c)).toHaveLength(4)
  })

  test('reads GB18030 text and places cards into a chosen faction, growing it', async ({ server, people, client }) => {
    const { postCsv } = people
    const c = await client(server, 'bare')
    const kv = new YKeyValue<unknown>(c.doc.getArray(DocKeys.records))
    const faction = shapeRecord('shape:camp', 'faction', { ...defaultFactionProps(), w: 400, h: 200 })
    c.doc.transact(() => {
      kv.set('page:page', { id: 'page:page', typeName: 'page', name: 'P', index: 'a1', meta: {} })
      kv.set(faction.id, faction)
    })
    // '姓名,角色\r\n王强,KDM\r\n李娜,KI\r\n' in GBK
    const gbk = new Uint8Array([
      0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xbd, 0xc7, 0xc9, 0xab, 0x0d, 0x0a, 0xcd, 0xf5, 0xc7, 0xbf, 0x2c, 0x4b, 0x44, 0x4d,
      0x0d, 0x0a, 0xc0, 0xee, 0xc4, 0xc8, 0x2c, 0x4b, 0x49, 0x0d, 0x0a,
    ])
    await eventually(async () => {
      const preview = (await (await postCsv('bare', gbk, '?dryRun=1')).json()) as ImportResponse
      expect(preview.rows.map((r) => r.fields.name)).toEqual(['王强', '李娜'])
    })
    const res = await postCsv('bare', gbk, '?faction=shape:camp')
    expect(res.status).toBe(200)
    await eventually(() => expect(stakeholders(c)).toHaveLength(2))
    for (const s of stakeholders(c)) expect(s.parentId).toBe('shape:camp')
    const grown = records(c).find((r) => r.id === 'shape:camp')!.props as { w: number; h: number }
    expect(grown.h).toBeGreaterThan(200)
    expect((await postCsv('bare', gbk, '?faction=shape:nope')).status).toBe(400)
  })

  test('records each import that wrote (not the dry runs) in the audit log', async ({ server }) => {
    const res = await api(server, 'GET', '/api/audit?action=stakeholders.import', { cookie: server.cookie })
    const { entries } = (await res.json()) as {
      entries: { actor: { email: string }; target: Record<string, string>; detail: Record<string, number> }[]
    }
    const acme = entries.filter((e) => e.target.accountId === 'acme').reverse()
    expect(acme.length).toBeGreaterThanOrEqual(3)
    expect(acme[0]).toMatchObject({
      actor: { email: 'editor@example.com' },
      detail: { added: 3, updated: 0, unchanged: 0, rejected: 2 },
    })
  })

  test('refuses viewers and other users with 403, and changes nothing', async ({ server, people, client }) => {
    const { viewer, postCsv } = people
    const c = await client(server, 'acme')
    const before = stakeholders(c).length
    expect((await postCsv('acme', '姓名\n新人\n', '', viewer)).status).toBe(403)
    expect((await postCsv('acme', '姓名\n新人\n', '?dryRun=1', viewer)).status).toBe(403)
    const stranger = (await userWithSession(server, server.cookie, 'stranger@example.com')).cookie
    expect((await postCsv('acme', '姓名\n新人\n', '', stranger)).status).toBe(403)
    // A barrier, not a sleep: anything the server wrote to the room has reached `c` once it sees this.
    await barrier(wsUrl(server), 'acme', c, { cookie: server.cookie })
    expect(stakeholders(c)).toHaveLength(before)
  })

  test('refuses a file over the size limit and a sheet over the row limit with a clear 413', async ({
    server,
    people,
    client,
  }) => {
    const { postCsv, postFile } = people
    const c = await client(server, 'limits')
    const big = `姓名,关注点\n${'王强,'.padEnd(MAX_BYTES, 'x')}\n`
    const tooBig = await postCsv('limits', big)
    expect(tooBig.status).toBe(413)
    expect(((await tooBig.json()) as { error: string }).error).toMatch(/file too large \(limit 65536 bytes\)/)
    const form = await postFile('limits', new TextEncoder().encode(big), 'big.csv')
    expect(form.status).toBe(413)
    const rows = `姓名\n${Array.from({ length: MAX_ROWS + 1 }, (_, i) => `人${i}`).join('\n')}\n`
    const tooMany = await postCsv('limits', rows)
    expect(tooMany.status).toBe(413)
    expect((await tooMany.json()) as { error: string; message: { zh: string } }).toEqual({
      error: `the sheet has ${MAX_ROWS + 1} rows; at most ${MAX_ROWS} are imported at once`,
      message: {
        zh: `表格有 ${MAX_ROWS + 1} 行；一次最多导入 ${MAX_ROWS} 行`,
        en: `the sheet has ${MAX_ROWS + 1} rows; at most ${MAX_ROWS} are imported at once`,
      },
    })
    const exactly = `姓名\n${Array.from({ length: MAX_ROWS }, (_, i) => `人${i}`).join('\n')}\n`
    expect((await postCsv('limits', exactly, '?dryRun=1')).status).toBe(200)
    // Larger than the JSON body limit, within the import's own: accepted.
    const wide = `姓名,关注点\n${Array.from({ length: 10 }, (_, i) => `人${i},${'关注'.repeat(900)}`).join('\n')}\n`
    expect(new TextEncoder().encode(wide).byteLength).toBeGreaterThan(16 * 1024)
    expect((await postCsv('limits', wide, '?dryRun=1')).status).toBe(200)
    // A barrier, not a sleep: anything the server wrote to the room has reached `c` once it sees this.
    await barrier(wsUrl(server), 'limits', c, { cookie: server.cookie })
    expect(stakeholders(c)).toHaveLength(0)
  })

  test('refuses bad input with a clear error: no name column, an .xls file, another content type', async ({
    server,
    people,
  }) => {
    const { editor, postCsv, postFile } = people
    const noName = await postCsv('limits', 'Title\nCIO\n')
    expect(noName.status).toBe(400)
    expect(((await noName.json()) as { error: string }).error).toMatch(/no column names the person/)
    expect((await postFile('limits', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), 'old.xls')).status).toBe(400)
    const json = await api(server, 'POST', '/api/accounts/limits/import/stakeholders', {
      cookie: editor.cookie,
      body: { name: 'x' },
    })
    expect(json.status).toBe(415)
  })

  test('refuses to write into a document whose stored schema is newer than the server’s', async ({
    server,
    people,
    client,
  }) => {
    const { postCsv } = people
    const c = await client(server, 'future')
    const ours = createWarRoomSchema().serialize()
    c.doc.getMap(DocKeys.meta).set(DocKeys.schema, {
      ...ours,
      sequences: { ...ours.sequences, 'com.example.future': 1 },
    })
    await eventually(async () => {
      const res = await postCsv('future', '姓名\n王强\n')
      expect(res.status).toBe(409)
      expect(((await res.json()) as { error: string }).error).toMatch(/newer version/)
    })
    expect(stakeholders(c)).toHaveLength(0)
  })
})

describe('the freshness, import and coverage limits', () => {
  test('reach the client with GET /api/me, as the focus limit does: the server’s own values', async ({
    server,
    people,
  }) => {
    const { editor } = people
    const me = (await (await api(server, 'GET', '/api/me', { cookie: editor.cookie })).json()) as Record<
      string,
      unknown
    >
    expect(me).toMatchObject({
      staleContactDays: 45,
      portfolioFocusLimit: 3,
      importMaxBytes: MAX_BYTES,
      importMaxRows: MAX_ROWS,
      coverageLimit: 5,
    })
  })
})

describe('a document written by an older build', () => {
  test('is migrated up before the import writes into it, as a client does on open', async ({
    server,
    people,
    client,
  }) => {
    const { postCsv } = people
    await server.ensureAccount('old')
    await addMember(server, server.cookie, 'old', 'editor@example.com', 'editor')
    const c = await client(server, 'old')
    const ours = createWarRoomSchema().serialize()
    const seq = Object.keys(ours.sequences).find((k) => k.endsWith('shape.stakeholder'))!
    const kv = new YKeyValue<unknown>(c.doc.getArray(DocKeys.records))
    c.doc.transact(() => {
      c.doc.getMap(DocKeys.meta).set(DocKeys.schema, { ...ours, sequences: { ...ours.sequences, [seq]: 0 } })
      kv.set('page:page', { id: 'page:page', typeName: 'page', name: 'P', index: 'a1', meta: {} })
      const { competitor: _dropped, ...v0 } = { ...defaultStakeholderProps(), name: '老王', title: '处长' }
      kv.set('shape:old', shapeRecord('shape:old', 'stakeholder', v0))
    })
    // The old card has reached the server (an import is not idempotent: it may not be retried).
    await eventually(() => {
      const room = server.rooms.peek('old')
      expect(
        room?.doc
          .getArray<{ key: string }>(DocKeys.records)
          .toArray()
          .some((e) => e.key === 'shape:old'),
      ).toBe(true)
    })
    const res = (await (await postCsv('old', '姓名,职务,角色\n老王,处长,KDM\n新人,科长,KI\n')).json()) as ImportResponse
    expect([res.added, res.updated]).toEqual([1, 1])
    await eventually(() => expect(stakeholders(c)).toHaveLength(2))
    expect(stakeholders(c).find((s) => s.id === 'shape:old')!.props).toMatchObject({ competitor: '', role: 'kdm' })
    expect((c.doc.getMap(DocKeys.meta).get(DocKeys.schema) as typeof ours).sequences[seq]).toBe(ours.sequences[seq])
  })
})

describe('GET /api/accounts/:id/stakeholders.xlsx', () => {
  test('has the CSV’s columns and rows, and goes out and comes back without duplicating anyone', async ({
    server,
    people,
  }) => {
    const { editor, postFile } = people
    const res = await api(server, 'GET', '/api/accounts/acme/stakeholders.xlsx', { cookie: editor.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="acme-stakeholders.xlsx"')
    const bytes = new Uint8Array(await res.arrayBuffer())
    const table = await readTable(bytes)
    const csv = await (
      await api(server, 'GET', '/api/accounts/acme/stakeholders.csv', { cookie: editor.cookie })
    ).text()
    const csvTable = await readTable(new TextEncoder().encode(csv))
    expect(table.rows).toEqual(csvTable.rows)
    expect(mapTable(table.rows).rows.length).toBe(4)

    const back = (await (await postFile('acme', bytes, 'acme-stakeholders.xlsx')).json()) as ImportResponse
    expect([back.added, back.updated, back.unchanged]).toEqual([0, 0, 4])
  })

  test('?audience=customer keeps only the customer-safe columns', async ({ server, people }) => {
    const { editor } = people
    const res = await api(server, 'GET', '/api/accounts/acme/stakeholders.xlsx?audience=customer&lang=en', {
      cookie: editor.cookie,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain('stakeholders-customer.xlsx')
    const table = await readTable(new Uint8Array(await res.arrayBuffer()))
    expect(table.rows[0]).toEqual(['Shape ID', 'Name', 'Title', 'Department', 'Reports to'])
    expect(JSON.stringify(table.rows)).not.toMatch(/CR\d|张三/)
    expect(
      (await api(server, 'GET', '/api/accounts/acme/stakeholders.xlsx?audience=boss', { cookie: editor.cookie }))
        .status,
    ).toBe(400)
  })
})
