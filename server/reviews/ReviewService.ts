/**
 * Reviews (复盘): taking one freezes the plan derived from the live document at that moment and
 * the document itself; the change list compares two documents, both derived with today's rules.
 * Services throw ReviewError; the HTTP layer maps it to a status once (server/http/reviews.ts).
 */
import { randomBytes } from 'node:crypto'
import type { TLRecord } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { type SharedMessageKey, translate } from '../../shared/i18n/index.ts'
import { isIsoDate, isoDateInTimeZone } from '../../shared/plan/dates.ts'
import { derivePlan } from '../../shared/plan/derive.ts'
import { readDocRecords } from '../../shared/plan/readDoc.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { diffPlans } from '../../shared/review/diff.ts'
import type { ChangesResponse, PlanDiff, Review, ReviewAuthor, ReviewListItem } from '../../shared/review/types.ts'
import { createWarRoomSchema } from '../../shared/schema.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import type { ReviewStore, StoredReview } from './ReviewStore.ts'

/** A refusal of the review service; `key` names its wording in the catalogue (shared/i18n/messages/review.ts). */
export class ReviewError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly key: ReviewErrorKey,
  ) {
    super(translate('en', key))
    this.name = 'ReviewError'
  }
}

export type ReviewErrorKey = Extract<SharedMessageKey, `review.error.${string}`>

/** The frozen document as JSON (GET …/reviews/:reviewId/document). */
export interface FrozenDocument {
  /** The serialised tldraw schema the records are in: the current one after migration. */
  schema: unknown
  records: TLRecord[]
  account: Record<string, unknown>
}

/** What a portfolio row shows about reviews. */
export interface ReviewPortfolioInfo {
  lastReview: { id: string; at: string; title: string } | null
  /** Since the last review, against the stored plan; null without a review. */
  sinceLastReview: PlanDiff['summary'] | null
}

export interface ReviewServiceOptions {
  timeZone: string
  now?: () => Date
  log?: (msg: string) => void
}

let schema: ReturnType<typeof createWarRoomSchema> | undefined
const warRoomSchema = () => (schema ??= createWarRoomSchema())

export function newReviewId(at: Date): string {
  return `rv-${at.getTime().toString(36).padStart(10, '0')}-${randomBytes(4).toString('hex')}`
}

export class ReviewService {
  /** Frozen documents re-derived with the current rules, by review id (reviews never change). */
  private readonly derived = new Map<string, PlanRecord>()

