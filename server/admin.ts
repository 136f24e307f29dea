/**
 * The operator's way back in, run on the server's machine against a STOPPED server's data
 * directory (it takes the same lock the server takes, so it never writes under a running one):
 *
 *   npm run admin -- reset <email> [--password <new password>]
 *       makes <email> an active administrator with a new password (printed when not given),
 *       creating the user if there is none, and ends their sessions.
 *   npm run admin -- list
 *       lists the administrators.
 *
 * DATA_DIR (or --data-dir <dir>) names the data directory, as for the server. With DATABASE_URL the
 * records are PostgreSQL's (server/pg/PgRecords.ts) and the command may run while nodes run: its
 * change reaches them like any other (their mirrors catch up, the user's sockets close).
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { AuditLog, type AuditStore } from './audit/AuditLog.ts'
import { hashPassword } from './auth/passwords.ts'
import { resolveConfig } from './config.ts'
import { Database } from './db/Database.ts'
import type { Records } from './db/Records.ts'
import { emailSchema, newUser, passwordSchema } from './http/auth.ts'
import { migrate } from './pg/migrate.ts'
import { PgAuditLog } from './pg/PgContentStores.ts'
import { PgRecords } from './pg/PgRecords.ts'
import { createPool } from './pg/pool.ts'
import { DataDirLockedError, lockDataDir } from './storage/DataDirLock.ts'

const USAGE = `usage: npm run admin -- reset <email> [--password <new password>] [--data-dir <dir>]
       npm run admin -- list [--data-dir <dir>]`

class UsageError extends Error {}

export async function runAdminCommand(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { password: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  })
  if (values.help || positionals.length === 0) throw new UsageError(USAGE)
  const config = resolveConfig(values['data-dir'] ? { dataDir: values['data-dir'] } : {}, env)
  const dataDir = path.resolve(config.dataDir)
  const [command, ...rest] = positionals
  if (command !== 'reset' && command !== 'list') throw new UsageError(`unknown command "${command}"\n${USAGE}`)
  if (command === 'reset' && rest.length !== 1) throw new UsageError(`reset takes one email\n${USAGE}`)

  if (config.databaseUrl) {
    const pool = createPool(config.databaseUrl)
    try {
      await migrate(pool)
      const db = await PgRecords.open(pool, { url: config.databaseUrl })
      const audit = new PgAuditLog(pool)
      try {
        await apply(db, () => audit)
      } finally {
        await db.close()
        await audit.close()
      }
    } finally {
      await pool.end()
    }
    return
  }
  // Refuses, with the server's pid, while a server runs on this directory.
  const lock = lockDataDir(dataDir)
  try {
    await apply(await Database.open(dataDir), () => new AuditLog(dataDir, out, { spillDir: config.auditSpillDir }))
  } finally {
    lock.release()
  }

  async function apply(db: Records, openAudit: () => AuditStore) {
    if (command === 'list') {
      const admins = Object.values(db.data.users).filter((u) => u.role === 'admin')
      if (admins.length === 0) out('no administrators')
      for (const u of admins) out(`${u.email}${u.disabled ? '  (disabled)' : ''}`)
      return
    }
    const email = emailSchema.safeParse(rest[0])
    if (!email.success) throw new UsageError(`"${rest[0]}" is not an email address`)
    const generated = values.password === undefined
    const password = values.password ?? randomBytes(12).toString('base64url')
    const valid = passwordSchema.safeParse(password)
    if (!valid.success) throw new UsageError(`password: ${valid.error.issues[0].message}`)

    const existing = Object.values(db.data.users).find((u) => u.email === email.data)
    let userId: string
    if (existing) {
      userId = existing.id
      const passwordHash = await hashPassword(password, config.passwordScryptLogN)
      await db.updateUser(existing.id, { role: 'admin', disabled: false, passwordHash })
      await db.update((d) => {
        for (const [key, s] of Object.entries(d.sessions)) if (s.userId === existing.id) delete d.sessions[key]
      })
      out(`${email.data} is an active administrator again; their sessions were ended.`)
    } else {
      const user = await newUser(config, { email: email.data, name: email.data.split('@')[0], password, role: 'admin' })
      userId = user.id
      await db.update((d) => {
        d.users[user.id] = user
      })
      out(`created the administrator ${email.data}.`)
    }
    const audit = openAudit()
    await audit.record({
      action: 'admin.reset',
      actor: null,
      address: 'command line',
      target: { userId, email: email.data },
      detail: { created: !existing },
    })
    await audit.close()
    if (generated) out(`new password: ${password}`)
    out(config.databaseUrl ? 'Sign in with it.' : 'Start the server and sign in with it.')
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    await runAdminCommand(process.argv.slice(2), process.env, (line) => console.log(line))
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(
        `${e.message}\nThe admin command changes the data directory only while no server runs on it: ` +
          'stop the server (Ctrl-C or SIGTERM; it saves every room), run the command again, then start the server.',
      )
      process.exit(2)
    }
    if (e instanceof UsageError) {
      console.error(e.message)
      process.exit(64)
    }
    throw e
  }
}
