/**
 * Native SVG of the four War Room cards, for exports (each util's `toSvg`): the full card as on
 * the canvas, drawn from the same views (cardView.ts) as the HTML cards, with the colours of
 * palette.ts. Without it tldraw exports a card as HTML in a `foreignObject`, inlining every
 * element's computed style: a 4,000-shape page did not finish in 9 minutes.
 *
 * SVG has no text layout: lines are measured with a canvas (the fonts the browser draws the export
 * with), ended with an ellipsis where the card's CSS clips them, wrapped where it wraps them.
 */
import { cloneElement, type ReactElement, type ReactNode } from 'react'
import type { SvgExportContext } from 'tldraw'
import type { PropProblem } from '../../shared/shapes/diagnose'
import type { ActionView, BlockerView, CardText, FactionView, KeyedText, StakeholderView } from './cardView'
import { isLongName } from './cardView'
import {
  ACTION_LINE,
  ACTION_STATUS_CHIP,
  BLOCKER_STATUS_CHIP,
  CHIP,
  type Chip,
  CLEARED_TONE,
  CR_TONE,
  DEPARTMENT_TONE,
  INK,
  mixWithWhite,
  ROLE_TONE,
  SEVERITY_CHIP,
  SEVERITY_TONE,
  STAKEHOLDER_LINE,
  STANCE_TONE,
} from './palette'

export const CARD_FONT =
  'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans CJK", sans-serif'

// ---------------------------------------------------------------------------- measuring text

interface Font {
  size: number
  weight?: number
  italic?: boolean
}

let measureCtx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null
const widths = new Map<string, number>()

function cssFont(f: Font): string {
  return `${f.italic ? 'italic ' : ''}${f.weight ?? 400} ${f.size}px ${CARD_FONT}`
}

/** The width of `text` in `font` (page px), as the browser draws it. */
export function textWidth(text: string, f: Font): number {
  const font = cssFont(f)
  const key = `${font}\u0000${text}`
  const known = widths.get(key)
  if (known !== undefined) return known
  if (!measureCtx) {
    measureCtx =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1).getContext('2d')
        : document.createElement('canvas').getContext('2d')
  }
  let width: number
  if (measureCtx) {
    measureCtx.font = font
    width = measureCtx.measureText(text).width
  } else {
    // No canvas (not a browser): CJK one em, other characters about half.
    width =
      [...text].reduce((sum, ch) => sum + (/[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 1 : 0.56), 0) * f.size
  }
  if (widths.size > 50_000) widths.clear()
  widths.set(key, width)
  return width
}

