import { describe, expect, it } from 'vitest'
import { csvCell, renderActionsCsv, renderStakeholdersCsv } from './csv'
import { derivePlan } from './derive'
import { escapeMarkdown, renderPlanMarkdown } from './markdown'
import { action, arrow, faction, goodDoc, stakeholder, TODAY } from './testing/builders'

const FORMULA = "=cmd|' /C calc'!A0"
const SCRIPT = '<script>alert(1)</script>'
const LINK = '[click](javascript:alert(1))'

function hostilePlan() {
  return derivePlan(
    goodDoc({
      account: { name: SCRIPT, goal: `目标\n# 伪造标题\n${LINK}` },
      stakeholders: {
        'shape:s1': { name: FORMULA, concern: '@SUM(A1:A9)' },
        'shape:s2': { name: '欧阳娜娜', title: '+1 处长|副处长' },
        'shape:s3': { name: SCRIPT, contact: '-2+3' },
        'shape:s4': { name: '=HYPERLINK("http://evil.example","点我")' },
      },
      actions: {
        'shape:a1': { title: FORMULA, owner: '张三', checkpoint: 'say "hi", then\r\nleave' },
        'shape:a2': { title: LINK, owner: SCRIPT, resources: '\t=1+1' },
      },
      blockers: { 'shape:b1': { title: '<img src=x onerror=alert(1)>', detail: '- 列表\n---\n> 引用' } },
    }),
    { today: TODAY },
  )
}

