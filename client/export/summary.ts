/**
 * The plan summary page of the presentation PDF, drawn as an image (SVG text rasterised at 2× on
 * a canvas) so the PDF needs no embedded Chinese font. The team's page: account, tier, stage,
 * owner, health, counts, findings, blockers with the actions against them, the slide list. The
 * customer's page (对客版) holds only what shared/audience.ts allows: name, goal, people, live and
 * done actions.
 */
import { type Audience, customerSafePlan } from '../../shared/audience'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  label,
  type PlanRecord,
  STAGE_LABELS,
  TIER_LABELS,
} from '../../shared/plan'

import type { ChangesSinceReview } from './reviewChanges'

type Lang = 'zh' | 'en'

export interface SummaryOptions {
  audience: Audience
  lang: Lang
  slides: string[]
  /** What changed since the last review, when the account has one. */
  changes?: ChangesSinceReview | null
}

const WORDS = {
  zh: {
    teamTitle: '大客户作战计划',
    customerTitle: '合作推进计划',
    tier: '分层',
    stage: '阶段',
    owner: '唯一负责人',
    health: '计划健康度',
    goal: '目标',
    counts: (p: PlanRecord) =>
      `决策链 ${p.metrics.counts.stakeholders} 人 · 派系 ${p.metrics.counts.factions} · 未解决卡点 ${p.metrics.openBlockers} · 进行中行动项 ${p.metrics.liveActions} · 逾期 ${p.metrics.overdueActions}`,
    people: (n: number) => `人员 ${n} 位`,
    findings: '检查发现',
    noFindings: '没有发现问题。',
    blockers: '卡点与针对它的行动项',
    noActions: '尚无行动项',
    actions: '行动计划',
    slides: '演示页',
    changes: (title: string, at: string) => `自上次复盘以来的变化（${title}，${at.slice(0, 10)}）`,
    noChanges: '没有变化。',
    changeSummary: (s: ChangesSinceReview['summary']) =>
      `健康度 ${s.score.from} → ${s.score.to} · 新增卡点 ${s.blockersOpened} · 突破卡点 ${s.blockersCleared} · 完成行动 ${s.actionsDone} · 关系改善 ${s.relationshipsImproved} / 恶化 ${s.relationshipsWorsened}`,
    asOf: '生成日期',
    none: '—',
  },
  en: {
    teamTitle: 'Key account plan',
    customerTitle: 'Joint plan',
    tier: 'Tier',
    stage: 'Stage',
    owner: 'Owner',
    health: 'Plan health',
    goal: 'Goal',
    counts: (p: PlanRecord) =>
      `${p.metrics.counts.stakeholders} people · ${p.metrics.counts.factions} factions · ${p.metrics.openBlockers} open blockers · ${p.metrics.liveActions} live actions · ${p.metrics.overdueActions} overdue`,
    people: (n: number) => `${n} people`,
    findings: 'Findings',
    noFindings: 'No findings.',
    blockers: 'Blockers and the actions against them',
    noActions: 'no action yet',
    actions: 'Actions',
    slides: 'Slides',
    changes: (title: string, at: string) => `Changes since the last review (${title}, ${at.slice(0, 10)})`,
    noChanges: 'No changes.',
    changeSummary: (s: ChangesSinceReview['summary']) =>
      `Health ${s.score.from} → ${s.score.to} · ${s.blockersOpened} blockers opened · ${s.blockersCleared} cleared · ${s.actionsDone} actions done · relationships ${s.relationshipsImproved} better / ${s.relationshipsWorsened} worse`,
    asOf: 'Generated',
    none: '—',
  },
} as const

interface Line {
  text: string
  size: number
  weight?: number
  color?: string
  indent?: number
  gapBefore?: number
}

const WIDTH = 1200
const MARGIN = 64
const FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'

function ems(text: string): number {
  let n = 0
  for (const ch of text) n += /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 1 : 0.56
  return n
}

