/**
 * The browser side of the JSON API: same-origin requests with the session cookie, JSON bodies
 * (the server accepts only application/json for changes, part of its CSRF model), and errors as
 * {@link ApiError} carrying the HTTP status.
 */
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

export async function apiFetch<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  if (res.status === 204) return undefined as T
  const data = (await res.json().catch(() => ({}))) as { error?: string; message?: unknown }
  if (!res.ok) {
    // A session that ended meanwhile (expired, signed out elsewhere, user disabled): the app
    // shows the sign-in page again (see session.tsx).
    if (res.status === 401 && path !== '/api/login' && path !== '/api/me')
      window.dispatchEvent(new Event(SESSION_ENDED_EVENT))
    throw new ApiError(res.status, data.error ?? res.statusText, isBilingual(data.message) ? data.message : undefined)
  }
  return data as T
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
