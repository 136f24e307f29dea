/** `GET /api/audit`: the audit log, newest first, for administrators (server/audit/AuditLog.ts). */
import type { Hono } from 'hono'
import { z } from 'zod'
import type { AuditStore } from '../audit/AuditLog.ts'
import type { Auth } from '../auth/Auth.ts'
import { validated } from './validate.ts'

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().min(0).optional(),
  action: z
    .string()
    .regex(/^[a-z.]{1,40}$/)
    .optional(),
})

export function mountAuditRoutes(app: Hono, deps: { auth: Auth; audit: AuditStore }) {
  app.get('/api/audit', async (c) => {
    deps.auth.requireAdmin(c.req.raw)
    return c.json(await deps.audit.read(validated(query, c.req.query())))
  })
}
