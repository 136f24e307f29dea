/**
 * People (administrators only): create, list, disable/enable, reset a password, change a role.
 * Disabling a user ends their sessions and closes their open sockets (4401) at once.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { CloseCode } from '../../shared/protocol.ts'
import { type AuditStore, auditActor } from '../audit/AuditLog.ts'
import { type Auth, publicUser } from '../auth/Auth.ts'
import { hashPassword } from '../auth/passwords.ts'
import type { ServerConfig } from '../config.ts'
import type { Records } from '../db/Records.ts'
import { emailSchema, nameSchema, newUser, passwordSchema } from './auth.ts'
import { clientAddress } from './clientAddress.ts'
import { personError } from './errors.ts'
import { departmentSchema } from './profile.ts'
import { authorise, jsonBody } from './validate.ts'

const roleSchema = z.enum(['admin', 'member'])
const createBody = z.strictObject({ email: emailSchema, name: nameSchema, password: passwordSchema, role: roleSchema })
const patchBody = z
  .strictObject({
    disabled: z.boolean(),
    password: passwordSchema,
    role: roleSchema,
    name: nameSchema,
    department: departmentSchema,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'give at least one of disabled, password, role, name, department')

interface UserRouteDeps {
  auth: Auth
  db: Records
  config: ServerConfig
  audit: AuditStore
}

export function mountUserRoutes(app: Hono, deps: UserRouteDeps) {
  app.route('/', userRoutes(deps))
}

/** The routes as one chained Hono app, so the browser's typed client (hono/client) knows each answer. */
export type UserRoutes = ReturnType<typeof userRoutes>

function userRoutes(deps: UserRouteDeps) {
  const { auth, db, config, audit } = deps
  const admin = authorise((c) => auth.requireAdmin(c.req.raw))

  return new Hono()
    .get('/api/users', (c) => {
      auth.requireAdmin(c.req.raw)
      const users = Object.values(db.data.users)
        .map(publicUser)
        .sort((a, b) => a.email.localeCompare(b.email))
      return c.json({ users })
    })

    .post('/api/users', admin, jsonBody(createBody), async (c) => {
      const { user: me } = c.var.access
      const body = c.req.valid('json')
      if (auth.findUserByEmail(body.email)) throw personError(409, 'error.user.duplicate')
      const user = await newUser(config, body)
      // Checked again: hashing took a while and another request may have taken the email.
      if (auth.findUserByEmail(body.email)) throw personError(409, 'error.user.duplicate')
      await db.update((d) => {
        d.users[user.id] = user
      })
      await audit.record({
        action: 'user.create',
        actor: auditActor(me),
        address: clientAddress(c),
        target: { userId: user.id, email: user.email },
        detail: { role: user.role },
      })
      return c.json({ user: publicUser(user) }, 201)
    })

    .patch('/api/users/:id', admin, jsonBody(patchBody), async (c) => {
      const { user: me, key: mySession } = c.var.access
      const body = c.req.valid('json')
      const target = db.data.users[c.req.param('id')]
      if (!target) throw personError(404, 'error.user.notFound')
      const before = { role: target.role, disabled: target.disabled, name: target.name, department: target.department }
      if (target.id === me.id && body.disabled === true) throw personError(409, 'error.user.selfDisable')
      const passwordHash =
        body.password === undefined ? undefined : await hashPassword(body.password, config.passwordScryptLogN)
      // The last-administrator rule is checked by the store when the change is applied (after the
      // hash above, which another request's change may have overtaken).
      const updated = await db.updateUser(target.id, {
        disabled: body.disabled,
        role: body.role,
        name: body.name,
        department: body.department,
        passwordHash,
      })
      if (!updated) throw personError(404, 'error.user.notFound')
      const changes: Record<string, unknown> = {}
      if (body.role !== undefined && body.role !== before.role) changes.role = { from: before.role, to: body.role }
      if (body.disabled !== undefined && body.disabled !== before.disabled) changes.disabled = body.disabled
      if (body.name !== undefined && body.name !== before.name) changes.name = { from: before.name, to: body.name }
      if (body.department !== undefined && body.department !== before.department)
        changes.department = { from: before.department ?? null, to: body.department }
      if (passwordHash) changes.passwordReset = true
      await audit.record({
        action: 'user.update',
        actor: auditActor(me),
        address: clientAddress(c),
        target: { userId: updated.id, email: updated.email },
        detail: changes,
      })
      if (body.disabled === true) {
        await auth.endUserSessions(target.id)
        auth.sockets.closeUser(target.id, CloseCode.Unauthorized, 'account disabled')
      } else if (passwordHash) {
        // A reset password signs the user out everywhere (except the admin's own session when resetting their own).
        await auth.endUserSessions(target.id, target.id === me.id ? mySession : undefined)
        if (target.id !== me.id) auth.sockets.closeUser(target.id, CloseCode.Unauthorized, 'password reset')
      } else if (body.role !== undefined) {
        // Administrators see every account; a changed role changes what open sockets may do.
        auth.sockets.closeUser(target.id, CloseCode.ServiceRestart, 'role changed')
      }
      return c.json({ user: publicUser(updated) })
    })
}
