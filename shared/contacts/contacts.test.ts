import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import writeXlsxFile from 'write-excel-file/universal'
import { renderStakeholdersCsv } from '../plan/csv'
import { derivePlan } from '../plan/derive'
import { faction, PAGE_ID, stakeholder } from '../plan/testing/builders'
import { checkRecord } from '../schema'
import { buildCoverage } from './coverage'
import { fieldForHeader, parseDay, parseRelationship, parseRole } from './fields'
import { planImport } from './importPlan'
import { previewImport } from './index'
import { CARD, layoutOnPage } from './layout'
import { mapTable } from './mapping'
import { readProvenance } from './provenance'
import { readTable, SheetError } from './read'
import { buildImportRecords, existingCards } from './records'

const utf8 = (s: string) => new TextEncoder().encode(s)
const withBom = (s: string) => utf8(`\uFEFF${s}`)

async function mapCsv(text: string | Uint8Array) {
  const table = await readTable(typeof text === 'string' ? utf8(text) : text)
  return mapTable(table.rows)
}

describe('reading a contact sheet', () => {
  it('recognises Chinese headers and the seeds’ values', async () => {
    const sheet = await mapCsv(
      '姓名,职务,部门,角色,关系,影响力,关注点,对接人,最近联系\n' +
        '王强,信息中心主任,信息中心,关键决策者,CR2 友善者,高,数据安全,张三,2026/11/20\n' +
        '李娜,采购经理,采购部,KU,中立者,低,价格,李四,2026年11月3日\n',
    )
    expect(sheet.columns.map((c) => c.field)).toEqual([
      'name',
      'title',
      'department',
      'role',
      'relationship',
      'influence',
      'concern',
      'contact',
      'lastContact',
    ])
    expect(sheet.rows.map((r) => r.values)).toEqual([
      {
        name: '王强',
        title: '信息中心主任',
        department: '信息中心',
        role: 'kdm',
        relationship: 'cr2',
        influence: 'high',
        concern: '数据安全',
        contact: '张三',
        lastContact: '2026-11-20',
      },
      {
        name: '李娜',
        title: '采购经理',
        department: '采购部',
        role: 'ku',
        relationship: 'cr3',
        influence: 'low',
        concern: '价格',
        contact: '李四',
        lastContact: '2026-11-03',
      },
    ])
    expect(sheet.rejected).toEqual([])
  })

  it('recognises English headers, in any case and spacing', async () => {
    const sheet = await mapCsv(
      'Full Name,Job Title,Dept,Role,Relationship,Influence,Champion,Our Contact,Last contact,CRM ID\n' +
        'Ann Lee,CIO,IT,Key decision maker,CR1,High,yes,Bob,2026-10-01,C-17\n',
    )
    expect(sheet.rows[0]!.values).toEqual({
      name: 'Ann Lee',
      title: 'CIO',
      department: 'IT',
      role: 'kdm',
      relationship: 'cr1',
      influence: 'high',
      champion: true,
      contact: 'Bob',
      lastContact: '2026-10-01',
      crmId: 'C-17',
    })
  })

  it('reads our own bilingual stakeholders.csv back (headers "姓名 Name", values "CR3 中立者")', async () => {
    const plan = derivePlan(
      {
        account: {},
        records: [
          stakeholder('shape:a', {
            name: '王强',
            title: 'CIO',
            role: 'kdm',
            relationship: 'cr3',
            influence: 'high',
            champion: true,
            contact: '张三、李四',
            lastContact: '2026-11-20',
          }),
        ],
      },
      { today: '2026-12-01' },
    )
    const sheet = await mapCsv(utf8(renderStakeholdersCsv(plan, 'both')))
    expect(sheet.columns.filter((c) => c.field).map((c) => [c.header, c.field])).toEqual([
      ['图形ID Shape ID', 'shapeId'],
      ['姓名 Name', 'name'],
      ['职务 Title', 'title'],
      ['部门 Department', 'department'],
      ['角色 Role', 'role'],
      ['客户关系 Relationship', 'relationship'],
      ['影响力 Influence', 'influence'],
      ['代言人 Champion', 'champion'],
      ['核心关切 Core concern', 'concern'],
      ['我方对接人 Our contact', 'contact'],
      ['最近接触 Last contact', 'lastContact'],
    ])
    expect(sheet.rows[0]!.values).toMatchObject({
      shapeId: 'shape:a',
      role: 'kdm',
      relationship: 'cr3',
      influence: 'high',
      champion: true,
      contact: '张三、李四',
    })
    expect(sheet.rows[0]!.warnings).toEqual([])
  })

  it('strips a UTF-8 byte-order mark so the first header still matches', async () => {
    const table = await readTable(withBom('姓名,职务\n王强,CIO\n'))
    expect(table.encoding).toBe('utf-8')
    expect(table.rows[0]).toEqual(['姓名', '职务'])
    expect(mapTable(table.rows).columns[0]!.field).toBe('name')
  })

  it('reads GBK, as Chinese Excel saves "CSV" (bytes of 姓名,职务,… in GBK)', async () => {
    // '姓名,职务,部门,角色,关系\r\n王强,信息中心主任,信息中心,关键决策者,CR2\r\n'.encode('gbk')
    const hex =
      'd0d5c3fb2cd6b0cef12cb2bfc3c52cbdc7c9ab2cb9d8cfb50d0acdf5c7bf2cd0c5cfa2d6d0d0c4d6f7c8ce2cd0c5cfa2d6d0d0c42cb9d8bcfcbef6b2dfd5df2c4352320d0a'
    const bytes = new Uint8Array(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)))
    const table = await readTable(bytes)
    expect(table.encoding).toBe('gb18030')
    const sheet = mapTable(table.rows)
    expect(sheet.rows[0]!.values).toEqual({
      name: '王强',
      title: '信息中心主任',
      department: '信息中心',
      role: 'kdm',
      relationship: 'cr2',
    })
  })

  it('keeps quoted commas, quotes and line breaks inside one cell, and numbers rows as the sheet does', async () => {
    const sheet = await mapCsv('姓名,关注点,职务\n"王强","成本, 安全\n以及""国产化""",CIO\n李娜,,CTO\n')
    expect(sheet.rows.map((r) => [r.row, r.values.concern ?? ''])).toEqual([
      [2, '成本, 安全\n以及"国产化"'],
      [3, ''],
    ])
    expect(sheet.rows[1]!.values.title).toBe('CTO')
  })

  it('skips empty rows (also ,,, rows) without rejecting them, and keeps later row numbers', async () => {
    const sheet = await mapCsv('\n姓名,职务\n王强,CIO\n,,\n\n李娜,CTO\n')
    expect(sheet.rows.map((r) => [r.row, r.values.name])).toEqual([
      [3, '王强'],
      [6, '李娜'],
    ])
    expect(sheet.rejected).toEqual([])
  })

  it('keeps formula-looking cells as text: nothing is evaluated', async () => {
    const sheet = await mapCsv('姓名,职务,关注点\n"=HYPERLINK(""http://evil.example"",""点我"")",@SUM(A1),+1\n')
    expect(sheet.rows[0]!.values).toEqual({
      name: '=HYPERLINK("http://evil.example","点我")',
      title: '@SUM(A1)',
      concern: '+1',
    })
  })

  it('reports unknown role and relationship values for the row and leaves the defaults, never guessing', async () => {
    const sheet = await mapCsv('姓名,角色,关系,影响力,代言人,最近接触\n王强,大老板,CR9,很大,也许,上周\n')
    const row = sheet.rows[0]!
    expect(row.values).toEqual({ name: '王强' })
    expect(row.warnings.map((w) => [w.code, w.field, w.value])).toEqual([
      ['value.unknown', 'role', '大老板'],
      ['value.unknown', 'relationship', 'CR9'],
      ['value.unknown', 'influence', '很大'],
      ['value.unknown', 'champion', '也许'],
      ['date.invalid', 'lastContact', '上周'],
    ])
    expect(row.warnings[0]!.message.zh).toContain('大老板')
    const plan = planImport(sheet, [])
    const records = buildImportRecords(plan, [], { author: { id: 'u1', name: 'U' }, at: 'x', newId: () => 'shape:n' })
    const card = records.find((r) => r.type === 'stakeholder')!
    expect(card.props).toMatchObject({ role: 'other', relationship: 'unknown', influence: 'medium', champion: false })
  })

  it('rejects rows without a name and duplicate rows, with the reason and the first row', async () => {
    const sheet = await mapCsv('姓名,职务,角色\n王强,CIO,KDM\n,CTO,KI\n王 强,cio,KI\nWang,CFO,KI\n')
    expect(sheet.rows.map((r) => r.row)).toEqual([2, 5])
    expect(sheet.rejected.map((r) => [r.row, r.code, r.reason])).toEqual([
      [3, 'name.missing', 'no name'],
      [4, 'row.duplicate', 'the same person as row 2'],
    ])
  })

  it('treats rows with the same CRM id as duplicates even under other names', async () => {
    const sheet = await mapCsv('CRM ID,姓名\n17,王强\n17,王小强\n18,王强\n')
    expect(sheet.rows.map((r) => r.row)).toEqual([2, 4])
    expect(sheet.rejected.map((r) => r.row)).toEqual([3])
  })

  it('refuses a sheet without a name column, an empty file, an old .xls and an unclosed quote', async () => {
    await expect(mapCsv('Title,Dept\nCIO,IT\n')).rejects.toMatchObject({ code: 'sheet.noName' })
    await expect(readTable(new Uint8Array())).rejects.toMatchObject({ code: 'sheet.empty' })
    await expect(readTable(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2]))).rejects.toMatchObject({
      code: 'sheet.xls',
    })
    await expect(readTable(utf8('姓名\n"王强\n'))).rejects.toBeInstanceOf(SheetError)
  })

  it('refuses more rows than the limit as a whole, counting only non-empty rows', async () => {
    const text = `姓名\n${Array.from({ length: 5 }, (_, i) => `p${i}\n\n`).join('')}`
    expect((await readTable(utf8(text))).rows.length).toBe(11)
    expect(mapTable((await readTable(utf8(text))).rows, { maxRows: 5 }).rows).toHaveLength(5)
    expect(() => mapTable([['姓名'], ['a'], ['b']], { maxRows: 1 })).toThrow(/at most 1/)
  })

  it('reads .xlsx: text, numbers (a CRM id), date cells, booleans; formula-looking text stays text', async () => {
    const blob = await writeXlsxFile(
      [
        ['姓名', '职务', 'CRM ID', '最近接触', '代言人', '关注点'],
        ['王强', 'CIO', 1017, new Date('2026-11-20T00:00:00Z'), true, { type: String, value: '=HYPERLINK("x")' }],
        [null, null, null, null, null, null],
        ['李娜', 'CTO', 1018, '2026/11/21', false, null],
      ],
      { dateFormat: 'yyyy-mm-dd' } as never,
    ).toBlob()
    const table = await readTable(await blob.arrayBuffer())
    expect(table.format).toBe('xlsx')
    const sheet = mapTable(table.rows)
    expect(sheet.rows.map((r) => [r.row, r.values])).toEqual([
      [
        2,
        {
          name: '王强',
          title: 'CIO',
          crmId: '1017',
          lastContact: '2026-11-20',
          champion: true,
          concern: '=HYPERLINK("x")',
        },
      ],
      [4, { name: '李娜', title: 'CTO', crmId: '1018', lastContact: '2026-11-21', champion: false }],
    ])
  })

  it('reads an .xlsx formula cell as its formula text, never its stored value, and says so for the row', async () => {
    // A workbook as Excel saves it: formula cells carry the value Excel computed (<v>), and a
    // filled-down formula is shared (its text only on the first cell).
    const blob = await writeXlsxFile([
      ['姓名', '职务', '关注点', '角色'],
      ['王强', 'CIO', { type: 'Formula', value: 'HYPERLINK("http://evil.example","点我")' }, 'KDM'],
      ['李娜', { type: 'Formula', value: 'CONCATENATE("C","TO")' }, '价格', { type: 'Formula', value: 'A1&"x"' }],
      ['张伟', 'CFO', null, null],
    ]).toBlob()
    const files = unzipSync(new Uint8Array(await blob.arrayBuffer()))
    let xml = strFromU8(files['xl/worksheets/sheet1.xml']!)
    const edit = (from: string | RegExp, to: string) => {
      const next = xml.replace(from, to)
      expect(next).not.toBe(xml)
      xml = next
    }
    edit('<c r="C2">', '<c r="C2" t="str">')
    edit('<c r="D3">', '<c r="D3" t="str">')
    edit('<f>HYPERLINK("http://evil.example","点我")</f>', '<f>HYPERLINK("http://evil.example","点我")</f><v>点我</v>')
    edit('<f>A1&amp;"x"</f>', '<f t="shared" ref="D3:D5" si="0">A1&amp;"x"</f><v>姓名x</v>')
    edit(
      '</row></sheetData>',
      '</row><row r="5"><c r="A5" t="str"><v>赵六</v></c><c r="D5" t="str"><f t="shared" si="0"/><v>王强x</v></c></row></sheetData>',
    )
    files['xl/worksheets/sheet1.xml'] = strToU8(xml)
    const table = await readTable(zipSync(files))
    expect(table.formulas).toEqual([
      { row: 1, col: 2 },
      { row: 2, col: 1 },
      { row: 2, col: 3 },
      { row: 4, col: 3 },
    ])
    const sheet = mapTable(table)
    expect(sheet.rows.map((r) => r.values)).toEqual([
      { name: '王强', title: 'CIO', concern: '=HYPERLINK("http://evil.example","点我")', role: 'kdm' },
      { name: '李娜', title: '=CONCATENATE("C","TO")', concern: '价格' },
      { name: '张伟', title: 'CFO' },
      { name: '赵六' },
    ])
    expect(sheet.rows[0]!.warnings.map((w) => [w.code, w.field, w.message.en])).toEqual([
      [
        'cell.formula',
        'concern',
        'Core concern is a formula in the sheet (“=HYPERLINK("http://evil.example","点我")”): imported as its text, never run',
      ],
    ])
    expect(sheet.rows[1]!.warnings.map((w) => [w.code, w.field])).toEqual([
      ['cell.formula', 'title'],
      ['cell.formula', 'role'],
      ['value.unknown', 'role'],
    ])
    // The filled-down copy of a shared formula carries the first cell's text (shown, never run).
    expect(sheet.rows[3]!.warnings.map((w) => [w.code, w.field, w.value])).toEqual([
      ['cell.formula', 'role', '=A1&"x"'],
      ['value.unknown', 'role', '=A1&"x"'],
    ])
    expect(sheet.rows[0]!.warnings[0]!.message.zh).toContain('按文字导入，不会执行')
  })
})