/** `text` on one line of `max` px, ended with "…" when it does not fit (CSS text-overflow: ellipsis). */
export function ellipsize(text: string, f: Font, max: number): string {
  if (max <= 0) return ''
  if (textWidth(text, f) <= max) return text
  const chars = [...text]
  let lo = 0
  let hi = chars.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (textWidth(`${chars.slice(0, mid).join('')}…`, f) <= max) lo = mid
    else hi = mid - 1
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`
}

const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/

/**
 * `text` wrapped into at most `lines` lines of `max` px (words stay whole unless one is longer than
 * a line; CJK breaks between any two characters), the last ended with "…" if text is left over.
 */
export function wrap(text: string, f: Font, max: number, lines: number): string[] {
  // Tokens: a CJK character, or a run of other characters up to and including a space.
  const tokens =
    text.match(/[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]|[^\s\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+\s*|\s+/g) ?? []
  const out: string[] = []
  let line = ''
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (textWidth(line + token, f) <= max || line === '') {
      if (line === '' && textWidth(token, f) > max && !CJK.test(token)) {
        // A word longer than the line: break it between characters.
        const chars = [...token]
        let part = ''
        for (const ch of chars) {
          if (textWidth(part + ch, f) > max && part) {
            out.push(part)
            if (out.length === lines) return finish(out, tokens.slice(i).join('').slice(part.length), f, max)
            part = ''
          }
          part += ch
        }
        line = part
      } else line += token
      continue
    }
    out.push(line.trimEnd())
    if (out.length === lines) return finish(out, tokens.slice(i).join(''), f, max)
    line = token.trimStart()
  }
  if (line.trim()) out.push(line.trimEnd())
  return out
}

function finish(out: string[], rest: string, f: Font, max: number): string[] {
  if (!rest.trim()) return out
  const last = out.length - 1
  out[last] = ellipsize(`${out[last]}${rest}`, f, max)
  return out
}

// ------------------------------------------------------------------------------- primitives

interface TextOpts extends Font {
  fill: string
  anchor?: 'start' | 'middle' | 'end'
  strike?: boolean
  letterSpacing?: number
}

/**
 * Text whose (first) line's vertical centre is `cy`. Several lines (a wrapped title) are one text
 * element of tspans, `lineHeight` apart: the file keeps a title as one piece of text.
 */
function line(key: string, x: number, cy: number, value: string | string[], o: TextOpts, lineHeight = 0): ReactElement {
  const content =
    typeof value === 'string'
      ? value
      : value.map((text, i) => (
          <tspan key={i} x={x} y={cy + i * lineHeight}>
            {text}
          </tspan>
        ))
  return (
    <text
      key={key}
      x={x}
      y={cy}
      dominantBaseline="central"
      textAnchor={o.anchor}
      fontFamily={CARD_FONT}
      fontSize={o.size}
      fontWeight={o.weight ?? 400}
      fontStyle={o.italic ? 'italic' : undefined}
      letterSpacing={o.letterSpacing}
      textDecoration={o.strike ? 'line-through' : undefined}
      fill={o.fill}
    >
      {content}
    </text>
  )
}

/** A pill or tag with text; returns its element and width. */
function chip(
  key: string,
  x: number,
  cy: number,
  value: string,
  tone: Chip,
  o: { size: number; weight: number; padX: number; padY: number; radius: number; max?: number },
): { el: ReactElement; w: number } {
  const inner = o.max === undefined ? value : ellipsize(value, { size: o.size, weight: o.weight }, o.max - 2 * o.padX)
  const w = textWidth(inner, { size: o.size, weight: o.weight }) + 2 * o.padX + (tone.line ? 4 : 0)
  const h = o.size * 1.25 + 2 * o.padY + (tone.line ? 4 : 0)
  return {
    w,
    el: (
      <g key={key}>
        <rect
          x={x + (tone.line ? 1 : 0)}
          y={cy - h / 2 + (tone.line ? 1 : 0)}
          width={w - (tone.line ? 2 : 0)}
          height={h - (tone.line ? 2 : 0)}
          rx={o.radius}
          fill={tone.bg}
          stroke={tone.line}
          strokeWidth={tone.line ? 2 : undefined}
        />
        {line('t', x + w / 2, cy, inner, { size: o.size, weight: o.weight, fill: tone.ink, anchor: 'middle' })}
      </g>
    ),
  }
}

const SMALL_CHIP = { size: 13, weight: 700, padX: 7, padY: 2, radius: 999 }

function missingStyle(t: CardText, fill: string): { fill: string; italic: boolean } {
  return t.missing ? { fill: INK.missing, italic: true } : { fill, italic: false }
}

/** "负责人 王强": a bold key and a value, one line within `max`; returns the elements and width. */
function keyed(
  key: string,
  x: number,
  cy: number,
  k: KeyedText,
  o: { size: number; fill: string; max: number; valueFill?: string; valueWeight?: number },
): { el: ReactElement; w: number } {
  const keyFont = { size: o.size, weight: 600 }
  // The key's 4 px margin and the space after it.
  const keyW = textWidth(k.key, keyFont) + 4 + textWidth(' ', { size: o.size })
  const style = missingStyle(k, o.valueFill ?? o.fill)
  const valueFont = { size: o.size, weight: o.valueWeight ?? 400, italic: style.italic }
  const value = ellipsize(k.text, valueFont, o.max - keyW)
  return {
    w: keyW + textWidth(value, valueFont),
    el: (
      <g key={key}>
        {line('k', x, cy, k.key, { ...keyFont, fill: INK.key })}
        {line('v', x + keyW, cy, value, { ...valueFont, fill: style.fill })}
      </g>
    ),
  }
}

/**
 * A card with a thick coloured left edge (CSS border-left on a rounded box): stakeholders (their
 * CR level) and actions (their department).
 */
function edgedFrame(
  w: number,
  h: number,
  o: { radius: number; edge: number; border: number; edgeColor: string; lineColor: string; fill: string },
) {
  const { radius: r, edge: e, border: b } = o
  const ir = Math.max(0, r - b)
  return (
    <g key="frame">
      <rect x={0} y={2} width={w} height={h} rx={r} fill="rgba(0, 0, 0, 0.08)" />
      <rect x={0} y={0} width={w} height={h} rx={r} fill={o.lineColor} />
      <path
        d={`M${e},0 L${r},0 A${r},${r} 0 0 0 0,${r} L0,${h - r} A${r},${r} 0 0 0 ${r},${h} L${e},${h} Z`}
        fill={o.edgeColor}
      />
      <path
        d={`M${e},${b} L${w - b - ir},${b} A${ir},${ir} 0 0 1 ${w - b},${b + ir} L${w - b},${h - b - ir} A${ir},${ir} 0 0 1 ${w - b - ir},${h - b} L${e},${h - b} Z`}
        fill={o.fill}
      />
    </g>
  )
}

/** Content clipped to the card (a nested svg clips without a def of its own). */
function clipped(w: number, h: number, children: ReactNode) {
  return (
    <svg key="content" x={0} y={0} width={w} height={h} overflow="hidden">
      {children}
    </svg>
  )
}

// ------------------------------------------------------------------------------------ cards

export function stakeholderSvg(v: StakeholderView, w: number, h: number): ReactElement {
  const tone = CR_TONE[v.tone]
  const x0 = 24
  const x1 = w - 14
  const els: ReactElement[] = []
  let y = 12
  // Head: role badge, name, champion star.
  let x = x0
  const headCy = y + 15
  if (v.role) {
    const badge = chip(
      'role',
      x,
      headCy,
      v.role.badge,
      { bg: ROLE_TONE[v.role.value], ink: '#fff' },
      {
        size: 14,
        weight: 800,
        padX: 7,
        padY: 3,
        radius: 6,
      },
    )
    els.push(badge.el)
    x += badge.w + 8
  }
  const starW = v.champion ? textWidth('★', { size: 24 }) + 8 : 0
  if (v.champion) els.push(line('star', x1, headCy, '★', { size: 24, fill: '#f5a800', anchor: 'end' }))
  const nameFont = { size: isLongName(v.name.text) && !v.name.missing ? 20 : 24, weight: 700 }
  const nameStyle = missingStyle(v.name, INK.text)
  els.push(
    line('name', x, headCy, ellipsize(v.name.text, { ...nameFont, italic: nameStyle.italic }, x1 - starW - x), {
      ...nameFont,
      ...nameStyle,
    }),
  )
  y += 30 + 6
  // Subtitle: title · department.
  if (v.subtitle)
    els.push(line('sub', x0, y + 10, ellipsize(v.subtitle, { size: 16 }, x1 - x0), { size: 16, fill: INK.subtitle }))
  y += 20 + 6
  // Relationship chip and influence bars.
  if (v.cr) {
    const cy = y + 12
    // The influence keeps its width; the CR chip gives way (ends with "…"), as the card's flex row.
    const influenceW = v.influence ? 8 + 24 + 4 + textWidth(v.influence.short, { size: 14 }) : 0
    const cr = chip('cr', x0, cy, v.cr.short, CR_TONE[v.cr.level], {
      size: 14,
      weight: 700,
      padX: 9,
      padY: 3,
      radius: 6,
      max: x1 - x0 - influenceW,
    })
    els.push(cr.el)
    if (v.influence) {
      let bx = x0 + cr.w + 8
      const bottom = cy + 8
      for (let i = 1; i <= 3; i++) {
        const bh = 4 + i * 4
        els.push(
          <rect
            key={`bar${i}`}
            x={bx}
            y={bottom - bh}
            width={6}
            height={bh}
            rx={1}
            fill={i <= v.influence.bars ? '#37474f' : '#d6d6dc'}
          />,
        )
        bx += 8
      }
      els.push(
        line('inf', bx + 2, cy, ellipsize(v.influence.short, { size: 14 }, x1 - bx - 2), {
          size: 14,
          fill: INK.subtitle,
        }),
      )
    }
    y += 24 + 6
  }
  if (v.concern) {
    els.push(keyed('concern', x0, y + 9, v.concern, { size: 14, fill: INK.concern, max: x1 - x0 }).el)
    y += 17.5 + 6
  }
  // Foot (bottom of the card): leader, competitor, our contact.
  const foot = [v.leader, v.competitor, v.contact]
  if (foot.some(Boolean)) {
    const cy = Math.max(y, h - 12 - 20) + 10
    let fx = x0
    if (v.leader) {
      const c = chip('leader', fx, cy, v.leader, CHIP.leader, { ...SMALL_CHIP, max: x1 - fx })
      els.push(c.el)
      fx += c.w + 6
    }
    if (v.competitor && fx < x1) {
      const c = chip('competitor', fx, cy, v.competitor, CHIP.competitor, { ...SMALL_CHIP, max: x1 - fx })
      els.push(c.el)
      fx += c.w + 6
    }
    if (v.contact && fx < x1 - 20)
      els.push(line('contact', fx, cy, ellipsize(v.contact, { size: 14 }, x1 - fx), { size: 14, fill: INK.subtitle }))
  }
  return (
    <g className="wr-card-svg" data-card="stakeholder" opacity={v.stale ? 0.55 : undefined}>
      {edgedFrame(w, h, {
        radius: 12,
        edge: 12,
        border: 2,
        edgeColor: tone.bg,
        lineColor: STAKEHOLDER_LINE,
        fill: '#fff',
      })}
      {clipped(w, h, els)}
    </g>
  )
}

export function factionSvg(v: FactionView, w: number, h: number): ReactElement {
  const tone = STANCE_TONE[v.stance]
  const head = Math.min(64, h)
  const els: ReactElement[] = []
  const x0 = 3 + 14
  const x1 = w - 3 - 14
  const hasSub = Boolean(v.leader || v.strategy)
  const titleCy = hasSub ? 3 + 8 + 15 - 2 : head / 2 + 1
  // Title bar: name, stance chip, member count at the right.
  const countW = textWidth(v.count, { size: 14 })
  els.push(line('count', x1, titleCy, v.count, { size: 14, fill: INK.subtitle, anchor: 'end' }))
  const stanceChipW = textWidth(v.stanceText, { size: 13, weight: 700 }) + 14
  const nameFont = { size: isLongName(v.name.text) && !v.name.missing ? 20 : 24, weight: 800 }
  const nameStyle = missingStyle(v.name, tone.line)
  const name = ellipsize(v.name.text, { ...nameFont, italic: nameStyle.italic }, x1 - countW - 20 - stanceChipW - x0)
  els.push(line('name', x0, titleCy, name, { ...nameFont, ...nameStyle }))
  const nameW = textWidth(name, { ...nameFont, italic: nameStyle.italic })
  els.push(chip('stance', x0 + nameW + 10, titleCy, v.stanceText, { bg: tone.line, ink: '#fff' }, SMALL_CHIP).el)
  if (hasSub) {
    const cy = titleCy + 15 + 2 + 9
    let sx = x0
    if (v.leader) {
      const leader = ellipsize(v.leader, { size: 14 }, x1 - sx)
      els.push(line('leader', sx, cy, leader, { size: 14, fill: '#33333a' }))
      sx += textWidth(leader, { size: 14 }) + 12
    }
    if (v.strategy && sx < x1 - 20)
      els.push(line('strategy', sx, cy, ellipsize(v.strategy, { size: 14 }, x1 - sx), { size: 14, fill: '#33333a' }))
  }
  return (
    <g className="wr-card-svg" data-card="faction">
      <rect x={1.5} y={1.5} width={w - 3} height={h - 3} rx={16} fill={tone.fill} />
      <path
        d={`M1.5,${head} L1.5,14.5 A13,13 0 0 1 14.5,1.5 L${w - 14.5},1.5 A13,13 0 0 1 ${w - 1.5},14.5 L${w - 1.5},${head} Z`}
        fill={mixWithWhite(tone.line, 0.14)}
      />
      <line x1={1.5} y1={head} x2={w - 1.5} y2={head} stroke={tone.line} strokeWidth={2} />
      <rect
        x={1.5}
        y={1.5}
        width={w - 3}
        height={h - 3}
        rx={16}
        fill="none"
        stroke={tone.line}
        strokeWidth={3}
        strokeDasharray="9 6"
      />
      {clipped(w, head, els)}
    </g>
  )
}

/** The hazard stripes of an open blocker (another colour joins them while under attack). */
function stripesDef(ctx: SvgExportContext | null, a: string, b: string): string {
  const id = `wr-stripes-${a}-${b}`.replace(/[^a-zA-Z0-9-]/g, '')
  ctx?.addExportDef({
    key: id,
    getElement: () => (
      <pattern id={id} width={20} height={20} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect x={0} y={0} width={10} height={20} fill={a} />
        <rect x={10} y={0} width={10} height={20} fill={b} />
      </pattern>
    ),
  })
  return id
}

export function blockerSvg(v: BlockerView, w: number, h: number, ctx: SvgExportContext | null): ReactElement {
  const cleared = v.status === 'cleared'
  const sev = cleared ? CLEARED_TONE : SEVERITY_TONE[v.severity]
  const x0 = 4 + 12
  const x1 = w - 4 - 12
  const els: ReactElement[] = []
  let y = 4 + 18
  // Head: "卡点" and the severity.
  const kindFont = { size: 15, weight: 800 }
  els.push(line('kind', x0, y + 10, v.kind, { ...kindFont, fill: sev, letterSpacing: 0.6 }))
  const kindW = textWidth(v.kind, kindFont) + v.kind.length * 0.6 + 6
  els.push(chip('severity', x0 + kindW, y + 10, v.severityText, SEVERITY_CHIP[v.severity], SMALL_CHIP).el)
  y += 20 + 6
  // Title (two lines) and detail (two lines); struck through once cleared.
  const titleFont = { size: 21, weight: 800 }
  const titleStyle = v.title.missing
    ? missingStyle(v.title, INK.text)
    : { fill: cleared ? INK.missing : INK.text, italic: false }
  const title = wrap(v.title.text, { ...titleFont, italic: titleStyle.italic }, x1 - x0, 2)
  els.push(line('title', x0, y + 13, title, { ...titleFont, ...titleStyle, strike: cleared }, 26.25))
  y += title.length * 26.25 + 6
  if (v.detail) {
    const detail = wrap(v.detail, { size: 14 }, x1 - x0, 2)
    const fill = cleared ? INK.missing : '#4a3b3b'
    els.push(line('detail', x0, y + 9, detail, { size: 14, fill, strike: cleared }, 17.5))
    y += detail.length * 17.5 + 6
  }
  // Foot: the funnel stage at the left; the status chip, or the cleared stamp, at the right.
  const footH = cleared ? 31 : 22
  const cy = Math.max(y, h - 4 - 10 - footH) + footH / 2
  let right = x1
  if (cleared) {
    const font = { size: 20, weight: 900 }
    const sw = textWidth(v.statusText, font) + 20 + 6
    const sx = x1 - sw
    els.push(
      <g key="stamp" transform={`rotate(-8 ${sx + sw / 2} ${cy})`}>
        <rect
          x={sx + 1.5}
          y={cy - 14}
          width={sw - 3}
          height={28}
          rx={6}
          fill="rgba(255, 255, 255, 0.85)"
          stroke="#2e7d32"
          strokeWidth={3}
        />
        {line('t', sx + sw / 2, cy, v.statusText, { ...font, fill: '#2e7d32', anchor: 'middle' })}
      </g>,
    )
    right = sx - 6
  } else {
    const tone = BLOCKER_STATUS_CHIP[v.status]
    const cw = textWidth(v.statusText, { size: 13, weight: 700 }) + 14 + (tone.line ? 4 : 0)
    els.push(chip('status', x1 - cw, cy, v.statusText, tone, SMALL_CHIP).el)
    right = x1 - cw - 6
  }
  if (v.stage)
    els.push(
      line('stage', x0, cy, ellipsize(v.stage, { size: 14, weight: 600 }, right - x0), {
        size: 14,
        weight: 600,
        fill: '#5d4037',
      }),
    )
  const second = v.status === 'attacking' ? '#1565c0' : '#ffd600'
  return (
    <g className="wr-card-svg" data-card="blocker">
      {!cleared && <rect x={0} y={2} width={w} height={h} rx={6} fill="rgba(183, 28, 28, 0.18)" />}
      <rect
        x={2}
        y={2}
        width={w - 4}
        height={h - 4}
        rx={5}
        fill={cleared ? '#f3f5f3' : '#fff5f4'}
        stroke={sev}
        strokeWidth={4}
        strokeDasharray={cleared ? '12 8' : undefined}
      />
      {!cleared && <rect x={4} y={4} width={w - 8} height={10} fill={`url(#${stripesDef(ctx, sev, second)})`} />}
      {clipped(w, h, els)}
    </g>
  )
}

