/** The reviews API from the browser (docs/api.md, "Reviews"). */

import type { TLRecord } from 'tldraw'
import type { ReviewRoutes } from '../../server/http/reviews'
import { apiFetch, call, typedClient } from '../auth/api'

const base = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}`

export interface FrozenDocument {
  schema: unknown
  records: TLRecord[]
  account: Record<string, unknown>
}

/** The typed client of the review routes (server/http/reviews.ts): answers checked by the compiler, not cast. */
const typed = typedClient<ReviewRoutes>()
const reviews = typed.api.accounts[':id'].reviews
const one = reviews[':reviewId']

export const reviewsApi = {
  list: async (accountId: string) =>
    (await call(reviews.$get({ param: { id: accountId } }), `${base(accountId)}/reviews`)).reviews,
  get: (accountId: string, reviewId: string) =>
    call(one.$get({ param: { id: accountId, reviewId } }), `${base(accountId)}/reviews/${reviewId}`),
  take: async (accountId: string, body: { title?: string; note?: string }) =>
    (await call(reviews.$post({ param: { id: accountId }, json: body }), `${base(accountId)}/reviews`)).review,
  remove: (accountId: string, reviewId: string) =>
    call(one.$delete({ param: { id: accountId, reviewId } }), `${base(accountId)}/reviews/${reviewId}`),
  // Not typed: tldraw's record types do not survive hono's JSON typing (its JSONValue is not
  // tldraw's JsonValue), so the frozen document keeps its declared type.
  document: (accountId: string, reviewId: string) =>
    apiFetch<FrozenDocument>(`${base(accountId)}/reviews/${encodeURIComponent(reviewId)}/document`),
  reportUrl: (accountId: string, reviewId: string, lang: 'zh' | 'en', audience?: 'customer') =>
    `${base(accountId)}/reviews/${encodeURIComponent(reviewId)}/report.md?lang=${lang}${audience ? `&audience=${audience}` : ''}`,
}