describe('vocabulary', () => {
  it('maps headers in both languages and does not read "Last contact" as "contact"', () => {
    expect(fieldForHeader('最近接触 Last contact')).toBe('lastContact')
    expect(fieldForHeader('Our contact')).toBe('contact')
    expect(fieldForHeader('派系立场 Faction stance')).toBeNull()
    expect(fieldForHeader('备注')).toBeNull()
  })
  it('reads values as the seeds and our exports write them', () => {
    expect(parseRole('KDM')).toBe('kdm')
    expect(parseRole('关键影响者')).toBe('ki')
    expect(parseRole('技术把关者')).toBe('gatekeeper')
    expect(parseRole('大老板')).toBeNull()
    expect(parseRelationship('cr4')).toBe('cr4')
    expect(parseRelationship('CR5 Firm opponent')).toBe('cr5')
    expect(parseRelationship('铁杆支持者')).toBe('cr1')
    expect(parseRelationship('CR9')).toBeNull()
    expect(parseDay('2026-02-30')).toBeNull()
    expect(parseDay('46000')).toBe('2025-12-09')
    expect(parseDay('11/20/2026')).toBeNull()
  })
})

describe('planning an import against the map', () => {
  const existing = [
    stakeholder('shape:wang', { name: '王强', title: 'CIO', role: 'kdm', relationship: 'cr3' }),
    { ...stakeholder('shape:li', { name: '李娜', title: 'CTO' }), meta: { crmId: 'C2' } },
  ]

  it('updates people matched by name + title or CRM id, and counts added, updated and unchanged', async () => {
    const sheet = await mapCsv('姓名,职务,关系,CRM ID\n王强,CIO,CR2,\n李娜（新）,CTO,,C2\n赵六,CFO,CR3,C3\n')
    const plan = planImport(sheet, existingCards(existing))
    expect(plan.rows.map((r) => [r.row, r.action, r.shapeId, r.changed])).toEqual([
      [2, 'update', 'shape:wang', ['relationship']],
      [3, 'update', 'shape:li', ['name']],
      [4, 'add', undefined, undefined],
    ])
    expect([plan.added, plan.updated, plan.unchanged]).toEqual([1, 1 + 1, 0])
  })

  it('says "unchanged" when the sheet matches the card, and never clears a field with an empty cell', async () => {
    const sheet = await mapCsv('姓名,职务,角色,关系\n王强,CIO,KDM,\n')
    const plan = planImport(sheet, existingCards(existing))
    expect(plan.rows[0]).toMatchObject({ action: 'unchanged', shapeId: 'shape:wang' })
  })

  it('does not match a card that carries another CRM id', async () => {
    const sheet = await mapCsv('姓名,职务,CRM ID\n李娜,CTO,C9\n')
    expect(planImport(sheet, existingCards(existing)).rows[0]!.action).toBe('add')
  })

  it('rejects a second row that lands on the same card', async () => {
    const sheet = await mapCsv('姓名,职务,CRM ID\n李娜,CTO,\n李娜2,CTO,C2\n')
    const plan = planImport(sheet, existingCards(existing))
    expect(plan.rows.map((r) => r.row)).toEqual([2])
    expect(plan.rejected.map((r) => [r.row, r.code])).toEqual([[3, 'row.duplicate']])
  })
})