export function actionSvg(v: ActionView, w: number, h: number): ReactElement {
  const border = v.overdue ? 3 : 2
  const x0 = 12 + 12
  const x1 = w - border - 12
  const els: ReactElement[] = []
  let y = border + 8
  // Head: department and status chips.
  let x = x0
  if (v.departmentText) {
    const c = chip('dept', x, y + 10, v.departmentText, { bg: DEPARTMENT_TONE[v.department], ink: '#fff' }, SMALL_CHIP)
    els.push(c.el)
    x += c.w + 6
  }
  els.push(chip('status', x, y + 10, v.statusText, ACTION_STATUS_CHIP[v.status], SMALL_CHIP).el)
  y += 20 + 6
  // Title, two lines.
  const titleFont = { size: 20, weight: 800 }
  const dropped = v.status === 'dropped'
  const titleStyle = v.title.missing
    ? missingStyle(v.title, INK.text)
    : { fill: dropped ? INK.missing : INK.text, italic: false }
  const title = wrap(v.title.text, { ...titleFont, italic: titleStyle.italic }, x1 - x0, 2)
  els.push(line('title', x0, y + 12.5, title, { ...titleFont, ...titleStyle, strike: dropped }, 25))
  y += title.length * 25 + 6
  // Owner, due date, overdue chip: one line, wrapping as the card's flex row does.
  let mx = x0
  let my = y + 9.5
  const place = (width: number) => {
    if (mx > x0 && mx + width > x1) {
      mx = x0
      my += 18.75 + 4
    }
    const at = mx
    mx += width + 10
    return at
  }
  const metaKeyed = (key: string, k: KeyedText, extra: { valueFill?: string; valueWeight?: number }) => {
    const probe = keyed(key, 0, 0, k, { size: 15, fill: INK.text, max: x1 - x0, ...extra })
    const at = place(probe.w)
    els.push(keyed(key, at, my, k, { size: 15, fill: INK.text, max: x1 - at, ...extra }).el)
  }
  metaKeyed('owner', v.owner, {})
  metaKeyed('due', v.due, v.overdue ? { valueFill: '#b71c1c', valueWeight: 800 } : {})
  if (v.overdueText) {
    const probe = textWidth(v.overdueText, { size: 13, weight: 700 }) + 14
    const at = place(probe)
    els.push(chip('overdue', at, my, v.overdueText, CHIP.overdue, SMALL_CHIP).el)
  }
  y = my + 9.5 + 6
  // Checkpoint at the bottom.
  const cy = Math.max(y, h - border - 8 - 17.5) + 8.75
  els.push(keyed('checkpoint', x0, cy, v.checkpoint, { size: 14, fill: INK.concern, max: x1 - x0 }).el)
  const fill = v.overdue ? '#fff0f0' : v.status === 'done' || dropped ? '#f5f6f5' : '#fff'
  return (
    <g className="wr-card-svg" data-card="action">
      {edgedFrame(w, h, {
        radius: 10,
        edge: 12,
        border,
        // Overdue: the whole border turns red, the edge too.
        edgeColor: v.overdue ? '#c62828' : DEPARTMENT_TONE[v.department],
        lineColor: v.overdue ? '#c62828' : ACTION_LINE,
        fill,
      })}
      {clipped(w, h, els)}
    </g>
  )
}

