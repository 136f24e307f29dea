/**
 * The audit log: who did what, when, from which address. Append-only JSON lines in
 * `DATA_DIR/audit.log` (one entry per line, never rewritten), each append fsynced before
 * `record` resolves. Administrators read it through `GET /api/audit` and the audit page.
 *
 * What is recorded (see docs/api.md "Audit log"): sign-ins and failed sign-ins, sign-outs,
 * set-up, user creation and changes, account creation, archive, unarchive and deletion, member
 * changes, reviews taken and deleted, and the operator's `npm run admin -- reset`. Never a password.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'

export type AuditAction =
  | 'setup'
  | 'auth.login'
  | 'auth.login.failed'
  | 'auth.login.throttled'
  | 'auth.logout'
  | 'user.create'
  | 'user.update'
  | 'account.create'
  | 'account.archive'
  | 'account.unarchive'
  | 'account.delete'
  | 'member.set'
  | 'member.remove'
  | 'review.take'
  | 'review.delete'
  | 'stakeholders.import'
  | 'admin.reset'

/** Who acted: a signed-in user, or null (an anonymous sign-in attempt, the command line). */
export interface AuditActor {
  id: string
  email: string
}

export interface AuditEvent {
  action: AuditAction
  actor: AuditActor | null
  /** The client address (server/http/clientAddress.ts), or `command line`. */
  address: string
  /** What the action was about: a user, an account, a member (ids and emails, no secrets). */
  target?: Record<string, string>
  /** Small facts about the change (`{ role: { from, to } }`, `{ reason }`). */
  detail?: Record<string, unknown>
}

export interface AuditEntry extends AuditEvent {
  /** ISO time. */
  at: string
}

export const AUDIT_FILE = 'audit.log'

/** Caller's identity for an entry, from a user record. */
export const auditActor = (user: { id: string; email: string } | null | undefined): AuditActor | null =>
  user ? { id: user.id, email: user.email } : null

/** Options of {@link AuditStore.read}. */
export interface AuditQuery {
  limit?: number
  before?: number
  action?: string
}

/** Where audit entries go: the file below, or PostgreSQL in the multi-node mode (server/pg/PgContentStores.ts). */
export interface AuditStore {
  /** Appends an entry durably; never throws (a failed append is logged). */
  record(event: AuditEvent): Promise<void>
  /** Entries newest first, paged by `seq` (see {@link AuditLog.read}). */
  read(options?: AuditQuery): Promise<{ entries: (AuditEntry & { seq: number })[]; more: boolean }>
  close(): Promise<void>
}

export class AuditLog implements AuditStore {
  readonly file: string
  private handle: Promise<fs.FileHandle> | null = null
  /** Appends run one after another, so lines never interleave and order is kept. */
  private tail: Promise<void> = Promise.resolve()

  constructor(
    dataDir: string,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.file = path.join(dataDir, AUDIT_FILE)
  }

  private open(): Promise<fs.FileHandle> {
    this.handle ??= (async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true })
      const fh = await fs.open(this.file, 'a+')
      // A crash mid-append leaves a line without its newline: end it, so that the next entry is
      // not glued to it (and lost with it).
      const { size } = await fh.stat()
      if (size > 0) {
        const last = Buffer.alloc(1)
        await fh.read(last, 0, 1, size - 1)
        if (last[0] !== 0x0a) await fh.appendFile('\n')
      }
      return fh
    })()
    return this.handle
  }

  /**
   * Appends an entry and fsyncs it. Never throws: a failed append is logged (an audit outage must
   * not lock people out), and the next append tries again.
   */
  record(event: AuditEvent): Promise<void> {
    const entry: AuditEntry = { at: new Date().toISOString(), ...event }
    const line = `${JSON.stringify(entry)}\n`
    const done = this.tail.then(async () => {
      try {
        const fh = await this.open()
        await fh.appendFile(line, 'utf8')
        await fh.datasync()
      } catch (e) {
        this.handle = null
        this.log(`[audit] could not append to ${this.file}: ${String(e)} (entry: ${line.trim()})`)
      }
    })
    this.tail = done
    return done
  }

  /**
   * Entries newest first: at most `limit`, only those before entry `before` (the `seq` of the last
   * entry of the previous page) when given, only `action` when given. `seq` is the entry's line
   * number in the file, stable because the file is only appended to. A torn line (a crash
   * mid-append) is skipped.
   */
  async read(options: AuditQuery = {}): Promise<{
    entries: (AuditEntry & { seq: number })[]
    more: boolean
  }> {
    await this.tail
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000))
    let text: string
    try {
      text = await fs.readFile(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], more: false }
      throw e
    }
    const lines = text.split('\n')
    const entries: (AuditEntry & { seq: number })[] = []
    let more = false
    const start = Math.min(lines.length, options.before ?? lines.length) - 1
    for (let i = start; i >= 0; i--) {
      const line = lines[i]
      if (!line) continue
      let entry: AuditEntry
      try {
        entry = JSON.parse(line)
      } catch {
        continue
      }
      if (options.action && entry.action !== options.action) continue
      if (entries.length === limit) {
        more = true
        break
      }
      entries.push({ ...entry, seq: i })
    }
    return { entries, more }
  }

  async close(): Promise<void> {
    await this.tail
    const handle = this.handle
    this.handle = null
    if (handle) await (await handle.catch(() => null))?.close()
  }
}
