/**
 * The client's address, for throttling, connection caps and the audit log. It is the socket's
 * peer address, unless TRUST_PROXY says how many proxies stand in front of the server: then it is
 * the entry of `X-Forwarded-For` that the outermost trusted proxy saw (entries further left were
 * written by the client itself and prove nothing).
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'

const byRequest = new WeakMap<Request, string>()
const KEY = 'clientAddress'
const HTTPS_KEY = 'clientHttps'

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return 'local'
  }
}

/** The address to believe, given the socket's peer and the `X-Forwarded-For` header. */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trustProxy: number): string {
  if (trustProxy <= 0 || !forwardedFor) return peer
  const hops = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (hops.length === 0) return peer
  // The last proxy appended its peer; each trusted proxy before it did the same.
  return hops[Math.max(0, hops.length - trustProxy)].slice(0, 100)
}

/** Records every request's client address (readable later from the bare Request, e.g. at the sync upgrade). */
export function clientAddressMiddleware(trustProxy: number): MiddlewareHandler {
  return async (c, next) => {
    const address = resolveClientAddress(socketAddress(c), c.req.header('x-forwarded-for'), trustProxy)
    byRequest.set(c.req.raw, address)
    c.set(KEY as never, address as never)
    c.set(
      HTTPS_KEY as never,
      (new URL(c.req.url).protocol === 'https:' ||
        (trustProxy > 0 && c.req.header('x-forwarded-proto')?.split(',').pop()?.trim() === 'https')) as never,
    )
    await next()
  }
}

/** The client address of a request that went through clientAddressMiddleware. */
export function clientAddressOf(request: Request): string {
  return byRequest.get(request) ?? 'unknown'
}

/** The client address of the request in `c` (body-limit middleware may have replaced `c.req.raw`). */
export const clientAddress = (c: Context): string =>
  (c.get(KEY as never) as string | undefined) ?? clientAddressOf(c.req.raw)

/**
 * Whether the client reached us over HTTPS: the request itself, or (only with TRUST_PROXY) the
 * TLS-terminating proxy's `X-Forwarded-Proto`.
 */
export const clientUsesHttps = (c: Context): boolean =>
  (c.get(HTTPS_KEY as never) as boolean | undefined) ?? new URL(c.req.url).protocol === 'https:'
