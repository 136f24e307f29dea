/**
 * Sign-in: first-run set-up of the first administrator, login, logout, and "who am I".
 * Sessions live in an httpOnly, SameSite=Lax cookie holding a random token whose sha256 is
 * stored with an expiry (server/auth/Auth.ts).
 */

import { randomUUID } from 'node:crypto'
import { type Context, Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { z } from 'zod'
import { bilingual } from '../../shared/i18n/index.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { emailSchema, nameSchema, passwordSchema } from '../../shared/users.ts'
import { type AuditStore, auditActor } from '../audit/AuditLog.ts'
import { type Auth, publicUser, SESSION_COOKIE } from '../auth/Auth.ts'
import { hashPassword, verifyAgainstNothing, verifyPassword } from '../auth/passwords.ts'
import type { ServerConfig } from '../config.ts'
import type { UserRecord } from '../db/Database.ts'
import type { Records } from '../db/Records.ts'
import { clientAddress, clientUsesHttps } from './clientAddress.ts'
import { personError } from './errors.ts'
import { jsonBody } from './validate.ts'

// The person's fields are checked alike in the browser and here (shared/users.ts).
export { emailSchema, nameSchema, passwordSchema }

const setupBody = z.strictObject({ email: emailSchema, name: nameSchema, password: passwordSchema })
const loginBody = z.strictObject({ email: z.string().trim().toLowerCase().max(254), password: z.string().max(200) })

/** The one answer to every wrong email or password: it does not say which was wrong. */
export const WRONG_CREDENTIALS = bilingual('error.login.wrong').en

export function startSessionCookie(c: Context, token: string, expiresAt: Date) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    // Behind a TLS-terminating proxy the request itself is plain HTTP; the proxy says so (TRUST_PROXY).
    secure: clientUsesHttps(c),
    expires: expiresAt,
  })
}

export async function newUser(
  config: ServerConfig,
  fields: { email: string; name: string; password: string; role: UserRecord['role'] },
): Promise<UserRecord> {
  const now = new Date().toISOString()
  return {
    id: randomUUID(),
    email: fields.email,
    name: fields.name,
    role: fields.role,
    passwordHash: await hashPassword(fields.password, config.passwordScryptLogN),
    disabled: false,
    createdAt: now,
    updatedAt: now,
  }
}

interface AuthDeps {
  auth: Auth
  db: Records
  config: ServerConfig
  audit: AuditStore
  /** Runs once the first administrator exists (creates the demo account). */
  afterSetup: (admin: UserRecord) => Promise<void>
}

export function mountAuthRoutes(app: Hono, deps: AuthDeps) {
  app.route('/', authRoutes(deps))
}

/**
 * The routes as one chained Hono app, so the browser's typed client (hono/client, in
 * client/auth/api.ts) knows each route's body and answer: `hc<AuthRoutes>('/')`.
 */
export type AuthRoutes = ReturnType<typeof authRoutes>

function authRoutes(deps: AuthDeps) {
  const { auth, db, config, audit } = deps
  let settingUp = false
  /** Lock-outs already in the audit log, until when (ms). */
  const throttleLogged = new Map<string, number>()

  const setupOpen = createMiddleware(async (_c, next) => {
    if (!auth.setupRequired || settingUp) throw personError(409, 'error.setup.done')
    await next()
  })

  return new Hono()
    .get('/api/setup', (c) => c.json({ required: auth.setupRequired }))
    .post('/api/setup', setupOpen, jsonBody(setupBody), async (c) => {
      const body = c.req.valid('json')
      if (!auth.setupRequired || settingUp) throw personError(409, 'error.setup.done')
      settingUp = true
      try {
        const admin = await newUser(config, { ...body, role: 'admin' })
        await db.update((d) => {
          // Checked again in the change itself: another node may have been set up meanwhile.
          if (Object.keys(d.users).length > 0) throw personError(409, 'error.setup.done')
          d.users[admin.id] = admin
        })
        const { token, expiresAt } = await auth.createSession(admin.id)
        await audit.record({
          action: 'setup',
          actor: auditActor(admin),
          address: clientAddress(c),
          target: { userId: admin.id, email: admin.email },
        })
        startSessionCookie(c, token, expiresAt)
        await deps.afterSetup(admin)
        return c.json({ user: publicUser(admin) }, 201)
      } finally {
        settingUp = false
      }
    })
    .post('/api/login', jsonBody(loginBody), async (c) => {
      const { email, password } = c.req.valid('json')
      const address = clientAddress(c)
      // Both limits are booked before the slow hash: parallel guesses cannot all be checked.
      const pair = await auth.loginLimiter.reserve(`${email}|${address}`)
      const fromAddress = typeof pair === 'number' ? pair : await auth.addressLimiter.reserve(address)
      if (typeof pair === 'number' || typeof fromAddress === 'number') {
        if (typeof pair !== 'number') pair.succeeded()
        const wait = typeof pair === 'number' ? pair : (fromAddress as number)
        // One entry per locked email+address (or address) and lock-out, not one per refused attempt:
        // a guesser must not be able to grow the log.
        const lockKey = typeof pair === 'number' ? `${email}|${address}` : address
        if (!throttleLogged.has(lockKey) || throttleLogged.get(lockKey)! < Date.now()) {
          throttleLogged.set(lockKey, Date.now() + wait)
          if (throttleLogged.size > 10_000) throttleLogged.delete(throttleLogged.keys().next().value!)
          await audit.record({
            action: 'auth.login.throttled',
            actor: null,
            address,
            target: { email },
            detail: {
              limit: typeof pair === 'number' ? 'email and address' : 'address',
              retryAfterSeconds: Math.ceil(wait / 1000),
            },
          })
        }
        c.header('Retry-After', String(Math.ceil(wait / 1000)))
        throw personError(429, 'error.login.throttled')
      }
      const user = auth.findUserByEmail(email)
      const ok = user
        ? await verifyPassword(password, user.passwordHash)
        : await verifyAgainstNothing(password, config.passwordScryptLogN)
      // A disabled user gets the same answer as a wrong password; the bookings stay as failures.
      if (!user || !ok || user.disabled) {
        await audit.record({
          action: 'auth.login.failed',
          actor: null,
          address,
          target: { email },
          detail: { reason: !user ? 'unknown email' : !ok ? 'wrong password' : 'user disabled' },
        })
        throw personError(401, 'error.login.wrong')
      }
      pair.succeeded({ forgetKey: true })
      // The address keeps its other failures: one good account must not reset a guesser's count.
      fromAddress.succeeded()
      const { token, expiresAt } = await auth.createSession(user.id)
      await audit.record({ action: 'auth.login', actor: auditActor(user), address })
      startSessionCookie(c, token, expiresAt)
      return c.json({ user: publicUser(user) })
    })
    .post('/api/logout', async (c) => {
      const session = auth.session(c.req.raw)
      if (session) {
        await auth.endSession(session.key)
        auth.sockets.closeSession(session.key, CloseCode.Unauthorized, 'signed out')
        await audit.record({ action: 'auth.logout', actor: auditActor(session.user), address: clientAddress(c) })
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.body(null, 204)
    })
    .get('/api/me', (c) => {
      const { user } = auth.requireUser(c.req.raw)
      return c.json({
        user: publicUser(user),
        portfolioFocusLimit: config.portfolioFocusLimit,
        staleContactDays: config.staleContactDays,
        // What the import dialog and the coverage view check in the browser: this server's limits.
        importMaxBytes: config.importMaxBytes,
        importMaxRows: config.importMaxRows,
        coverageLimit: config.coverageLimit,
      })
    })
}
