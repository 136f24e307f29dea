/**
 * Dot votes on an account (server/live/VoteService.ts): editors and owners open and close them,
 * every non-viewer member casts their own ballot, and nobody sees anyone else's dots until the
 * vote closes. Viewers get 403 on every vote route (they see results on the canvas).
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ballotBody, openVoteBody } from '../../shared/live/votes.ts'
import type { Auth } from '../auth/Auth.ts'
import type { StoredVote, VoteService } from '../live/VoteService.ts'
import { authorise, jsonBody } from './validate.ts'

interface VoteRouteDeps {
  auth: Auth
  votes: VoteService
}

export function mountVoteRoutes(app: Hono, deps: VoteRouteDeps) {
  app.route('/', voteRoutes(deps))
}

/** The routes as one chained Hono app, so the browser's typed client (hono/client) knows each answer. */
export type VoteRoutes = ReturnType<typeof voteRoutes>

function voteRoutes(deps: VoteRouteDeps) {
  const { auth, votes } = deps

  /** Session, membership, not a viewer; `write` also needs an editor or owner on a live account. */
  const access = (request: Request, accountId: string, write: boolean) => {
    const a = auth.account(request, accountId, write ? 'write' : 'read')
    if (a.role === 'viewer') throw new HTTPException(403, { message: 'viewers cannot take part in votes' })
    return a
  }

  /** What the caller may see: their own ballot while open, everyone's counts once closed. */
  const view = (vote: StoredVote, userId: string) => ({
    ...votes.publicVote(vote),
    myBallot: vote.ballots[userId] ?? [],
  })

  const voter = authorise((c) => access(c.req.raw, c.req.param('id')!, true))

  return (
    new Hono()
      .get('/api/accounts/:id/votes', async (c) => {
        const accountId = c.req.param('id')
        const { user } = access(c.req.raw, accountId, false)
        await votes.reconcile(accountId)
        return c.json({ votes: (await votes.votesOf(accountId)).map((v) => view(v, user.id)) })
      })

      .post('/api/accounts/:id/votes', voter, jsonBody(openVoteBody), async (c) => {
        const accountId = c.req.param('id')
        const { user } = c.var.access
        const body = c.req.valid('json')
        const vote = await votes.openVote(accountId, user.id, body)
        return c.json({ vote: view(vote, user.id) }, 201)
      })

      .get('/api/accounts/:id/votes/:voteId', async (c) => {
        const accountId = c.req.param('id')
        const { user } = access(c.req.raw, accountId, false)
        const vote = await votes.find(accountId, c.req.param('voteId'))
        return c.json({ vote: view(vote, user.id) })
      })

      // Casting a ballot changes no document: any non-viewer member, but not on an archived account.
      .put('/api/accounts/:id/votes/:voteId/ballot', voter, jsonBody(ballotBody), async (c) => {
        const accountId = c.req.param('id')
        const { user } = c.var.access
        const { shapeIds } = c.req.valid('json')
        const saved = await votes.castBallot(accountId, c.req.param('voteId'), user.id, shapeIds)
        return c.json({ shapeIds: saved })
      })

      .post('/api/accounts/:id/votes/:voteId/close', async (c) => {
        const accountId = c.req.param('id')
        const { user } = access(c.req.raw, accountId, true)
        const vote = await votes.closeVote(accountId, c.req.param('voteId'), user.id)
        return c.json({ vote: view(vote, user.id) })
      })
  )
}