describe('records written by an import', () => {
  const author = { id: 'user-1', name: '王经理' }
  let n = 0
  const options = { author, at: '2026-11-20T08:00:00.000Z', newId: () => `shape:new${n++}` }

  it('are valid against the shared schema, laid out below the existing shapes, indexed above them', async () => {
    const doc = [
      { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
      { id: PAGE_ID, typeName: 'page', name: 'P', index: 'a1', meta: {} },
      { ...stakeholder('shape:wang', { name: '王强', title: 'CIO' }), x: 100, y: 50, index: 'a5' },
    ]
    const plan = await previewImport(
      utf8('姓名,职务,部门,角色,关系\n甲,A,财务部,KU,CR1\n乙,B,信息中心,KDM,\n丙,C,财务部,KDM,\n王强,CIO,,,CR2\n'),
      existingCards(doc),
    )
    const out = buildImportRecords(plan, doc, options)
    for (const r of out) expect(checkRecord(r).ok).toBe(true)
    const created = out.filter((r) => r.id !== 'shape:wang')
    expect(created).toHaveLength(3)
    for (const r of created) {
      expect(r.y as number).toBeGreaterThan(50 + 120)
      expect((r.index as string) > 'a5').toBe(true)
      expect(r.parentId).toBe(PAGE_ID)
    }
    // One band per department in order of appearance, KDM first within it.
    const byName = Object.fromEntries(created.map((r) => [(r.props as { name: string }).name, r]))
    expect(byName.丙!.x).toBe(100)
    expect(byName.甲!.x).toBe(100 + CARD.w + 40)
    expect(byName.乙!.y as number).toBeGreaterThan(byName.甲!.y as number)
    expect(new Set(created.map((r) => r.index)).size).toBe(3)
    // The update keeps the card where it is and records who set its stance.
    const wang = out.find((r) => r.id === 'shape:wang')!
    expect(wang).toMatchObject({ x: 100, y: 50, props: { relationship: 'cr2', name: '王强' } })
    expect(readProvenance(wang.meta)).toEqual({ relationship: { by: 'user-1', byName: '王经理', at: options.at } })
    expect(readProvenance(byName.甲!.meta)).toEqual({
      role: { by: 'user-1', byName: '王经理', at: options.at },
      relationship: { by: 'user-1', byName: '王经理', at: options.at },
    })
  })

  it('give an unopened document its page, and cards in a chosen faction grow it to hold them', async () => {
    const plan = await previewImport(utf8('姓名\n甲\n乙\n丙\n丁\n'), [])
    const bare = buildImportRecords(plan, [], options)
    expect(bare.map((r) => r.typeName)).toEqual(['document', 'page', 'shape', 'shape', 'shape', 'shape'])
    const doc = [
      { id: PAGE_ID, typeName: 'page', name: 'P', index: 'a1', meta: {} },
      faction('shape:f', { w: 600, h: 300 }),
    ]
    const out = buildImportRecords(plan, doc, { ...options, factionId: 'shape:f' })
    const grown = out.find((r) => r.id === 'shape:f')!
    const cards = out.filter((r) => r.type === 'stakeholder')
    expect(cards.every((c) => c.parentId === 'shape:f')).toBe(true)
    for (const c of cards) {
      expect((c.x as number) + CARD.w).toBeLessThanOrEqual((grown.props as { w: number }).w)
      expect((c.y as number) + CARD.h).toBeLessThanOrEqual((grown.props as { h: number }).h)
    }
    expect(() => buildImportRecords(plan, doc, { ...options, factionId: 'shape:nope' })).toThrow(/no faction/)
  })

  it('never overlap each other or the existing cards', () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ department: `d${i % 3}` }))
    const existing = { x: 0, y: 0, w: 900, h: 600 }
    const boxes = layoutOnPage(items, existing).map((p) => ({ ...p, w: CARD.w, h: CARD.h }))
    const overlaps = (a: typeof existing, b: typeof existing) =>
      a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    for (const [i, a] of boxes.entries()) {
      expect(overlaps(a, existing)).toBe(false)
      for (const b of boxes.slice(i + 1)) expect(overlaps(a, b)).toBe(false)
    }
  })
})

