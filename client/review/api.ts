/** The reviews API from the browser (docs/api.md, "Reviews"). */
import type { TLRecord } from 'tldraw'
import type { Review, ReviewListItem } from '../../shared/review/types'
import { apiFetch } from '../auth/api'

const base = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}`

export interface FrozenDocument {
  schema: unknown
  records: TLRecord[]
  account: Record<string, unknown>
}

export const reviewsApi = {
  list: async (accountId: string) =>
    (await apiFetch<{ reviews: ReviewListItem[] }>(`${base(accountId)}/reviews`)).reviews,
  get: (accountId: string, reviewId: string) =>
    apiFetch<Review>(`${base(accountId)}/reviews/${encodeURIComponent(reviewId)}`),
  take: async (accountId: string, body: { title?: string; note?: string }) =>
    (await apiFetch<{ review: Review }>(`${base(accountId)}/reviews`, { method: 'POST', body })).review,
  remove: (accountId: string, reviewId: string) =>
    apiFetch<void>(`${base(accountId)}/reviews/${encodeURIComponent(reviewId)}`, { method: 'DELETE' }),
  document: (accountId: string, reviewId: string) =>
    apiFetch<FrozenDocument>(`${base(accountId)}/reviews/${encodeURIComponent(reviewId)}/document`),
  reportUrl: (accountId: string, reviewId: string, lang: 'zh' | 'en', audience?: 'customer') =>
    `${base(accountId)}/reviews/${encodeURIComponent(reviewId)}/report.md?lang=${lang}${audience ? `&audience=${audience}` : ''}`,
}
