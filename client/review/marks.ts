/** The short mark a changed shape carries on the canvas while the review panel is open. */
import { ACTION_STATUS_LABELS, BLOCKER_STATUS_LABELS, type Lang } from '../../shared/plan/labels'
import type { Change } from '../../shared/review/types'
import type { ActionStatus, BlockerStatus } from '../../shared/shapes/types'
import type { MessageKey, Translate } from '../i18n'

const WORD: Partial<Record<Change['code'], MessageKey>> = {
  'stakeholder.renamed': 'review.mark.renamed',
  'faction.renamed': 'review.mark.renamed',
  'blocker.renamed': 'review.mark.renamed',
  'action.renamed': 'review.mark.renamed',
  'stakeholder.role.changed': 'review.mark.role',
  'stakeholder.influence.changed': 'review.mark.influence',
  'stakeholder.champion.changed': 'review.mark.champion',
  'stakeholder.faction.changed': 'review.mark.faction',
  'faction.stance.changed': 'review.mark.stance',
  'blocker.severity.changed': 'review.mark.severity',
  'action.due.changed': 'review.mark.due',
  'action.owner.changed': 'review.mark.owner',
  'action.overdue': 'review.mark.overdue',
}

/** The most telling first: new, CR moves, status moves, overdue, then the rest. */
const RANK: Partial<Record<Change['code'], number>> = {
  'stakeholder.added': 0,
  'faction.added': 0,
  'blocker.added': 0,
  'action.added': 0,
  'stakeholder.relationship.changed': 1,
  'blocker.status.changed': 1,
  'action.status.changed': 1,
  'action.overdue': 2,
  'finding.added': 9,
  'finding.resolved': 10,
}

export type MarkTone = 'new' | 'good' | 'bad' | 'neutral'

const CR_RANK: Record<string, number> = { cr1: 1, cr2: 2, cr3: 3, cr4: 4, cr5: 5 }

function toneOf(c: Change): MarkTone {
  switch (c.code) {
    case 'stakeholder.added':
    case 'faction.added':
    case 'blocker.added':
    case 'action.added':
      return 'new'
    case 'stakeholder.relationship.changed': {
      const from = CR_RANK[c.from as string]
      const to = CR_RANK[c.to as string]
      return from && to ? (to < from ? 'good' : 'bad') : 'neutral'
    }
    case 'blocker.status.changed':
      return c.to === 'cleared' ? 'good' : c.from === 'cleared' ? 'bad' : 'neutral'
    case 'action.status.changed':
      return c.to === 'done' ? 'good' : c.to === 'failed' || c.to === 'dropped' ? 'bad' : 'neutral'
    case 'action.overdue':
    case 'finding.added':
      return 'bad'
    default:
      return 'neutral'
  }
}

export interface Mark {
  text: string
  tone: MarkTone
}

/** One or two words for the shape's changes ("新", "CR3→CR2", "已突破"); null when only a finding went away. */
export function markFor(changes: readonly Change[], t: Translate, lang: Lang): Mark | null {
  const shown = changes.filter((c) => c.code !== 'finding.resolved')
  if (shown.length === 0) return null
  const sorted = [...shown].sort((a, b) => (RANK[a.code] ?? 5) - (RANK[b.code] ?? 5))
  const first = sorted[0]!
  if (first.code.endsWith('.added') && first.entity !== 'finding') return { text: t('review.mark.new'), tone: 'new' }
  const words: string[] = []
  for (const c of sorted) {
    if (words.length === 2) break
    const word = wordOf(c, t, lang)
    if (word && !words.includes(word)) words.push(word)
  }
  return { text: words.join(' · '), tone: toneOf(first) }
}

function wordOf(c: Change, t: Translate, lang: Lang): string | null {
  switch (c.code) {
    case 'stakeholder.relationship.changed':
      return `${String(c.from).toUpperCase()}→${String(c.to).toUpperCase()}`
    case 'blocker.status.changed':
      return BLOCKER_STATUS_LABELS[c.to as BlockerStatus]?.[lang] ?? null
    case 'action.status.changed':
      return ACTION_STATUS_LABELS[c.to as ActionStatus]?.[lang] ?? null
    case 'finding.added':
      return t('review.mark.finding')
    default: {
      const key = WORD[c.code]
      return key ? t(key) : null
    }
  }
}
