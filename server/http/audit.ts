/** `GET /api/audit`: the audit log, newest first, for administrators (server/audit/AuditLog.ts). */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AuditStore } from '../audit/AuditLog.ts'
import type { Auth } from '../auth/Auth.ts'
import { authorise, queryParams } from './validate.ts'

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(0).optional(),
  action: z
    .string()
    .regex(/^[a-z.]{1,40}$/)
    .optional(),
})

interface AuditRouteDeps {
  auth: Auth
  audit: AuditStore
}

export function mountAuditRoutes(app: Hono, deps: AuditRouteDeps) {
  app.route('/', auditRoutes(deps))
}

/** The route as a Hono app of its own, so the browser's typed client (hono/client) knows its answer. */
export type AuditRoutes = ReturnType<typeof auditRoutes>

function auditRoutes(deps: AuditRouteDeps) {
  const admin = authorise((c) => deps.auth.requireAdmin(c.req.raw))
  return new Hono().get('/api/audit', admin, queryParams(query), async (c) =>
    c.json(await deps.audit.read(c.req.valid('query'))),
  )
}
