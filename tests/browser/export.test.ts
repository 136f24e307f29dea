/**
 * PNG and SVG exports of War Room cards (issue 9) in a real browser: every card type is drawn as
 * native SVG (its util's `toSvg`, no `foreignObject`), with the same texts as the card on the
 * canvas, in Chinese and English; the customer-safe (对客版) export drops what shared/audience.ts's
 * allow-list drops; the PNG is read back with OCR (tesseract) and looked at
 * (tests/.artifacts/export-*.png); a page of several hundred cards exports whole.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  DEPARTMENT_LABELS,
  SEVERITY_LABELS,
  STANCE_LABELS,
} from '../../shared/shapes/labels.ts'
import { createAccount } from '../helpers/auth.ts'
import { ARTIFACTS_DIR } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'

const test = base.extend('sample', async ({ server, openRoom }) => {
  /** A fresh account holding the sample map, opened at 100 % (full cards) in `locale`. */
  return async (locale: 'zh-CN' | 'en-US', data: SampleData = LATIN) => {
    const id = await createAccount(server, server.cookie, {
      id: `export-${randomBytes(4).toString('hex')}`,
      name: 'Export sample',
    })
    // Speed: in a page an earlier test left for the same locale (`reuse`), the room mounted afresh.
    const recorded = await openRoom(id, { locale, viewport: { width: 1600, height: 1000 }, reuse: true })
    await recorded.page.evaluate(drawSample, data)
    // The whole map at 100 %: every card on screen in its full form (the export's form too).
    await recorded.page.evaluate(() => {
      window.__warRoomEditor!.setCamera({ x: 40, y: 60, z: 1 })
    })
    await recorded.page.waitForFunction((ids) => ids.every((id) => document.getElementById(id)?.textContent), CARD_IDS)
    return recorded
  }
})

interface SampleData {
  faction: string
  strategy: string
  liu: string
  he: string
  budget: string
  roi: string
  visit: string
  dropped: string
  failed: string
  cleared: string
}

/** Latin data (readable by OCR in English). */
const LATIN: SampleData = {
  faction: 'Reform camp',
  strategy: 'Win the board',
  liu: 'Liu Zhenyu',
  he: 'He Jun',
  budget: 'Budget not approved',
  roi: 'ROI model',
  visit: 'Board visit',
  dropped: 'Old pilot',
  failed: 'Lost tender',
  cleared: 'Security audit',
}

const CHINESE: SampleData = {
  faction: '数字化改革派',
  strategy: '把平台定位为一把手工程',
  liu: '刘振宇',
  he: '何军',
  budget: '项目预算未列入计划',
  roi: '提交投资回报测算',
  visit: '副总裁拜访周主任',
  dropped: '旧试点方案',
  failed: '丢失的招标',
  cleared: '等保测评口径',
}

/** Runs in the page: one card of every type and state, with every field filled. */
function drawSample(d: SampleData) {
  const editor = window.__warRoomEditor!
  const s = (id: string) => `shape:${id}` as never
  editor.createShapes([
    {
      id: s('faction'),
      type: 'faction',
      x: 0,
      y: 0,
      props: { w: 620, h: 300, name: d.faction, stance: 'ally', leader: 'shape:liu', strategy: d.strategy },
    },
    {
      id: s('liu'),
      type: 'stakeholder',
      parentId: s('faction'),
      x: 20,
      y: 90,
      props: {
        name: d.liu,
        title: 'CEO',
        department: 'Board',
        role: 'kdm',
        relationship: 'cr2',
        influence: 'high',
        champion: true,
        concern: 'Budget',
        contact: 'Wang',
        competitor: 'Acme',
        w: 380,
        h: 190,
      },
    },
    {
      id: s('he'),
      type: 'stakeholder',
      x: 660,
      y: 90,
      props: {
        name: d.he,
        title: 'Plant head',
        department: 'Plant 2',
        role: 'ku',
        relationship: 'cr5',
        influence: 'low',
        concern: 'Safety',
        contact: 'Zhao',
      },
    },
    {
      id: s('budget'),
      type: 'blocker',
      x: 0,
      y: 340,
      props: { title: d.budget, detail: 'Finance wants ROI', severity: 'high', status: 'open', stage: 'P4' },
    },
    {
      id: s('cleared'),
      type: 'blocker',
      x: 300,
      y: 340,
      props: { title: d.cleared, detail: 'Done in May', severity: 'medium', status: 'cleared', stage: 'P3' },
    },
    {
      id: s('roi'),
      type: 'action',
      x: 600,
      y: 340,
      props: {
        title: d.roi,
        owner: 'Zhao Min',
        department: 'sales',
        due: '2099-12-26',
        checkpoint: 'Finance review',
        status: 'in-progress',
      },
    },
    {
      id: s('visit'),
      type: 'action',
      x: 900,
      y: 340,
      props: {
        title: d.visit,
        owner: 'Chen',
        department: 'management',
        due: '2020-01-10',
        checkpoint: 'Minutes',
        status: 'planned',
      },
    },
    {
      id: s('dropped'),
      type: 'action',
      x: 600,
      y: 540,
      props: { title: d.dropped, owner: 'Li', department: 'delivery', due: '2026-01-01', status: 'dropped' },
    },
    {
      id: s('failed'),
      type: 'action',
      x: 900,
      y: 540,
      props: { title: d.failed, owner: 'Sun', department: 'presales', due: '2026-02-01', status: 'failed' },
    },
  ])
}