describe('coverage', () => {
  it('puts KDM and KI first, splits contacts by the owner rule, and names who nobody covers', () => {
    const plan = derivePlan(
      {
        account: {},
        records: [
          stakeholder('shape:a', { name: '甲', role: 'ku', contact: '张三' }),
          stakeholder('shape:b', { name: '乙', role: 'kdm', contact: '张三、李四', relationship: 'cr2' }),
          stakeholder('shape:c', { name: '丙', role: 'ki', contact: '待定' }),
          ...Array.from({ length: 6 }, (_, i) => stakeholder(`shape:x${i}`, { name: `x${i}`, contact: '王五' })),
        ],
      },
      { today: '2026-12-01' },
    )
    const c = buildCoverage(plan.stakeholders)
    expect(c.rows.slice(0, 3).map((r) => [r.name, r.coveredBy])).toEqual([
      ['乙', ['张三', '李四']],
      ['丙', []],
      ['甲', ['张三']],
    ])
    expect(c.uncovered).toEqual(['shape:c'])
    expect(c.uncoveredKey).toEqual(['shape:c'])
    expect(c.columns.map((col) => [col.name, col.covers.length, col.overloaded])).toEqual([
      ['王五', 6, true],
      ['张三', 2, false],
      ['李四', 1, false],
    ])
    // The limit is the server's (COVERAGE_LIMIT): at 1, covering two people is already too many.
    expect(buildCoverage(plan.stakeholders, 1).columns.map((col) => [col.name, col.overloaded])).toEqual([
      ['王五', true],
      ['张三', true],
      ['李四', false],
    ])
  })
})
