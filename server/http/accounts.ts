/**
 * Accounts and their members. Creating an account seeds its document; listing reads each
 * account's stored plan projection; members carry a role (owner | editor | viewer).
 */
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { ACCOUNT_TIERS } from '../../shared/account.ts'
import { type AccountSummary, MEMBER_ROLES } from '../../shared/accounts.ts'
import { ACCOUNT_ID_PATTERN } from '../../shared/protocol.ts'
import type { AccountService } from '../accounts/AccountService.ts'
import { type AuditAction, type AuditStore, auditActor } from '../audit/AuditLog.ts'
import type { AccountAccess, Auth } from '../auth/Auth.ts'
import type { ServerConfig } from '../config.ts'
import type { UserRecord } from '../db/Database.ts'
import { clientAddress } from './clientAddress.ts'
import { personError } from './errors.ts'
import { authorise, jsonBody, validated } from './validate.ts'

const createBody = z.strictObject({
  id: z.string().regex(ACCOUNT_ID_PATTERN, 'validation.accountId').optional(),
  name: z.string().trim().min(1, 'required').max(200),
  tier: z.enum([...ACCOUNT_TIERS, '']).default(''),
  owner: z.string().trim().max(100).default(''),
})
const patchBody = z.strictObject({ archived: z.boolean() })
const memberBody = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, 'required').max(254),
  role: z.enum(MEMBER_ROLES),
})
const memberRemoveBody = z.strictObject({ email: z.string().trim().toLowerCase().min(1, 'required').max(254) })

interface AccountRouteDeps {
  auth: Auth
  accounts: AccountService
  config: ServerConfig
  audit: AuditStore
  /** Completes the portfolio's rows (plans derived where missing, reviews). */
  portfolio?: (rows: AccountSummary[]) => Promise<AccountSummary[]>
}

export function mountAccountRoutes(app: Hono, deps: AccountRouteDeps) {
  app.route('/', accountRoutes(deps))
}

/** The routes as one chained Hono app, so the browser's typed client (hono/client) knows each answer. */
export type AccountRoutes = ReturnType<typeof accountRoutes>

function accountRoutes(deps: AccountRouteDeps) {
  const { auth, accounts, config, audit } = deps
  const record = (
    c: Context,
    actor: UserRecord,
    action: AuditAction,
    target: Record<string, string>,
    detail?: Record<string, unknown>,
  ) => audit.record({ action, actor: auditActor(actor), address: clientAddress(c), target, detail })

  const signedIn = authorise((c) => auth.requireUser(c.req.raw))
  const manager = authorise((c) => auth.account(c.req.raw, c.req.param('id')!, 'manage'))
  const removeMember = async (c: Context, access: AccountAccess, wanted: string) => {
    const user = auth.findUserByEmail(wanted)
    if (!user || !(await accounts.removeMember(access.account.id, user))) {
      throw personError(404, 'error.member.notFound')
    }
    await record(c, access.user, 'member.remove', { accountId: access.account.id, userId: user.id, email: user.email })
    return c.json({ members: accounts.members(access.account.id) })
  }

  return (
    new Hono()
      .get('/api/accounts', async (c) => {
        const { user } = auth.requireUser(c.req.raw)
        const rows = await accounts.visibleToNow(user)
        return c.json({
          accounts: deps.portfolio ? await deps.portfolio(rows) : rows,
          portfolioFocusLimit: config.portfolioFocusLimit,
        })
      })

      .post('/api/accounts', signedIn, jsonBody(createBody), async (c) => {
        const { user } = c.var.access
        const body = c.req.valid('json')
        const account = await accounts.create(body, user)
        await record(c, user, 'account.create', { accountId: account.id }, { name: body.name })
        return c.json(accounts.summary(account, 'owner'), 201)
      })

      .get('/api/accounts/:id', async (c) => {
        const access = auth.account(c.req.raw, c.req.param('id'), 'read')
        await accounts.refreshPlans([access.account.id])
        return c.json({ ...accounts.summary(access.account, access.role), memberRole: access.memberRole })
      })

      .patch('/api/accounts/:id', manager, jsonBody(patchBody), async (c) => {
        const access = c.var.access
        const body = c.req.valid('json')
        const wasArchived = Boolean(access.account.archivedAt)
        const account = await accounts.setArchived(access.account.id, body.archived)
        if (wasArchived !== body.archived)
          await record(c, access.user, body.archived ? 'account.archive' : 'account.unarchive', {
            accountId: account.id,
          })
        return c.json(accounts.summary(account, access.role))
      })

      .delete('/api/accounts/:id', async (c) => {
        const access = auth.account(c.req.raw, c.req.param('id'), 'manage')
        await accounts.delete(access.account.id)
        await record(c, access.user, 'account.delete', { accountId: access.account.id }, { name: access.account.name })
        return c.body(null, 204)
      })

      .get('/api/accounts/:id/members', (c) => {
        const access = auth.account(c.req.raw, c.req.param('id'), 'read')
        return c.json({ members: accounts.members(access.account.id) })
      })

      .put('/api/accounts/:id/members', manager, jsonBody(memberBody), async (c) => {
        const access = c.var.access
        const body = c.req.valid('json')
        const user = auth.findUserByEmail(body.email)
        if (!user) throw personError(422, 'error.member.noUser')
        const previous = accounts.members(access.account.id).find((m) => m.userId === user.id)?.role ?? null
        await accounts.setMember(access.account.id, user, body.role)
        if (previous !== body.role)
          await record(
            c,
            access.user,
            'member.set',
            { accountId: access.account.id, userId: user.id, email: user.email },
            { role: { from: previous, to: body.role } },
          )
        return c.json({ members: accounts.members(access.account.id) })
      })

      // The member to remove comes as `?email=` or as a JSON body `{ email }`.
      .delete(
        '/api/accounts/:id/members',
        manager,
        async (c, next) => {
          const query = c.req.query('email')
          if (query === undefined) return next()
          return removeMember(c, c.var.access, validated(memberRemoveBody, { email: query }).email)
        },
        jsonBody(memberRemoveBody),
        (c) => removeMember(c, c.var.access, c.req.valid('json').email),
      )
  )
}
