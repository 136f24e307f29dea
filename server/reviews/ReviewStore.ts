/**
 * Where reviews (复盘) are kept: per account, outside db.json, behind this interface so that the
 * multi-node mode can keep them in PostgreSQL. A review is written once and never changed; it
 * can only be deleted.
 */
import type { Review, ReviewListItem } from '../../shared/review/types.ts'

/** A review with the frozen document: its Yjs state as `Y.encodeStateAsUpdate` (not a `Y.snapshot`). */
export interface StoredReview extends Review {
  state: Uint8Array
}

export interface ReviewStore {
  /** The account's reviews, newest first (`at`, then id). */
  list(accountId: string): Promise<ReviewListItem[]>
  /** One review with its state, or null when there is no such review on this account. */
  get(accountId: string, reviewId: string): Promise<StoredReview | null>
  /** Stores a new review; resolves once it is durable. Rejects if the id exists. */
  put(review: StoredReview): Promise<void>
  /** Deletes one review; false when there was none. */
  delete(accountId: string, reviewId: string): Promise<boolean>
  /** Deletes every review of an account (the account is being deleted). */
  removeAccount(accountId: string): Promise<void>
  close(): Promise<void>
}

/** Review ids: `rv-` + 10 base-36 time digits + 8 random hex; sortable by creation, safe in file names. */
export const REVIEW_ID_PATTERN = /^rv-[a-z0-9]{10}-[a-f0-9]{8}$/

export function isValidReviewId(id: unknown): id is string {
  return typeof id === 'string' && REVIEW_ID_PATTERN.test(id)
}

export function listItem(review: Review): ReviewListItem {
  return {
    id: review.id,
    at: review.at,
    title: review.title,
    createdBy: review.createdBy,
    score: review.plan.metrics.healthScore,
    findings: review.plan.findings.length,
  }
}

export function newestFirst(a: { at: string; id: string }, b: { at: string; id: string }): number {
  return b.at.localeCompare(a.at) || b.id.localeCompare(a.id)
}
