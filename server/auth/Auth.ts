/**
 * Who is asking, and what they may do: sessions (cookie → user) and account authorisation
 * (user → role on an account). Every HTTP route and the sync upgrade go through here.
 */
import { createHash, randomBytes } from 'node:crypto'
import { parse as parseCookie } from 'hono/utils/cookie'
import { bilingual } from '../../shared/i18n/index.ts'
import type { ServerConfig } from '../config.ts'
import type { AccountRecord, MemberRole, UserRecord } from '../db/Database.ts'
import type { Records } from '../db/Records.ts'
import { validateAccountId } from '../http/accountId.ts'
import { PersonError, personError } from '../http/errors.ts'
import { type LoginLimiter, LoginRateLimiter } from './rateLimit.ts'
import { SocketRegistry } from './SocketRegistry.ts'

export const SESSION_COOKIE = 'wr_session'

/** What a role allows on an account; each level includes the ones before it. */
export type AccountNeed = 'read' | 'write' | 'manage'

const RANK: Record<MemberRole, number> = { viewer: 0, editor: 1, owner: 2 }
const NEED_RANK: Record<AccountNeed, number> = { read: 0, write: 1, manage: 2 }

export interface Session {
  user: UserRecord
  /** sha256 (hex) of the token: the key under which the session is stored. */
  key: string
}

export interface AccountAccess extends Session {
  account: AccountRecord
  /** The caller's effective role: administrators act as owners of every account. */
  role: MemberRole
  /** The role from the membership list, if any (administrators may have none). */
  memberRole: MemberRole | null
}

/** Refusals that the sync upgrade turns into close codes (CloseCode Unauthorized/Forbidden/NotFound). */
/** A refusal of access (401/403/404): the sync route turns it into a close code. */
export class AccessError extends PersonError {}

export const tokenKey = (token: string) => createHash('sha256').update(token).digest('hex')

// Hono's cookie parser, on the raw request: sessions are also read on WebSocket upgrades.
function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie')
  return header ? (parseCookie(header, name)[name] ?? null) : null
}

/** The public view of a user (never the password hash). */
export function publicUser(user: UserRecord) {
  const { id, email, name, role, disabled, createdAt } = user
  return { id, email, name, role, disabled, createdAt, department: user.department ?? null }
}

/** The two sign-in throttles (in memory, or shared between nodes through Redis: server/auth/redisRateLimit.ts). */
export interface LoginLimiters {
  login: LoginLimiter
  address: LoginLimiter
}

export class Auth {
  readonly sockets = new SocketRegistry()
  /** Failed sign-ins per email and address. */
  readonly loginLimiter: LoginLimiter
  /** Failed sign-ins per address, across all emails (one address guessing many accounts). */
  readonly addressLimiter: LoginLimiter

  constructor(
    private readonly db: Records,
    private readonly config: ServerConfig,
    limiters?: LoginLimiters,
  ) {
    this.loginLimiter = limiters?.login ?? new LoginRateLimiter(config.loginMaxFailures, config.loginWindowMs)
    this.addressLimiter =
      limiters?.address ?? new LoginRateLimiter(config.loginMaxFailuresPerAddress, config.loginWindowMs)
  }

  get setupRequired(): boolean {
    return Object.keys(this.db.data.users).length === 0
  }

  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase()
    return Object.values(this.db.data.users).find((u) => u.email === wanted)
  }

  /** Starts a session: a random 32-byte token for the cookie; only its hash is stored. */
  async createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url')
    const now = new Date()
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlMs)
    await this.db.update((d) => {
      // Expired sessions are dropped here rather than by a timer.
      for (const [key, s] of Object.entries(d.sessions))
        if (Date.parse(s.expiresAt) <= now.getTime()) delete d.sessions[key]
      d.sessions[tokenKey(token)] = { userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() }
    })
    return { token, expiresAt }
  }

  /**
   * Deletes expired sessions (every SESSION_SWEEP_MS, server/app.ts): without sign-ins nothing
   * else would. Several nodes may sweep at once: each change re-reads the rows under the records
   * lock, so the later one finds nothing and writes nothing. Returns how many it deleted.
   */
  async sweepExpiredSessions(now = Date.now()): Promise<number> {
    const expired = (sessions: Record<string, { expiresAt: string }>) =>
      Object.keys(sessions).filter((key) => Date.parse(sessions[key].expiresAt) <= now)
    if (expired(this.db.data.sessions).length === 0) return 0
    let deleted = 0
    await this.db.update((d) => {
      const keys = expired(d.sessions)
      for (const key of keys) delete d.sessions[key]
      deleted = keys.length
    })
    return deleted
  }

  /** The signed-in, enabled user behind the request's session cookie, or null. */
  session(request: Request): Session | null {
    const token = readCookie(request, SESSION_COOKIE)
    if (!token || token.length > 200) return null
    const key = tokenKey(token)
    const stored = this.db.data.sessions[key]
    if (!stored || Date.parse(stored.expiresAt) <= Date.now()) return null
    const user = this.db.data.users[stored.userId]
    if (!user || user.disabled) return null
    return { user, key }
  }

  async endSession(key: string) {
    if (!this.db.data.sessions[key]) return
    await this.db.update((d) => {
      delete d.sessions[key]
    })
  }

  /** Ends every session of a user (disabled, or password reset). */
  async endUserSessions(userId: string, exceptKey?: string) {
    await this.db.update((d) => {
      for (const [key, s] of Object.entries(d.sessions))
        if (s.userId === userId && key !== exceptKey) delete d.sessions[key]
    })
  }

  requireUser(request: Request): Session {
    const session = this.session(request)
    if (!session) throw new AccessError(401, bilingual('error.access.signIn'))
    return session
  }

  requireAdmin(request: Request): Session {
    const session = this.requireUser(request)
    if (session.user.role !== 'admin') throw new AccessError(403, bilingual('error.access.adminOnly'))
    return session
  }

  /** The caller's effective role on an account, or null when they have none. */
  roleOn(user: UserRecord, accountId: string): MemberRole | null {
    if (user.role === 'admin') return 'owner'
    return this.db.data.memberships[accountId]?.[user.id] ?? null
  }

  /**
   * Checks, in this order: a valid id (400), a session (401), the account exists (404), the
   * caller's role covers `need` (403), and that an archived account is not being changed (409).
   */
  account(request: Request, accountId: string, need: AccountNeed): AccountAccess {
    validateAccountId(accountId)
    const session = this.requireUser(request)
    const account = this.db.data.accounts[accountId]
    if (!account) throw new AccessError(404, bilingual('error.access.noAccount'))
    const role = this.roleOn(session.user, accountId)
    if (!role) throw new AccessError(403, bilingual('error.access.notMember'))
    if (RANK[role] < NEED_RANK[need]) {
      throw new AccessError(403, bilingual(need === 'write' ? 'error.access.viewer' : 'error.access.ownerOnly'))
    }
    if (need === 'write' && account.archivedAt) throw personError(409, 'error.account.archived')
    const memberRole = this.db.data.memberships[accountId]?.[session.user.id] ?? null
    return { ...session, account, role, memberRole }
  }
}