/** Breaks a line into pieces that fit the page width. */
function wrap(line: Line): Line[] {
  const max = (WIDTH - MARGIN * 2 - (line.indent ?? 0)) / line.size
  const out: Line[] = []
  let current = ''
  for (const ch of line.text) {
    if (ems(current + ch) > max) {
      out.push({ ...line, text: current, gapBefore: out.length ? 0 : line.gapBefore })
      current = ''
    }
    current += ch
  }
  out.push({ ...line, text: current, gapBefore: out.length ? 0 : line.gapBefore })
  return out
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not valid XML text
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()

export function summaryLines(plan: PlanRecord, opts: SummaryOptions): Line[] {
  const w = WORDS[opts.lang]
  const lang = opts.lang
  const lines: Line[] = []
  const h1 = (text: string) => lines.push({ text, size: 40, weight: 800 })
  const h2 = (text: string) => lines.push({ text, size: 26, weight: 800, gapBefore: 22 })
  const p = (text: string, extra: Partial<Line> = {}) => lines.push({ text: clean(text), size: 22, ...extra })
  if (opts.audience === 'customer') {
    const safe = customerSafePlan(plan)
    h1(`${w.customerTitle}：${safe.account.name || w.none}`)
    p(`${w.asOf} ${safe.asOf}`, { color: '#555' })
    p(`${w.goal}：${safe.account.goal || w.none}`, { gapBefore: 12 })
    p(w.people(safe.stakeholders.length))
    h2(w.actions)
    for (const a of [...safe.actions].sort((x, y) => (x.due || '9999').localeCompare(y.due || '9999'))) {
      p(
        `• ${a.title || w.none} — ${a.owner || w.none} · ${a.due || w.none} · ${label(ACTION_STATUS_LABELS, a.status, lang)}${a.checkpoint ? ` · ${a.checkpoint}` : ''}`,
        { indent: 12 },
      )
    }
  } else {
    const a = plan.account
    h1(`${w.teamTitle}：${a.name || w.none}`)
    p(`${w.asOf} ${plan.asOf}`, { color: '#555' })
    p(
      [
        `${w.tier} ${label(TIER_LABELS, a.tier, lang) || w.none}`,
        `${w.stage} ${label(STAGE_LABELS, a.stage, lang) || w.none}`,
        `${w.owner} ${a.owner || w.none}`,
        `${w.health} ${plan.metrics.healthScore} / 100`,
      ].join(' · '),
      { weight: 700, gapBefore: 12 },
    )
    p(`${w.goal}：${a.goal || w.none}`)
    p(w.counts(plan))
    h2(w.findings)
    const findings = plan.findings.filter((f) => f.severity !== 'info')
    if (findings.length === 0) p(w.noFindings)
    for (const f of findings.slice(0, 10)) {
      p(`${f.severity === 'error' ? '■' : '▲'} ${f.message[lang]}`, {
        indent: 12,
        color: f.severity === 'error' ? '#b71c1c' : '#8a5a00',
      })
    }
    if (findings.length > 10) p(`… +${findings.length - 10}`, { indent: 12 })
    h2(w.blockers)
    const actions = new Map(plan.actions.map((x) => [x.id, x]))
    for (const b of plan.blockers) {
      p(`■ ${b.title || w.none}（${label(BLOCKER_STATUS_LABELS, b.status, lang)}）`, { weight: 700 })
      const against = b.targetedBy.map((id) => actions.get(id)).filter((x) => x !== undefined)
      if (against.length === 0) p(`← ${w.noActions}`, { indent: 28, color: '#b71c1c' })
      for (const x of against) p(`← ${x.title} — ${x.owner || w.none} · ${x.due || w.none}`, { indent: 28 })
    }
  }
  if (opts.changes) {
    h2(w.changes(opts.changes.title, opts.changes.at))
    // The score and blocker counts are internal; the customer gets the list of shown changes only.
    if (opts.audience !== 'customer') p(w.changeSummary(opts.changes.summary))
    if (opts.changes.changes.length === 0) p(w.noChanges, { indent: 12 })
    for (const c of opts.changes.changes.slice(0, 12)) p(`• ${c.message[lang]}`, { indent: 12 })
    if (opts.changes.changes.length > 12) p(`… +${opts.changes.changes.length - 12}`, { indent: 12 })
  }
  if (opts.slides.length) {
    h2(w.slides)
    for (const [i, title] of opts.slides.entries()) p(`${i + 1}. ${title}`, { indent: 12 })
  }
  return lines.flatMap(wrap)
}

/** The summary as SVG text (also what the PDF test reads back through pdftoppm). */
export function summarySvg(
  plan: PlanRecord,
  opts: SummaryOptions,
): {
  svg: string
  width: number
  height: number
} {
  const lines = summaryLines(plan, opts)
  let y = MARGIN
  const texts: string[] = []
  for (const line of lines) {
    y += (line.gapBefore ?? 0) + line.size * 1.45
    texts.push(
      `<text x="${MARGIN + (line.indent ?? 0)}" y="${y}" font-size="${line.size}" font-weight="${line.weight ?? 400}" fill="${line.color ?? '#1d1d1f'}">${escapeXml(line.text)}</text>`,
    )
  }
  const height = Math.max(Math.round(WIDTH * 0.5625), Math.ceil(y + MARGIN))
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family='${FONT}'><rect width="100%" height="100%" fill="#fff"/>${texts.join('')}</svg>`
  return { svg, width: WIDTH, height }
}

/** Rasterises the summary at 2× (bitmap width and height returned, in pixels). */
export async function renderSummaryPng(
  plan: PlanRecord,
  opts: SummaryOptions,
): Promise<{ bytes: Uint8Array; w: number; h: number }> {
  const { svg, width, height } = summarySvg(plan, opts)
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
  const image = new Image()
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve()
    image.onerror = () => reject(new Error('could not draw the summary page'))
    image.src = url
  })
  const canvas = document.createElement('canvas')
  canvas.width = width * 2
  canvas.height = height * 2
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas')
  ctx.scale(2, 2)
  ctx.drawImage(image, 0, 0, width, height)
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the summary page'))), 'image/png'),
  )
  return { bytes: new Uint8Array(await blob.arrayBuffer()), w: canvas.width, h: canvas.height }
}
