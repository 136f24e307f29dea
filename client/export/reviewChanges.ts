/**
 * For the presentation PDF's summary page: what changed since the account's last review (issue
 * 13's reviews), diffed here from that review's frozen plan to the live one. The customer sees
 * only the changes the allow-list keeps (shared/review's customerSafeChanges).
 */
import type { Audience } from '../../shared/audience'
import type { PlanRecord } from '../../shared/plan'
import { diffPlans } from '../../shared/review'
import { customerSafeChanges } from '../../shared/review/report'
import type { Change, ChangeSummary, Review, ReviewListItem } from '../../shared/review/types'

export interface ChangesSinceReview {
  title: string
  at: string
  summary: ChangeSummary
  changes: Change[]
}

/** The account id of the room this page shows (`/a/<id>`), or null elsewhere. */
export function currentAccountId(pathname = location.pathname): string | null {
  const match = /^\/a\/([a-z0-9-]+)/.exec(pathname)
  return match ? match[1]! : null
}

/** Changes since the newest review, or null when there is none (or reviews cannot be read). */
export async function changesSinceLastReview(
  accountId: string,
  plan: PlanRecord,
  audience: Audience,
): Promise<ChangesSinceReview | null> {
  try {
    const base = `/api/accounts/${encodeURIComponent(accountId)}/reviews`
    const list = await fetch(base, { credentials: 'same-origin' })
    if (!list.ok) return null
    const { reviews } = (await list.json()) as { reviews: ReviewListItem[] }
    const last = reviews[0]
    if (!last) return null
    const res = await fetch(`${base}/${encodeURIComponent(last.id)}`, { credentials: 'same-origin' })
    if (!res.ok) return null
    const review = (await res.json()) as Review
    const diff = diffPlans(review.plan, plan)
    const changes = audience === 'customer' ? customerSafeChanges(diff.changes, review.plan, plan) : diff.changes
    return { title: review.title, at: review.at, summary: diff.summary, changes }
  } catch {
    // The summary page simply goes without the section.
    return null
  }
}