/** A shape whose props do not fit the contract: the same warning the canvas shows. */
export function brokenSvg(type: string, title: string, problems: PropProblem[], w: number, h: number): ReactElement {
  return (
    <g className="wr-card-svg" data-card="broken">
      <rect
        x={1.5}
        y={1.5}
        width={w - 3}
        height={h - 3}
        rx={8}
        fill="#fff8e1"
        stroke="#b26a00"
        strokeWidth={3}
        strokeDasharray="9 6"
      />
      {clipped(w, h, [
        line('title', 12, 20, ellipsize(`⚠ ${title}`, { size: 16, weight: 800 }, w - 24), {
          size: 16,
          weight: 800,
          fill: '#5d3a00',
        }),
        line('type', 12, 40, type, { size: 12, fill: '#5d3a00' }),
        ...problems.slice(0, 4).map((p, i) =>
          line(`p${i}`, 12, 58 + i * 16, ellipsize(`${p.prop || 'props'} ${p.message}`, { size: 13 }, w - 24), {
            size: 13,
            fill: '#5d3a00',
          }),
        ),
      ])}
    </g>
  )
}

/** A card's SVG marked with its shape's id (what a reader of the file, or a test, matches it by). */
export function tagged(id: string, el: ReactElement): ReactElement {
  return cloneElement(el as ReactElement<Record<string, unknown>>, { 'data-shape-id': id })
}
