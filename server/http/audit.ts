/** `GET /api/audit`: the audit log, newest first, for administrators (server/audit/AuditLog.ts). */
import type { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import type { AuditStore } from '../audit/AuditLog.ts'
import type { Auth } from '../auth/Auth.ts'

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
    const parsed = query.safeParse(c.req.query())
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')
      throw new HTTPException(400, { message: `invalid request: ${details}` })
    }
    return c.json(await deps.audit.read(parsed.data))
  })
}