const CARD_IDS = ['faction', 'liu', 'he', 'budget', 'cleared', 'roi', 'visit', 'dropped', 'failed'].map(
  (id) => `shape:${id}`,
)

/** Every piece of text each card shows on the canvas (its HTML's text nodes), by shape id. */
async function canvasTexts(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate((ids) => {
    const out: Record<string, string[]> = {}
    for (const id of ids) {
      const card = document.getElementById(id)
      if (!card) continue
      const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT)
      const texts: string[] = []
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent?.trim()
        if (text) texts.push(text)
      }
      out[id] = texts
    }
    return out
  }, CARD_IDS)
}

interface ExportedCards {
  /** The texts of each card's SVG, by shape id. */
  cards: Record<string, string[]>
  foreignObjects: number
  /** All the text of the file. */
  text: string
}

/** An SVG export (War Room's exports, as the menu makes them), parsed in the page. */
async function svgExport(page: Page, audience: 'team' | 'customer'): Promise<ExportedCards> {
  return page.evaluate(async (audience) => {
    const editor = window.__warRoomEditor!
    const svg = await (await window.__warRoomExports!.image(editor, { format: 'svg', audience })).text()
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
    const cards: Record<string, string[]> = {}
    for (const g of doc.querySelectorAll('g.wr-card-svg')) {
      cards[g.getAttribute('data-shape-id')!] = [...g.querySelectorAll('text')].map((t) => t.textContent ?? '')
    }
    return {
      cards,
      foreignObjects: doc.querySelectorAll('foreignObject').length,
      text: doc.documentElement.textContent ?? '',
    }
  }, audience)
}

for (const locale of ['zh-CN', 'en-US'] as const) {
  test(`SVG export (${locale}): every card is native SVG with the texts it shows on the canvas`, async ({ sample }) => {
    const data = locale === 'zh-CN' ? CHINESE : LATIN
    const { page, errors } = await sample(locale, data)
    const onCanvas = await canvasTexts(page)
    expect(Object.keys(onCanvas).sort()).toEqual([...CARD_IDS].sort())
    const exported = await svgExport(page, 'team')
    expect(exported.foreignObjects).toBe(0)
    expect(Object.keys(exported.cards).sort()).toEqual([...CARD_IDS].sort())
    for (const id of CARD_IDS) {
      // Compared without white space: the file wraps a long title into lines of its own.
      const bare = (t: string) => t.replace(/\s+/g, '')
      const svgText = bare(exported.cards[id]!.join(''))
      // What the card shows on screen is in the file, and nothing else is. Where the card's CSS ends
      // a line with an ellipsis (the text node still holds it all), the file has it ended the same way.
      for (const piece of onCanvas[id]!) {
        const ended = exported.cards[id]!.some((t) => t.endsWith('…') && piece.startsWith(t.slice(0, -1)))
        if (!ended) expect(svgText, `${id} on canvas: ${piece}`).toContain(bare(piece))
      }
      const canvasText = bare(onCanvas[id]!.join(''))
      for (const piece of exported.cards[id]!)
        expect(canvasText, `${id} in the file: ${piece}`).toContain(
          bare(piece.endsWith('…') ? piece.slice(0, -1) : piece),
        )
    }
    // And the data itself, read independently of the canvas: every field of every card.
    const all = Object.values(exported.cards).flat().join('').replace(/\s+/g, '')
    for (const value of [
      ...Object.values(data),
      'CEO · Board',
      'Plant head · Plant 2',
      'Budget',
      'Safety',
      'Wang',
      'Zhao',
      'Acme',
      'Finance wants ROI',
      'Done in May',
      'Zhao Min',
      '2099-12-26',
      'Finance review',
      '2020-01-10',
      'Minutes',
      'KDM',
      'CR2',
      'CR5',
      '★',
    ])
      expect(all).toContain(value.replace(/\s+/g, ''))
    const lang = locale === 'zh-CN' ? 'zh' : 'en'
    for (const word of [
      STANCE_LABELS.ally[lang],
      BLOCKER_STATUS_LABELS.cleared[lang],
      BLOCKER_STATUS_LABELS.open[lang],
      SEVERITY_LABELS.high[lang],
      DEPARTMENT_LABELS.sales[lang],
      ACTION_STATUS_LABELS['in-progress'][lang],
      ACTION_STATUS_LABELS.dropped[lang],
      ACTION_STATUS_LABELS.failed[lang],
      ...(lang === 'zh'
        ? ['成员 1 人', '带头人', '卡点', '已逾期', '负责人', '截止', '验证']
        : ['1 member', 'Leader', 'Blocker', 'Overdue', 'Owner', 'Due']),
    ])
      expect(all).toContain(word.replace(/\s+/g, ''))
    expect(errors).toEqual([])
  })
}