/** A strict RFC 4180 reader, to check the CSV as a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let i = 0
  let quoted = false
  while (i < text.length) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }
      if (ch === '"') quoted = false
      else cell += ch
      i++
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else if (ch === '\n' || ch === '\r' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`)
    else cell += ch
    i++
  }
  if (cell !== '' || row.length > 0) throw new Error('last row not terminated by CRLF')
  return rows
}

describe('escapeMarkdown', () => {
  it('neutralises structure, inline syntax and HTML', () => {
    expect(escapeMarkdown('a\nb\r\nc\u2028d')).toBe('a b c d')
    expect(escapeMarkdown(SCRIPT)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(escapeMarkdown(LINK)).toBe('\\[click\\](javascript:alert(1))')
    expect(escapeMarkdown('*a* _b_ `c` ~d~ |e| #f \\g')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\|e\\| \\#f \\\\g')
    expect(escapeMarkdown('- item')).toBe('\\- item')
    expect(escapeMarkdown('1. item')).toBe('1\\. item')
    expect(escapeMarkdown('&amp;')).toBe('&amp;amp;')
    expect(escapeMarkdown('张三\u202e三张')).toBe('张三三张')
  })
})

describe('escapeMarkdown fast path', () => {
  it('returns text unchanged only when the full escaping would not change it', () => {
    const alphabet = [
      'a',
      'Z',
      '张',
      '三',
      ' ',
      '  ',
      '\u3000',
      '\n',
      '\t',
      '1',
      '.',
      ')',
      '-',
      '+',
      '=',
      '#',
      '*',
      '_',
      '[',
      ']',
      '|',
      '~',
      '`',
      '\\',
      '&',
      '<',
      '>',
      '(',
      '!',
      '\u202e',
      ':',
    ]
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (let i = 0; i < 5000; i++) {
      const text = Array.from(
        { length: 1 + Math.floor(next() * 6) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('')
      // Escaping the text with a prefix bypasses the fast path's start-of-text checks only.
      const full = escapeMarkdown(`${text}\u0000`).replace(/ $/, '')
      const expected = escapeMarkdown(text)
      if (expected === text) expect(full).toBe(text)
    }
  })
})

describe('renderPlanMarkdown', () => {
  it('has the sections of the plan in both languages', () => {
    const plan = derivePlan(goodDoc(), { today: TODAY })
    const zh = renderPlanMarkdown(plan, 'zh')
    for (const heading of [
      '# 大客户作战计划：华东电网',
      '## 客户与目标',
      '## 决策链（按派系）',
      '### 派系：技术派（友方）',
      '## 卡点',
      '## 行动项（按负责人）',
      '### 张三',
      '## 检查发现',
    ]) {
      expect(zh.split('\n')).toContain(heading)
    }
    expect(zh).toContain('- 卡在：王总')
    expect(zh).toContain('  - 高层拜访，推动立项（负责人：张三 · 截止：2026-12-15 · 进行中）')
    expect(zh).toContain('没有发现问题。')
    const en = renderPlanMarkdown(plan, 'en')
    for (const heading of [
      '# Key account plan: 华东电网',
      '## Account and goal',
      '## Decision chain by faction',
      '## Blockers',
      '## Actions by owner',
      '## Findings',
    ]) {
      expect(en.split('\n')).toContain(heading)
    }
    expect(en).toContain('| 李处 | 信息处处长 | — | Key influencer | CR1 Firm supporter | High | Yes | 王总 |')
  })

  it('lists findings by severity with their messages', () => {
    const plan = derivePlan(goodDoc({ account: { owner: '' }, actions: { 'shape:a1': { checkpoint: '' } } }), {
      today: TODAY,
    })
    const md = renderPlanMarkdown(plan, 'zh')
    const findings = md.slice(md.indexOf('## 检查发现'))
    expect(findings).toContain('### 错误（1）\n\n- 客户还没有唯一负责人')
    expect(findings).toContain('### 警告（1）\n\n- 行动项「高层拜访，推动立项」没有检查点')
  })

  it.each(['zh', 'en'] as const)('hostile names cannot add markup or structure (%s)', (lang) => {
    const md = renderPlanMarkdown(hostilePlan(), lang)
    // No raw HTML at all: < and > only ever appear as entities.
    expect(md).not.toMatch(/[<>]/)
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    // No link or image can form: every [ from user text is escaped.
    expect(md).not.toMatch(/(^|[^\\])\[/m)
    // User text never adds a heading, list item, rule or quote of its own.
    const headings = md.split('\n').filter((l) => l.startsWith('#'))
    expect(headings.some((h) => h.includes('伪造标题') && !h.startsWith('# '))).toBe(false)
    expect(md.split('\n').filter((l) => /^(---|>|\s*- 列表)/.test(l))).toEqual([])
    // Table rows keep their column count despite | in names.
    for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) {
      const widths = table.split('\n').map((l) => l.replace(/\\\|/g, '').split('|').length)
      expect(new Set(widths).size).toBe(1)
    }
    expect(md).toContain('欧阳娜娜')
  })
})

describe('CSV exports', () => {
  it('csvCell quotes per RFC 4180 and defuses formulas', () => {
    expect(csvCell('张三')).toBe('张三')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('a\nb')).toBe('"a\nb"')
    expect(csvCell(' padded ')).toBe('" padded "')
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell('+86 138')).toBe("'+86 138")
    expect(csvCell('-5')).toBe("'-5")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\t=1')).toBe("'\t=1")
    expect(csvCell('\r=1')).toBe('"\'\r=1"')
    // A leading tab or CR is on OWASP's list by itself, whatever follows it (the old check looked
    // for them after trimStart(), which had already removed them).
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('\rcmd')).toBe('"\'\rcmd"')
    expect(csvCell('  =1')).toBe("'  =1")
    expect(csvCell('＝1')).toBe("'＝1")
    expect(csvCell(FORMULA)).toBe(`'${FORMULA}`)
    expect(csvCell('2026-12-01')).toBe('2026-12-01')
  })

  it('actions.csv: BOM, CRLF, bilingual header, one row per action, hostile values inert', () => {
    const csv = renderActionsCsv(hostilePlan())
    expect(csv.startsWith('\uFEFF')).toBe(true)
    const rows = parseCsv(csv.slice(1))
    expect(rows[0]!.slice(0, 3)).toEqual(['图形ID Shape ID', '行动项 Action', '负责人 Owner'])
    expect(rows).toHaveLength(3)
    expect(new Set(rows.map((r) => r.length)).size).toBe(1)
    const a1 = rows.find((r) => r[0] === 'shape:a1')!
    expect(a1[1]).toBe(`'${FORMULA}`)
    expect(a1[9]).toBe('say "hi", then\r\nleave')
    const a2 = rows.find((r) => r[0] === 'shape:a2')!
    expect(a2[2]).toBe(SCRIPT)
    expect(a2[8]).toBe("'\t=1+1")
    // Names of targets are user text too.
    expect(a2[7]).toBe(`'=HYPERLINK("http://evil.example","点我")`)
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^\s*[=+\-@]/)
  })

  it('stakeholders.csv: every stakeholder with faction and links, in the chosen language', () => {
    const zh = parseCsv(renderStakeholdersCsv(hostilePlan(), 'zh').slice(1))
    expect(zh[0]!.slice(0, 5)).toEqual(['图形ID', '姓名', '职务', '部门', '角色'])
    expect(zh).toHaveLength(5)
    const s2 = zh.find((r) => r[0] === 'shape:s2')!
    expect(s2.slice(1, 11)).toEqual([
      '欧阳娜娜',
      "'+1 处长|副处长",
      '',
      '关键影响者',
      'CR1 铁杆支持者',
      '高',
      '是',
      '技术派',
      '友方',
      `'${FORMULA}`,
    ])
    const s1 = zh.find((r) => r[0] === 'shape:s1')!
    expect(s1[12]).toBe("'@SUM(A1:A9)")
    const s3 = zh.find((r) => r[0] === 'shape:s3')!
    expect(s3[13]).toBe("'-2+3")
    const en = parseCsv(renderStakeholdersCsv(hostilePlan(), 'en').slice(1))
    expect(en[0]!.slice(0, 3)).toEqual(['Shape ID', 'Name', 'Title'])
    expect(en.find((r) => r[0] === 'shape:s2')![4]).toBe('Key influencer')
  })

  it('an empty plan still has a header', () => {
    const plan = derivePlan(
      {
        account: {},
        records: [
          faction('shape:f'),
          stakeholder('shape:s', {}, 'shape:f'),
          action('shape:a'),
          ...arrow('shape:r', 'shape:a', 'shape:s'),
        ],
      },
      { today: TODAY },
    )
    expect(parseCsv(renderActionsCsv(plan, 'en').slice(1))).toHaveLength(2)
    expect(
      parseCsv(renderStakeholdersCsv(derivePlan({ account: {}, records: [] }, { today: TODAY })).slice(1)),
    ).toHaveLength(1)
  })
})
