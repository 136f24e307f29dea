/**
 * Web hardening applied to every request: the allowed `Host` names (DNS rebinding), the
 * security headers (clickjacking, sniffing) and the JSON body size limit.
 */
import os from 'node:os'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { bilingual } from '../../shared/i18n/index.ts'
import type { ServerConfig } from '../config.ts'
import { personError } from './errors.ts'

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', ''])

/** `[::1]` for IPv6 literals (as `URL.hostname` writes them), lower-case names otherwise. */
function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase()
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h
}

/** The machine's own addresses and names, for a server listening on every interface. */
function machineHosts(): string[] {
  const out: string[] = []
  for (const list of Object.values(os.networkInterfaces())) {
    for (const iface of list ?? []) out.push(normalizeHost(iface.address.split('%')[0]))
  }
  const name = os.hostname().toLowerCase()
  if (name) out.push(name, `${name}.local`)
  return out
}

/**
 * The host names this server answers to: the listen address, `localhost`, `127.0.0.1`, `[::1]`,
 * the machine's interface addresses and name when it listens on every interface (`HOST=0.0.0.0`),
 * `ALLOWED_HOSTS` and the host of `PUBLIC_ORIGIN`. `null` means any (`ALLOWED_HOSTS=*`).
 */
export function allowedHostNames(config: Pick<ServerConfig, 'host' | 'allowedHosts' | 'publicOrigin'>): {
  has(hostname: string): boolean
} | null {
  if (config.allowedHosts.includes('*')) return null
  const fixed = new Set(['localhost', '127.0.0.1', '[::1]', ...config.allowedHosts.map(normalizeHost)])
  if (config.publicOrigin) fixed.add(new URL(config.publicOrigin).hostname.toLowerCase())
  const everyInterface = WILDCARD_HOSTS.has(config.host)
  if (!everyInterface) fixed.add(normalizeHost(config.host))
  // Addresses change (DHCP, a laptop joining another network): look again now and then.
  let machine = new Set<string>()
  let lookedAt = 0
  return {
    has(hostname) {
      if (fixed.has(hostname)) return true
      if (!everyInterface) return false
      if (Date.now() - lookedAt > 10_000) {
        machine = new Set(machineHosts())
        lookedAt = Date.now()
      }
      return machine.has(hostname)
    },
  }
}

/** `hostname` of a `Host` header value (`name`, `name:port`, `[v6]:port`), or null when malformed. */
export function hostnameOf(hostHeader: string): string | null {
  if (!hostHeader || hostHeader.length > 300) return null
  try {
    const url = new URL(`http://${hostHeader}`)
    // Anything beyond host[:port] (a path, credentials) is not a Host header.
    if (url.host !== hostHeader.toLowerCase() && `${url.host}:80` !== hostHeader.toLowerCase()) return null
    return url.hostname
  } catch {
    return null
  }
}

/**
 * Refuses (403) every request whose `Host` is not one of ours: a page on attacker.example that
 * re-resolves its name to 127.0.0.1 (DNS rebinding) sends `Host: attacker.example`, and would
 * otherwise be same-origin with our API.
 */
export function allowedHostsCheck(config: ServerConfig): MiddlewareHandler {
  const allowed = allowedHostNames(config)
  return async (c, next) => {
    if (allowed) {
      const header = c.req.header('host') ?? new URL(c.req.url).host
      const hostname = hostnameOf(header)
      if (!hostname || !allowed.has(hostname)) {
        throw personError(403, 'error.host.unknown', { host: header.slice(0, 100) })
      }
    }
    await next()
  }
}

/** Our page may load nothing from outside its own origin, and no other site may frame it. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  workerSrc: ["'self'", 'blob:'],
  frameSrc: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
}

/**
 * Security headers on every response (hono/secure-headers): the page's CSP with
 * `frame-ancestors 'none'` and `X-Frame-Options: DENY` (clickjacking), `nosniff`, a same-origin
 * referrer. A header a route set itself (the asset route's sandboxing CSP) is kept. No HSTS: the
 * server often runs on plain HTTP in a meeting room; a TLS proxy in front adds it.
 */
export const securityHeaders = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
    overwrite: false,
  })

/**
 * The JSON body limit on every `/api/*` request, checked before anything reads the body: a
 * declared `Content-Length` over the limit is refused at once, a chunked body as soon as it passes
 * it. `skip` names the requests that carry their own, larger limit (uploads).
 */
export function jsonBodyLimit(maxBytes: number, skip: (method: string, path: string) => boolean): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      // The rest of the body is not wanted: do not keep the connection to drain it.
      c.header('Connection', 'close')
      const localized = bilingual('error.body.tooLarge', { limit: maxBytes })
      return c.json({ error: localized.en, message: localized }, 413)
    },
  })
  return (c, next) => (skip(c.req.method, c.req.path) ? next() : limit(c, next))
}