test('the customer-safe SVG keeps people and live or done actions, and drops what the allow-list drops', async ({
  sample,
}) => {
  const { page } = await sample('en-US')
  const exported = await svgExport(page, 'customer')
  expect(exported.foreignObjects).toBe(0)
  // Factions, blockers, failed and dropped actions: not in the file at all.
  expect(Object.keys(exported.cards).sort()).toEqual(['shape:he', 'shape:liu', 'shape:roi', 'shape:visit'])
  const all = Object.values(exported.cards).flat().join('\n')
  // What the whole file shows (all its text, markup and white space left out).
  const read = exported.text.replace(/\s+/g, '')
  for (const kept of [LATIN.liu, LATIN.he, 'CEO · Board', 'Plant head · Plant 2', LATIN.roi, LATIN.visit])
    expect(all).toContain(kept)
  for (const kept of ['Zhao Min', '2099-12-26', 'Finance review', 'Chen', '2020-01-10', 'Minutes'])
    expect(all).toContain(kept)
  // Dropped: relationship levels, roles, influence, champion, concern, contact, competitor, the
  // faction's name, leadership and strategy, blockers, overdue marks, departments of actions.
  for (const dropped of [
    'CR2',
    'CR5',
    'KDM',
    'KU',
    'High',
    'Low',
    '★',
    'Cares about',
    'Budget',
    'Safety',
    'Wang',
    'Acme',
    'Leader',
    LATIN.faction,
    LATIN.strategy,
    LATIN.budget,
    LATIN.cleared,
    LATIN.dropped,
    LATIN.failed,
    'Overdue',
    'Sales',
    'Management',
  ])
    expect(read, dropped).not.toContain(dropped.replace(/\s+/g, ''))
})

