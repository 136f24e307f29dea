/**
 * Where imported cards go: a grid by department (one band per department, KDM first), below
 * everything already on the page so no card lands on another; or inside a chosen faction, below
 * its members, growing the faction to hold them.
 */
import type { StakeholderRole } from '../shapes/types'

export const CARD = { w: 260, h: 170 } as const
const GAP = { x: 40, y: 40 }
const BAND_GAP = 100
/** Cards per line: six fit a projector's width at a readable zoom. */
export const CARDS_PER_LINE = 6
/** Space kept below the existing shapes. */
const MARGIN_BELOW = 160
const FACTION_PAD = 30
const FACTION_HEADER = 64

const ROLE_ORDER: Record<StakeholderRole, number> = { kdm: 0, ki: 1, gatekeeper: 2, ku: 3, other: 4 }

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

export interface Placeable {
  department?: string
  role?: StakeholderRole
}

/** The order cards are laid in: departments in order of first appearance (none last), KDM first within each. */
function bands<T extends Placeable>(items: readonly T[]): number[][] {
  const byDept = new Map<string, number[]>()
  items.forEach((item, i) => {
    const d = (item.department ?? '').trim()
    const list = byDept.get(d) ?? []
    list.push(i)
    byDept.set(d, list)
  })
  const keys = [...byDept.keys()].sort((a, b) => (a === '' ? 1 : 0) - (b === '' ? 1 : 0))
  return keys.map((k) =>
    byDept
      .get(k)!
      .sort((a, b) => ROLE_ORDER[items[a]!.role ?? 'other'] - ROLE_ORDER[items[b]!.role ?? 'other'] || a - b),
  )
}

/**
 * Page positions for new cards, in input order: bands of up to CARDS_PER_LINE cards per
 * department, starting below `existing` (the page's shapes' bounds, or null on an empty page)
 * at its left edge.
 */
export function layoutOnPage(items: readonly Placeable[], existing: Box | null): { x: number; y: number }[] {
  const left = existing ? Math.round(existing.x) : 0
  let y = existing ? Math.round(existing.y + existing.h + MARGIN_BELOW) : 0
  const out: { x: number; y: number }[] = new Array(items.length)
  for (const band of bands(items)) {
    band.forEach((index, k) => {
      const col = k % CARDS_PER_LINE
      const line = Math.floor(k / CARDS_PER_LINE)
      out[index] = { x: left + col * (CARD.w + GAP.x), y: y + line * (CARD.h + GAP.y) }
    })
    const lines = Math.ceil(band.length / CARDS_PER_LINE)
    y += lines * (CARD.h + GAP.y) - GAP.y + BAND_GAP
  }
  return out
}

/**
 * Positions inside a faction (relative to it), below its members (`children`, in the faction's
 * coordinates), and the faction's new size so every card is inside it.
 */
export function layoutInFaction(
  items: readonly Placeable[],
  faction: { w: number; h: number },
  children: readonly Box[],
): { positions: { x: number; y: number }[]; size: { w: number; h: number } } {
  const perLine = Math.max(
    1,
    Math.min(CARDS_PER_LINE, Math.floor((faction.w - 2 * FACTION_PAD + GAP.x) / (CARD.w + GAP.x))),
  )
  const top = children.reduce((max, c) => Math.max(max, c.y + c.h + GAP.y), FACTION_HEADER + FACTION_PAD)
  const order = bands(items).flat()
  const positions: { x: number; y: number }[] = new Array(items.length)
  order.forEach((index, k) => {
    positions[index] = {
      x: FACTION_PAD + (k % perLine) * (CARD.w + GAP.x),
      y: top + Math.floor(k / perLine) * (CARD.h + GAP.y),
    }
  })
  const lines = Math.ceil(items.length / perLine)
  const bottom = lines === 0 ? faction.h : top + lines * (CARD.h + GAP.y) - GAP.y + FACTION_PAD
  const right = FACTION_PAD + perLine * (CARD.w + GAP.x) - GAP.x + FACTION_PAD
  return { positions, size: { w: Math.max(faction.w, right), h: Math.max(faction.h, bottom) } }
}
