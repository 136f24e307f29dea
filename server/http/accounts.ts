/**
 * Accounts and their members. Creating an account seeds its document; listing reads each
 * account's stored plan projection; members carry a role (owner | editor | viewer).
 */
import type { Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { ACCOUNT_TIERS } from '../../shared/account.ts'
import { type AccountSummary, MEMBER_ROLES } from '../../shared/accounts.ts'
import { ACCOUNT_ID_PATTERN } from '../../shared/protocol.ts'
import type { AccountService } from '../accounts/AccountService.ts'
import { type AuditAction, type AuditStore, auditActor } from '../audit/AuditLog.ts'
import type { Auth } from '../auth/Auth.ts'
import { readJson } from '../auth/body.ts'
import type { ServerConfig } from '../config.ts'
import type { UserRecord } from '../db/Database.ts'
import { clientAddress } from './clientAddress.ts'
import { personError } from './errors.ts'

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

export function mountAccountRoutes(
  app: Hono,
  deps: {
    auth: Auth
    accounts: AccountService
    config: ServerConfig
    audit: AuditStore
    /** Completes the portfolio's rows (plans derived where missing, reviews). */
    portfolio?: (rows: AccountSummary[]) => Promise<AccountSummary[]>
  },
) {
  const { auth, accounts, config, audit } = deps
  const record = (
    c: Context,
    actor: UserRecord,
    action: AuditAction,
    target: Record<string, string>,
    detail?: Record<string, unknown>,
  ) => audit.record({ action, actor: auditActor(actor), address: clientAddress(c), target, detail })

  app.get('/api/accounts', async (c) => {
    const { user } = auth.requireUser(c.req.raw)
    const rows = accounts.visibleTo(user)
    return c.json({
      accounts: deps.portfolio ? await deps.portfolio(rows) : rows,
      portfolioFocusLimit: config.portfolioFocusLimit,
    })
  })

  app.post('/api/accounts', async (c) => {
    const { user } = auth.requireUser(c.req.raw)
    const body = await readJson(c, createBody)
    const account = await accounts.create(body, user)
    await record(c, user, 'account.create', { accountId: account.id }, { name: body.name })
    return c.json(accounts.summary(account, 'owner'), 201)
  })

  app.get('/api/accounts/:id', (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'read')
    return c.json({ ...accounts.summary(access.account, access.role), memberRole: access.memberRole })
  })

  app.patch('/api/accounts/:id', async (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'manage')
    const body = await readJson(c, patchBody)
    const wasArchived = Boolean(access.account.archivedAt)
    const account = await accounts.setArchived(access.account.id, body.archived)
    if (wasArchived !== body.archived)
      await record(c, access.user, body.archived ? 'account.archive' : 'account.unarchive', { accountId: account.id })
    return c.json(accounts.summary(account, access.role))
  })

  app.delete('/api/accounts/:id', async (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'manage')
    await accounts.delete(access.account.id)
    await record(c, access.user, 'account.delete', { accountId: access.account.id }, { name: access.account.name })
    return c.body(null, 204)
  })

  app.get('/api/accounts/:id/members', (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'read')
    return c.json({ members: accounts.members(access.account.id) })
  })

  app.put('/api/accounts/:id/members', async (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'manage')
    const body = await readJson(c, memberBody)
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

  app.delete('/api/accounts/:id/members', async (c) => {
    const access = auth.account(c.req.raw, c.req.param('id'), 'manage')
    const query = c.req.query('email')
    let wanted: string
    if (query !== undefined) {
      const parsed = memberRemoveBody.safeParse({ email: query })
      if (!parsed.success) throw new HTTPException(400, { message: 'invalid request: email: required' })
      wanted = parsed.data.email
    } else {
      wanted = (await readJson(c, memberRemoveBody)).email
    }
    const user = auth.findUserByEmail(wanted)
    if (!user || !(await accounts.removeMember(access.account.id, user))) {
      throw personError(404, 'error.member.notFound')
    }
    await record(c, access.user, 'member.remove', { accountId: access.account.id, userId: user.id, email: user.email })
    return c.json({ members: accounts.members(access.account.id) })
  })
}
