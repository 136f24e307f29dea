/**
 * The browser side of the JSON API: same-origin requests with the session cookie, JSON bodies
 * (the server accepts only application/json for changes, part of its CSRF model), and errors as
 * {@link ApiError} carrying the HTTP status.
 */
import type { Hono } from 'hono'
import { type ClientResponse, DetailedError, hc, parseResponse } from 'hono/client'
import type { AccountRoutes } from '../../server/http/accounts'
import type { AuditRoutes } from '../../server/http/audit'
import type { AuthRoutes } from '../../server/http/auth'
import type { ProfileRoutes } from '../../server/http/profile'
import type { UserRoutes } from '../../server/http/users'
import type { AccountSummary, MemberRole } from '../../shared/accounts'
import type { Bilingual, Param } from '../../shared/i18n'
import type { Department } from '../../shared/live/people'

export const SESSION_ENDED_EVENT = 'war-room:session-ended'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's `message: { zh, en }`, when the answer is meant for a person. */
    readonly localized?: Bilingual,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** An error as a `t()` parameter: the server's translation when it sent one, else its text. */
export function errorText(error: unknown): Param {
  if (error instanceof ApiError && error.localized) return error.localized
  return error instanceof Error ? error.message : String(error)
}

function isBilingual(value: unknown): value is Bilingual {
  const v = value as Bilingual | null
  return typeof v === 'object' && v !== null && typeof v.zh === 'string' && typeof v.en === 'string'
}

/** An error answer as an {@link ApiError}; a 401 elsewhere than sign-in means the session ended. */
function refusal(path: string, status: number, statusText: string, data: unknown): ApiError {
  const body = (data ?? {}) as { error?: unknown; message?: unknown }
  // A session that ended meanwhile (expired, signed out elsewhere, user disabled): the app shows
  // the sign-in page again (see session.tsx).
  if (status === 401 && path !== '/api/login' && path !== '/api/me')
    window.dispatchEvent(new Event(SESSION_ENDED_EVENT))
  const text = typeof body.error === 'string' ? body.error : statusText
  return new ApiError(status, text, isBilingual(body.message) ? body.message : undefined)
}

export async function apiFetch<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  if (res.status === 204) return undefined as T
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw refusal(path, res.status, res.statusText, data)
  return data as T
}

/** A typed client (hono/client) of one route module's Hono app, same-origin with the session cookie. */
// biome-ignore lint/suspicious/noExplicitAny: any route app, as hono/client's own `hc<T extends Hono<any, any, any>>`
export const typedClient = <Routes extends Hono<any, any, any>>() =>
  hc<Routes>('/', { init: { credentials: 'same-origin' } })

/**
 * The typed client of the sign-in routes (hono/client over server/http/auth.ts's own route
 * types): bodies and answers are checked by the compiler, not cast. `authApi.api.login.$post(…)`.
 */
export const authApi = typedClient<AuthRoutes>()

/** The typed client of the account and member routes (server/http/accounts.ts). */
export const accountsApi = typedClient<AccountRoutes>()

/** The typed client of the people routes, administrators only (server/http/users.ts). */
export const usersApi = typedClient<UserRoutes>()

/** The typed client of one's own profile, `PATCH /api/me` (server/http/profile.ts). */
export const profileApi = typedClient<ProfileRoutes>()

/** The typed client of the audit log, administrators only (server/http/audit.ts). */
export const auditApi = typedClient<AuditRoutes>()

/** The answer of a typed call, or the {@link ApiError} the server's refusal means. */
export async function call<T extends ClientResponse<unknown>>(request: Promise<T>, path: string) {
  try {
    return await parseResponse(request)
  } catch (e) {
    if (!(e instanceof DetailedError)) throw e
    throw refusal(path, Number(e.statusCode ?? 0), String(e.detail?.statusText ?? e.message), e.detail?.data)
  }
}

export interface User {
  id: string
  email: string
  name: string
  role: 'admin' | 'member'
  disabled: boolean
  createdAt: string
  /** Colours the person in live sessions; null until set (PATCH /api/me). */
  department?: Department | null
}

export type { AccountSummary, MemberRole }

export interface Member {
  userId: string
  email: string
  name: string
  role: MemberRole
  disabled: boolean
}
