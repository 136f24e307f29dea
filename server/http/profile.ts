/**
 * `PATCH /api/me`: a signed-in person changes their own display name and department (the
 * department colours their cursor in live sessions). Administrators change anyone's through
 * `PATCH /api/users/:id`.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { DEPARTMENTS } from '../../shared/live/people.ts'
import { type Auth, publicUser } from '../auth/Auth.ts'
import type { Records } from '../db/Records.ts'
import { nameSchema } from './auth.ts'
import { authorise, jsonBody } from './validate.ts'

/** A department, or null to clear it. */
export const departmentSchema = z.enum(DEPARTMENTS).nullable()

const meBody = z
  .strictObject({ name: nameSchema, department: departmentSchema })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, department')

interface ProfileRouteDeps {
  auth: Auth
  db: Records
}

export function mountProfileRoutes(app: Hono, deps: ProfileRouteDeps) {
  app.route('/', profileRoutes(deps))
}

/** The route as a Hono app of its own, so the browser's typed client (hono/client) knows its answer. */
export type ProfileRoutes = ReturnType<typeof profileRoutes>

function profileRoutes(deps: ProfileRouteDeps) {
  const { auth, db } = deps
  const signedIn = authorise((c) => auth.requireUser(c.req.raw))
  return new Hono().patch('/api/me', signedIn, jsonBody(meBody), async (c) => {
    const { user } = c.var.access
    const body = c.req.valid('json')
    await db.update((d) => {
      const u = d.users[user.id]
      if (body.name !== undefined) u.name = body.name
      if (body.department !== undefined) u.department = body.department
      u.updatedAt = new Date().toISOString()
    })
    return c.json({ user: publicUser(db.data.users[user.id]) })
  })
}
