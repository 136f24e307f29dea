/**
 * The cards' colours, for the native SVG of exports (cardSvg.tsx), which cannot use the
 * stylesheet: an exported file carries no CSS. shapes.css gives the canvas's HTML cards the same
 * colours; tests/unit/cardPalette.test.ts reads shapes.css and fails when the two differ.
 */
import { DEPARTMENT_COLORS } from '../../shared/live/people'
import type {
  ActionStatus,
  BlockerSeverity,
  BlockerStatus,
  Department,
  FactionStance,
  RelationshipLevel,
  StakeholderRole,
} from '../../shared/shapes/types'

export interface Chip {
  bg: string
  ink: string
  /** An outline (the open blocker's chip). */
  line?: string
}

export const INK = {
  text: '#1d1d1f',
  subtitle: '#44444a',
  concern: '#3c3c42',
  key: '#55555a',
  missing: '#8a8a8e',
}

/** Relationship level → the stakeholder card's edge and its CR chip. */
export const CR_TONE: Record<RelationshipLevel | 'customer', Chip> = {
  cr1: { bg: '#1e8e3e', ink: '#fff' },
  cr2: { bg: '#7cb342', ink: '#fff' },
  cr3: { bg: '#f2b705', ink: '#3b2f00' },
  cr4: { bg: '#ef6c00', ink: '#fff' },
  cr5: { bg: '#c62828', ink: '#fff' },
  unknown: { bg: '#9e9e9e', ink: '#fff' },
  customer: { bg: '#5b6b7f', ink: '#fff' },
}

export const ROLE_TONE: Record<StakeholderRole, string> = {
  kdm: '#1a237e',
  ki: '#6a1b9a',
  ku: '#00796b',
  gatekeeper: '#5d4037',
  other: '#757575',
}

export const STAKEHOLDER_LINE = '#d0d0d6'
export const ACTION_LINE = '#cfd3da'

export const STANCE_TONE: Record<FactionStance, { line: string; fill: string }> = {
  ally: { line: '#2e7d32', fill: 'rgba(46, 125, 50, 0.07)' },
  neutral: { line: '#546e7a', fill: 'rgba(84, 110, 122, 0.06)' },
  hostile: { line: '#c62828', fill: 'rgba(198, 40, 40, 0.07)' },
}

/** A blocker's border and stripes by severity (cleared: grey). */
export const SEVERITY_TONE: Record<BlockerSeverity, string> = {
  critical: '#8e0000',
  high: '#e53935',
  medium: '#f57c00',
  low: '#c0a000',
}
export const CLEARED_TONE = '#9e9e9e'

export const SEVERITY_CHIP: Record<BlockerSeverity, Chip> = {
  critical: { bg: '#8e0000', ink: '#fff' },
  high: { bg: '#e53935', ink: '#fff' },
  medium: { bg: '#f57c00', ink: '#fff' },
  low: { bg: '#fff176', ink: '#4a3f00' },
}

export const BLOCKER_STATUS_CHIP: Record<BlockerStatus, Chip> = {
  open: { bg: '#fff', ink: '#b71c1c', line: '#b71c1c' },
  attacking: { bg: '#1565c0', ink: '#fff' },
  cleared: { bg: '#2e7d32', ink: '#fff' },
}

export const ACTION_STATUS_CHIP: Record<ActionStatus, Chip> = {
  planned: { bg: '#eceff1', ink: '#37474f' },
  'in-progress': { bg: '#1565c0', ink: '#fff' },
  done: { bg: '#2e7d32', ink: '#fff' },
  failed: { bg: '#b71c1c', ink: '#fff' },
  dropped: { bg: '#bdbdbd', ink: '#424242' },
}

/** The department colours are the live session's (cursors, people panel): one palette for both. */
export const DEPARTMENT_TONE: Record<Department, string> = DEPARTMENT_COLORS

export const CHIP = {
  overdue: { bg: '#b71c1c', ink: '#fff' },
  leader: { bg: '#e8eaf6', ink: '#1a237e' },
  competitor: { bg: '#ffe0cc', ink: '#8a3300' },
} satisfies Record<string, Chip>

/** `color-mix(in srgb, color p, white)` for a #rrggbb colour. */
export function mixWithWhite(hex: string, p: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  const mix = (c: number) => Math.round(c * p + 255 * (1 - p))
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix)
  return `rgb(${r}, ${g}, ${b})`
}
