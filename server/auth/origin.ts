/**
 * Cross-site request protection by origin, for every state-changing HTTP request and for the
 * WebSocket upgrade (which browsers never subject to CORS).
 *
 * Browsers send `Origin` on every POST/PUT/PATCH/DELETE and on WebSocket handshakes; it must name
 * this server's own host (the request's `Host`) or one of ALLOWED_ORIGINS. When a request has no
 * `Origin`, `Sec-Fetch-Site` (sent by current browsers) must say `same-origin` or `none`. A
 * request with neither header does not come from a browser, so it cannot carry a victim's
 * cookies and is let through (curl, tests, server-to-server). The session cookie is also
 * `SameSite=Lax`, and JSON routes accept only `application/json` bodies, which a cross-site form
 * cannot send.
 */
import type { MiddlewareHandler } from 'hono'
import { personError } from '../http/errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isAllowedOrigin(request: Request, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.get('origin')
  if (origin === null) {
    const site = request.headers.get('sec-fetch-site')
    return site === null || site === 'same-origin' || site === 'none'
  }
  if (allowedOrigins.includes(origin)) return true
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) names no host of ours.
    return false
  }
  const host = request.headers.get('host') ?? new URL(request.url).host
  return originHost === host
}

/** Refuses state-changing requests from other origins with 403. */
export function originCheck(allowedOrigins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && !isAllowedOrigin(c.req.raw, allowedOrigins)) {
      throw personError(403, 'error.origin.refused')
    }
    await next()
  }
}
