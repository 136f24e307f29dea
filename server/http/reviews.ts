/**
 * Reviews (复盘) and what changed between them: take, list, get, delete, the frozen document, the
 * change list and the Markdown report (docs/api.md, "Reviews"). Access: any member reads; owners,
 * editors and administrators take a review (409 on an archived account); owners and
 * administrators delete one (409 on an archived account too: it is a change).
 */
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { diffPlans } from '../../shared/review/diff.ts'
import { renderCustomerReviewMarkdown, renderReviewMarkdown } from '../../shared/review/report.ts'
import { type AuditStore, auditActor } from '../audit/AuditLog.ts'
import type { AccountNeed, Auth } from '../auth/Auth.ts'
import { ReviewError, type ReviewService, withoutState } from '../reviews/ReviewService.ts'
import { audienceOf } from './audience.ts'
import { clientAddress } from './clientAddress.ts'
import { personError } from './errors.ts'
import { authorise, jsonBody } from './validate.ts'

const takeBody = z.strictObject({
  title: z.string().max(200).optional(),
  note: z.string().max(5000).optional(),
})

/** Domain errors of the review service, mapped once. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    if (e instanceof ReviewError) throw personError(e.status, e.key)
    throw e
  }
}

interface ReviewRouteDeps {
  auth: Auth
  reviews: ReviewService
  /** Taking and deleting a review are recorded here. */
  audit?: AuditStore
}

export function mountReviewRoutes(app: Hono, deps: ReviewRouteDeps) {
  app.route('/', reviewRoutes(deps))
}

/** The routes as one chained Hono app, so the browser's typed client (hono/client) knows each answer. */
export type ReviewRoutes = ReturnType<typeof reviewRoutes>

function reviewRoutes(deps: ReviewRouteDeps) {
  const { auth, reviews } = deps
  const access = (c: Context, need: AccountNeed) => auth.account(c.req.raw, c.req.param('id')!, need)

  return new Hono()
    .post(
      '/api/accounts/:id/reviews',
      authorise((c) => access(c, 'write')),
      jsonBody(takeBody),
      async (c) => {
        const { account, user } = c.var.access
        const body = c.req.valid('json')
        const review = await reviews.take(account.id, body, { id: user.id, name: user.name })
        await deps.audit?.record({
          action: 'review.take',
          actor: auditActor(user),
          address: clientAddress(c),
          target: { accountId: account.id, reviewId: review.id },
          detail: { title: review.title },
        })
        return c.json({ review }, 201)
      },
    )

    .get('/api/accounts/:id/reviews', async (c) => {
      const { account } = access(c, 'read')
      return c.json({ reviews: await reviews.list(account.id) })
    })

    .get('/api/accounts/:id/reviews/:reviewId', async (c) => {
      const { account } = access(c, 'read')
      return c.json(withoutState(await mapped(() => reviews.get(account.id, c.req.param('reviewId')))))
    })

    .delete('/api/accounts/:id/reviews/:reviewId', async (c) => {
      const { account, user } = access(c, 'manage')
      if (account.archivedAt) throw personError(409, 'error.account.archived')
      const reviewId = c.req.param('reviewId')
      await mapped(() => reviews.delete(account.id, reviewId))
      await deps.audit?.record({
        action: 'review.delete',
        actor: auditActor(user),
        address: clientAddress(c),
        target: { accountId: account.id, reviewId },
      })
      return c.body(null, 204)
    })

    .get('/api/accounts/:id/reviews/:reviewId/document', async (c) => {
      const { account } = access(c, 'read')
      const review = await mapped(() => reviews.get(account.id, c.req.param('reviewId')))
      return c.json(await mapped(async () => reviews.frozenDocument(review)))
    })

    .get('/api/accounts/:id/changes', async (c) => {
      const { account } = access(c, 'read')
      const since = c.req.query('since')
      const until = c.req.query('until')
      if (!since) throw personError(400, 'review.error.sinceRequired')
      return c.json(await mapped(() => reviews.changes(account.id, since, until || undefined)))
    })

    .get('/api/accounts/:id/reviews/:reviewId/report.md', async (c) => {
      const { account } = access(c, 'read')
      const lang = c.req.query('lang') ?? 'zh'
      if (lang !== 'zh' && lang !== 'en')
        throw personError(400, 'error.query.lang', { choices: { zh: 'zh 或 en', en: 'zh or en' } })
      const audience = audienceOf(c)
      const sinceId = c.req.query('since')
      const body = await mapped(async () => {
        const review = await reviews.get(account.id, c.req.param('reviewId'))
        const plan = reviews.planOf(review)
        const since = sinceId ? await reviews.get(account.id, sinceId) : await reviews.previous(account.id, review)
        if (since && since.at > review.at) throw new ReviewError(400, 'review.error.sinceAfterReview')
        const sincePlan = since ? reviews.planOf(since) : null
        const input = {
          review,
          plan,
          diff: sincePlan ? diffPlans(sincePlan, plan) : null,
          since: since ? { title: since.title, at: since.at } : null,
        }
        return audience === 'customer'
          ? renderCustomerReviewMarkdown(input, plan, sincePlan, lang)
          : renderReviewMarkdown(input, lang)
      })
      const suffix = audience === 'customer' ? '-customer' : ''
      return c.body(body, 200, {
        'Content-Type': 'text/markdown; charset=utf-8',
        'Content-Disposition': `attachment; filename="${account.id}-review-${lang}${suffix}.md"`,
        'X-Content-Type-Options': 'nosniff',
      })
    })
}