  constructor(
    private readonly store: ReviewStore,
    private readonly rooms: RoomManager,
    private readonly options: ReviewServiceOptions,
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  today(): string {
    return isoDateInTimeZone(this.now(), this.options.timeZone)
  }

  /** derivePlan's options: a bug inside the derivation goes to the server's log (the plan worker does the same). */
  private deriveOptions(today: string) {
    return {
      today,
      onError: (e: unknown) =>
        (this.options.log ?? console.error)(
          `[review] plan derivation failed (a bug): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
        ),
    }
  }

  /** Freezes the live document: its plan derived now, and its full Yjs state. */
  async take(accountId: string, input: { title?: string; note?: string }, by: ReviewAuthor): Promise<Review> {
    const room = await this.rooms.acquire(accountId)
    let plan: PlanRecord
    let state: Uint8Array
    const at = this.now()
    try {
      const today = isoDateInTimeZone(at, this.options.timeZone)
      // One synchronous stretch: no update can land between the plan and the state.
      plan = derivePlan(readDocRecords(room.doc), this.deriveOptions(today))
      state = Y.encodeStateAsUpdate(room.doc)
    } finally {
      this.rooms.release(accountId)
    }
    const title = input.title?.trim() || defaultTitle(plan.asOf)
    const review: StoredReview = {
      id: newReviewId(at),
      accountId,
      at: at.toISOString(),
      title,
      note: input.note?.trim() ?? '',
      createdBy: { id: by.id, name: by.name },
      plan,
      state,
    }
    await this.store.put(review)
    // The plan was derived with the rules of today: it is also the re-derived one.
    this.derived.set(review.id, plan)
    return withoutState(review)
  }

  list(accountId: string): Promise<ReviewListItem[]> {
    return this.store.list(accountId)
  }

  async get(accountId: string, reviewId: string): Promise<StoredReview> {
    const review = await this.store.get(accountId, reviewId)
    if (!review) throw new ReviewError(404, 'review.error.notFound')
    return review
  }

  async delete(accountId: string, reviewId: string): Promise<void> {
    if (!(await this.store.delete(accountId, reviewId))) throw new ReviewError(404, 'review.error.notFound')
    this.derived.delete(reviewId)
  }

  /** The frozen document as JSON, migrated in memory to the current schema when it is older. */
  frozenDocument(review: StoredReview): FrozenDocument {
    const doc = docOf(review.state)
    const { records, account } = readDocRecords(doc)
    const stored = doc.share.has(DocKeys.meta) ? doc.getMap<unknown>(DocKeys.meta).get(DocKeys.schema) : undefined
    const current = warRoomSchema().serialize()
    doc.destroy()
    const list = (records as TLRecord[]).filter((r) => typeof r === 'object' && r !== null && 'id' in r)
    if (stored === undefined) return { schema: current, records: list, account: account as Record<string, unknown> }
    const snapshot = Object.fromEntries(list.map((r) => [r.id, r])) as Record<TLRecord['id'], TLRecord>
    const result = warRoomSchema().migrateStoreSnapshot({ store: snapshot, schema: stored as never })
    if (result.type === 'error') {
      throw new ReviewError(409, 'review.error.newerDocument')
    }
    return { schema: current, records: Object.values(result.value), account: account as Record<string, unknown> }
  }

  /** The review's document derived with the current rules, for the date it was taken. */
  planOf(review: StoredReview): PlanRecord {
    const cached = this.derived.get(review.id)
    if (cached) return cached
    const doc = docOf(review.state)
    const today = isIsoDate(review.plan.asOf)
      ? review.plan.asOf
      : isoDateInTimeZone(new Date(review.at), this.options.timeZone)
    const plan = derivePlan(readDocRecords(doc), this.deriveOptions(today))
    doc.destroy()
    this.derived.set(review.id, plan)
    return plan
  }

  /** The live document's plan, derived now (the room is loaded if it is not). */
  async livePlan(accountId: string): Promise<PlanRecord> {
    const room = await this.rooms.acquire(accountId)
    try {
      return derivePlan(readDocRecords(room.doc), this.deriveOptions(this.today()))
    } finally {
      this.rooms.release(accountId)
    }
  }

  /** A review's list entry (from the store's index, no file read), or 404. */
  private async item(accountId: string, reviewId: string): Promise<ReviewListItem> {
    const item = (await this.store.list(accountId)).find((r) => r.id === reviewId)
    if (!item) throw new ReviewError(404, 'review.error.notFound')
    return item
  }

  /** planOf by id: the frozen file is read only when its derived plan is not cached yet. */
  private async derivedPlan(accountId: string, reviewId: string): Promise<PlanRecord> {
    return this.derived.get(reviewId) ?? this.planOf(await this.get(accountId, reviewId))
  }

  /** What changed from review `sinceId` to review `untilId`, or to the live document. */
  async changes(accountId: string, sinceId: string, untilId?: string): Promise<ChangesResponse> {
    const since = await this.item(accountId, sinceId)
    if (untilId !== undefined) {
      const until = await this.item(accountId, untilId)
      if (since.at > until.at) throw new ReviewError(400, 'review.error.sinceAfterUntil')
      return {
        since: { id: since.id, at: since.at },
        until: { id: until.id, at: until.at },
        ...diffPlans(await this.derivedPlan(accountId, since.id), await this.derivedPlan(accountId, until.id)),
      }
    }
    const sincePlan = await this.derivedPlan(accountId, since.id)
    const live = await this.livePlan(accountId)
    return {
      since: { id: since.id, at: since.at },
      until: { live: true, at: this.now().toISOString() },
      ...diffPlans(sincePlan, live),
    }
  }

  /** The newest review taken before this one, or null. */
  async previous(accountId: string, review: { id: string; at: string }): Promise<StoredReview | null> {
    const list = await this.store.list(accountId)
    const older = list.find((r) => r.at < review.at || (r.at === review.at && r.id < review.id))
    return older ? this.store.get(accountId, older.id) : null
  }

  /** The last review and what moved since, against a plan of now (the stored one, for lists). */
  async portfolioInfo(accountId: string, current: PlanRecord | null): Promise<ReviewPortfolioInfo> {
    const [last] = await this.store.list(accountId)
    if (!last) return { lastReview: null, sinceLastReview: null }
    const lastReview = { id: last.id, at: last.at, title: last.title }
    if (!current) return { lastReview, sinceLastReview: null }
    return { lastReview, sinceLastReview: diffPlans(await this.derivedPlan(accountId, last.id), current).summary }
  }

  removeAccount(accountId: string): Promise<void> {
    return this.store.removeAccount(accountId)
  }
}

function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}

function defaultTitle(date: string): string {
  // "2026-11 复盘": the month the review closes.
  return `${date.slice(0, 7)} 复盘`
}

export function withoutState(review: StoredReview): Review {
  const { state: _state, ...rest } = review
  return rest
}
