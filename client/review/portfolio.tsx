/**
 * The portfolio for the monthly review meeting: the date of each account's last review, what
 * moved since (score ↑↓, blockers cleared, actions slipped), and sorting by any of the columns.
 */
import { useState } from 'react'
import type { AccountSummary } from '../../shared/accounts'
import { isoDateInTimeZone } from '../../shared/plan/dates'
import { FUNNEL_STAGES } from '../../shared/shapes/types'
import { useT } from '../i18n'

export type SortKey = 'name' | 'stage' | 'health' | 'lastReview' | 'moved' | 'activity'
export type Sort = { key: SortKey; dir: 'asc' | 'desc' } | null

/** Score points moved since the last review, or null without one. */
export function scoreMoved(a: AccountSummary): number | null {
  const s = a.sinceLastReview
  return s ? s.score.to - s.score.from : null
}

/** Actions that slipped since the last review: newly overdue, or failed. */
export function slipped(a: AccountSummary): number {
  const s = a.sinceLastReview
  return s ? s.actionsOverdue + s.actionsFailed : 0
}

const stageRank = (stage: string) => {
  const i = (FUNNEL_STAGES as readonly string[]).indexOf(stage)
  return i < 0 ? -1 : i
}

/** Sorted copy; rows without a value (no review, no stage) go last whichever the direction. */
export function sortAccounts(list: readonly AccountSummary[], sort: Sort): AccountSummary[] {
  if (!sort) return [...list]
  const value = (a: AccountSummary): number | string | null => {
    switch (sort.key) {
      case 'name':
        return a.name
      case 'stage':
        return a.stage ? stageRank(a.stage) : null
      case 'health':
        return a.health?.score ?? null
      case 'lastReview':
        return a.lastReview?.at ?? null
      case 'moved':
        return scoreMoved(a)
      case 'activity':
        return a.lastActivityAt
    }
  }
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...list].sort((x, y) => {
    const a = value(x)
    const b = value(y)
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
    const c = typeof a === 'string' ? a.localeCompare(b as string, 'zh-CN') : a - (b as number)
    return sign * c || x.id.localeCompare(y.id)
  })
}

/** A sort state, cycling asc → desc on repeated clicks of the same column. */
export function useSort(initial: Sort = null) {
  const [sort, setSort] = useState<Sort>(initial)
  const toggle = (key: SortKey) =>
    setSort((s) =>
      s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' },
    )
  return { sort, toggle }
}

/** A column header that sorts the table. */
export function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string
  column: SortKey
  sort: Sort
  onSort: (key: SortKey) => void
}) {
  const t = useT()
  const active = sort?.key === column
  return (
    <th aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="wr-th-sort"
        aria-pressed={active}
        title={t('portfolio.sort')}
        data-testid={`sort-${column}`}
        onClick={() => onSort(column)}
      >
        {label} {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
      </button>
    </th>
  )
}

export function Delta({ value }: { value: number }) {
  return (
    <span className={`wr-delta wr-delta--${value > 0 ? 'up' : value < 0 ? 'down' : 'flat'}`}>
      {value > 0 ? `↑${value}` : value < 0 ? `↓${-value}` : '±0'}
    </span>
  )
}

export function LastReviewCell({ account }: { account: AccountSummary }) {
  const t = useT()
  if (!account.lastReview) return <span className="wr-hint">{t('portfolio.review.none')}</span>
  return (
    <time dateTime={account.lastReview.at} title={account.lastReview.title} data-testid="last-review">
      {isoDateInTimeZone(new Date(account.lastReview.at))}
    </time>
  )
}

export function MovedCell({ account, pillClass = 'wr-pill' }: { account: AccountSummary; pillClass?: string }) {
  const t = useT()
  const s = account.sinceLastReview
  if (!s) return <span className="wr-hint">—</span>
  const moved = scoreMoved(account)!
  const slip = slipped(account)
  return (
    <span className="wr-moved" data-testid="moved">
      <Delta value={moved} />
      {s.blockersCleared > 0 && (
        <span className={`${pillClass} ${pillClass}--good`}>
          {t('portfolio.moved.cleared', { count: s.blockersCleared })}
        </span>
      )}
      {slip > 0 && (
        <span className={`${pillClass} ${pillClass}--bad`}>{t('portfolio.moved.slipped', { count: slip })}</span>
      )}
    </span>
  )
}