function ocr(png: Buffer, lang: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'war-room-ocr-'))
  try {
    const file = path.join(dir, 'export.png')
    writeFileSync(file, png)
    return execFileSync('tesseract', [file, '-', '-l', lang], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function pngExport(page: Page, audience: 'team' | 'customer'): Promise<Buffer> {
  const base64 = await page.evaluate(async (audience) => {
    const editor = window.__warRoomEditor!
    const blob = await window.__warRoomExports!.image(editor, { format: 'png', audience })
    const bytes = new Uint8Array(await blob.arrayBuffer())
    let s = ''
    for (const b of bytes) s += String.fromCharCode(b)
    return btoa(s)
  }, audience)
  return Buffer.from(base64, 'base64')
}

mkdirSync(ARTIFACTS_DIR, { recursive: true })

/** The words of a text, lower case, without punctuation around them. */
const words = (s: string) =>
  s
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean)

test('the PNG export read back with OCR holds every card’s text; the customer PNG does not', async ({ sample }) => {
  const { page } = await sample('en-US')
  const team = await pngExport(page, 'team')
  writeFileSync(path.join(ARTIFACTS_DIR, 'export-sample-en.png'), team)
  // OCR reads lines across neighbouring cards in any order: each word of each text must be there.
  // (Struck-through titles, of cleared blockers and dropped actions, are checked in the SVG.)
  const read = words(ocr(team, 'eng'))
  for (const text of [
    LATIN.faction,
    LATIN.strategy,
    LATIN.liu,
    LATIN.he,
    LATIN.budget,
    LATIN.roi,
    LATIN.visit,
    LATIN.failed,
    'Finance wants ROI',
    'Zhao Min',
    '2099-12-26',
    'Finance review',
    'Plant head',
    'Cares about Budget',
    'Backs Acme',
    'Contact: Wang',
  ])
    for (const word of words(text)) expect(read, `${word} (${text})`).toContain(word)

  const customer = await pngExport(page, 'customer')
  writeFileSync(path.join(ARTIFACTS_DIR, 'export-sample-customer-en.png'), customer)
  const readCustomer = words(ocr(customer, 'eng'))
  for (const text of [LATIN.liu, LATIN.he, LATIN.roi, LATIN.visit, 'Zhao Min', 'Finance review'])
    for (const word of words(text)) expect(readCustomer, `${word} (${text})`).toContain(word)
  for (const word of ['reform', 'budget', 'security', 'lost', 'pilot', 'acme', 'overdue', 'cares', 'kdm', 'friendly'])
    expect(readCustomer).not.toContain(word)
})

test('the Chinese PNG export, for looking at', async ({ sample }) => {
  const { page } = await sample('zh-CN', CHINESE)
  const png = await pngExport(page, 'team')
  writeFileSync(path.join(ARTIFACTS_DIR, 'export-sample-zh.png'), png)
  // Chinese OCR is not exact enough to assert every name; the names read back at least mostly.
  const read = ocr(png, 'chi_sim').replace(/\s+/g, '')
  const names = [CHINESE.liu, CHINESE.he, CHINESE.faction, CHINESE.roi, CHINESE.visit]
  expect(names.filter((n) => read.includes(n)).length).toBeGreaterThanOrEqual(3)
})

test('a page of 480 cards exports whole as native SVG', async ({ server, openRoom }) => {
  const id = await createAccount(server, server.cookie, {
    id: `export-big-${randomBytes(4).toString('hex')}`,
    name: 'Big',
  })
  const { page } = await openRoom(id, { locale: 'zh-CN', reuse: true })
  const result = await page.evaluate(async () => {
    const editor = window.__warRoomEditor!
    const types = ['stakeholder', 'blocker', 'action'] as const
    const shapes = Array.from({ length: 480 }, (_, i) => ({
      type: types[i % 3],
      x: (i % 24) * 300,
      y: Math.floor(i / 24) * 200,
      props: types[i % 3] === 'stakeholder' ? { name: `人物${i}` } : { title: `卡片${i}` },
    }))
    editor.createShapes(shapes as never)
    const svg = await (await window.__warRoomExports!.image(editor, { format: 'svg' })).text()
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml')
    const texts = [...doc.querySelectorAll('g.wr-card-svg')].map((g) => g.textContent ?? '')
    const png = await window.__warRoomExports!.image(editor, { format: 'png', pixelRatio: 1 })
    return { cards: texts.length, foreignObjects: doc.querySelectorAll('foreignObject').length, texts, png: png.size }
  })
  expect(result.cards).toBe(480)
  expect(result.foreignObjects).toBe(0)
  for (let i = 0; i < 480; i++) expect(result.texts[i]).toContain(i % 3 === 0 ? `人物${i}` : `卡片${i}`)
  expect(result.png).toBeGreaterThan(10_000)
})

test('a customer-safe export of a frame leaves out tldraw shapes the allow-list drops (a note in the frame)', async ({
  sample,
}) => {
  const { page } = await sample('en-US')
  const result = await page.evaluate(async () => {
    const editor = window.__warRoomEditor!
    const frame = 'shape:slide' as never
    editor.createShapes([{ id: frame, type: 'frame', x: -40, y: -60, props: { w: 1300, h: 820, name: 'Slide one' } }])
    // Dropped into the frame: a geo shape with an internal note, and the stakeholders.
    const note = {
      type: 'geo',
      parentId: frame,
      x: 700,
      y: 600,
      props: {
        w: 300,
        h: 120,
        richText: {
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Internal pricing note' }] }],
        },
      },
    }
    editor.createShapes([note as never])
    editor.reparentShapes(['shape:he' as never], frame)
    const text = async (audience: 'team' | 'customer') => {
      const blob = await window.__warRoomExports!.image(editor, { format: 'svg', target: { frame }, audience })
      const doc = new DOMParser().parseFromString(await blob.text(), 'image/svg+xml')
      return doc.documentElement.textContent ?? ''
    }
    return { team: await text('team'), customer: await text('customer'), hiddenOnScreen: editor.isShapeHidden(frame) }
  })
  expect(result.team).toContain('Internal pricing note')
  expect(result.team).toContain('He Jun')
  expect(result.customer).toContain('He Jun')
  expect(result.customer).not.toContain('Internal pricing note')
  expect(result.customer).not.toContain('CR5')
  expect(result.hiddenOnScreen).toBe(false)
})
