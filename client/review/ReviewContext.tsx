/**
 * The room's reviews: the list, which one the panel compares with, that review's document derived
 * with today's rules, and what changed from it to the live plan (diffPlans, the same pure function
 * the server's change list uses). The live side is the plan PlanContext derives on every edit, so
 * the change list and the marks on the canvas follow the meeting as people edit.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type { Param } from '../../shared/i18n'
import { derivePlan, isoDateInTimeZone, type PlanRecord } from '../../shared/plan'
import { diffPlans } from '../../shared/review/diff'
import type { Change, PlanDiff, ReviewListItem } from '../../shared/review/types'
import { errorText } from '../auth/api'
import type { AccountAccess } from '../auth/useAccountAccess'
import { usePlanContext } from '../plan/PlanContext'
import { reviewsApi } from './api'

export interface ReviewContextValue {
  accountId: string
  /** Newest first; null while loading. */
  reviews: ReviewListItem[] | null
  refresh: () => Promise<void>
  error: Param | null
  /** The review the panel compares the live plan with (the newest by default). */
  since: ReviewListItem | null
  setSinceId: (id: string) => void
  /** The review's document derived now; null while it loads. */
  sincePlan: PlanRecord | null
  diff: PlanDiff | null
  /** Changes by shape id, for the marks on the canvas. */
  byShape: ReadonlyMap<string, Change[]>
  /** Whether the review panel is open, which is when the canvas shows the marks. */
  active: boolean
  /** Owners, editors, administrators on a live account may take a review; owners delete one. */
  canTake: boolean
  canDelete: boolean
}

const ReviewContext = createContext<ReviewContextValue | null>(null)

export function ReviewProvider({
  accountId,
  access,
  children,
}: {
  accountId: string
  /** Null while unknown: nothing may be taken or deleted until it is known. */
  access: AccountAccess | null
  children: ReactNode
}) {
  const { plan, sidebarOpen, tab } = usePlanContext()
  const [reviews, setReviews] = useState<ReviewListItem[] | null>(null)
  const [error, setError] = useState<Param | null>(null)
  const [sinceId, setSinceId] = useState<string | null>(null)
  const [frozen, setFrozen] = useState<{ id: string; plan: PlanRecord } | null>(null)

  const refresh = useCallback(async () => {
    try {
      const list = await reviewsApi.list(accountId)
      setReviews(list)
      setError(null)
      setSinceId((current) => (current && list.some((r) => r.id === current) ? current : (list[0]?.id ?? null)))
    } catch (e) {
      setError(errorText(e))
    }
  }, [accountId])

  useEffect(() => {
    void refresh()
  }, [refresh])

  const since = reviews?.find((r) => r.id === sinceId) ?? null

  useEffect(() => {
    if (!since) return
    let cancelled = false
    void reviewsApi.document(accountId, since.id).then(
      (doc) => {
        if (cancelled) return
        // Derived for the day the review was taken, with the rules of this version.
        const today = isoDateInTimeZone(new Date(since.at))
        setFrozen({ id: since.id, plan: derivePlan({ account: doc.account, records: doc.records }, { today }) })
      },
      (e: unknown) => !cancelled && setError(errorText(e)),
    )
    return () => {
      cancelled = true
    }
  }, [accountId, since])

  const sincePlan = frozen && since && frozen.id === since.id ? frozen.plan : null
  const diff = useMemo(() => (sincePlan && plan ? diffPlans(sincePlan, plan) : null), [sincePlan, plan])
  const byShape = useMemo(() => {
    const map = new Map<string, Change[]>()
    for (const c of diff?.changes ?? []) {
      if (!c.id.startsWith('shape:')) continue
      const list = map.get(c.id)
      if (list) list.push(c)
      else map.set(c.id, [c])
    }
    return map
  }, [diff])

  const value = useMemo<ReviewContextValue>(
    () => ({
      accountId,
      reviews,
      refresh,
      error,
      since,
      setSinceId,
      sincePlan,
      diff,
      byShape,
      active: sidebarOpen && tab === 'review',
      canTake: Boolean(access && !access.readOnly),
      canDelete: Boolean(access && access.role === 'owner' && !access.archived),
    }),
    [accountId, reviews, refresh, error, since, sincePlan, diff, byShape, sidebarOpen, tab, access],
  )
  return <ReviewContext.Provider value={value}>{children}</ReviewContext.Provider>
}

export function useReviewContext(): ReviewContextValue {
  const value = useContext(ReviewContext)
  if (!value) throw new Error('useReviewContext() needs a <ReviewProvider> above it')
  return value
}

export function useOptionalReviewContext(): ReviewContextValue | null {
  return useContext(ReviewContext)
}
