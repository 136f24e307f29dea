/**
 * The audit log: who did what, when, from which address. Append-only JSON lines in
 * `DATA_DIR/audit.log` (one entry per line, never rewritten), each append fsynced before
 * `record` resolves. Administrators read it through `GET /api/audit` and the audit page.
 *
 * - Rotation: once `audit.log` holds `rotateBytes` (AUDIT_ROTATE_BYTES, 8 MiB), it is renamed
 *   `audit-<first>-<end>.log` (the entry numbers it holds, 12 digits each) and a new one starts;
 *   rotated files are kept (nothing is deleted), and a read opens only the files its page needs.
 *   An entry's `seq` is its number across all files, so paging cursors survive a rotation.
 * - A refused append (disk full, I/O error) is cut back, the entry is kept in memory with the
 *   ones after it, in order, and written by itself once the disk takes writes again (tried every
 *   `retryMs`); meanwhile /healthz reports the audit log failing. An audit outage never locks
 *   people out.
 * - The waiting entries are also kept, durably, in a spill file on another path
 *   (`AUDIT_SPILL_DIR/audit-spill-<hash of the data directory>.jsonl`) before `record` resolves,
 *   so a crash during the outage loses none of them: the next start (this server or
 *   `npm run admin`) appends them to `audit.log` in order, once, and removes the spill file.
 *   Only when the spill path refuses too (/healthz: `spilled` below `waiting`) do the entries
 *   wait in memory alone, and a crash then loses them.
 *
 * What is recorded (see docs/api.md "Audit log"): sign-ins and failed sign-ins, sign-outs,
 * set-up, user creation and changes, account creation, archive, unarchive and deletion, member
 * changes, reviews taken and deleted, and the operator's `npm run admin -- reset`. Never a password.
 */
import { createHash } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { isMissing, nodeFs, type StorageFileHandle, type StorageFs, writeFileDurably } from '../storage/fsLayer.ts'

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
  /** Appends an entry durably; never throws (a refused append is kept and retried, or logged). */
  record(event: AuditEvent): Promise<void>
  /** Entries newest first, paged by `seq` (see {@link AuditLog.read}). */
  read(options?: AuditQuery): Promise<{ entries: (AuditEntry & { seq: number })[]; more: boolean }>
  /** Whether entries wait because the store refused them (/healthz); none: always ok. */
  status?(): AuditStatus
  close(): Promise<void>
}

/** /healthz's `storage.audit`: `waiting` entries the disk refused, `spilled` of them also in the spill file. */
export interface AuditStatus {
  ok: boolean
  waiting: number
  spilled?: number
  error?: string
  since?: string
  spillError?: string
}

export interface AuditLogOptions {
  /** The file-system layer (tests inject faults). */
  fs?: StorageFs
  /** Rotate `audit.log` once it holds this many bytes (default 8 MiB). */
  rotateBytes?: number
  /** After a refused append, try again this often (default 3 s). */
  retryMs?: number
  /**
   * Where refused entries are also kept until `audit.log` takes them (AUDIT_SPILL_DIR; another
   * disk than the data directory's, ideally). Default: `<os.tmpdir()>/war-room-audit-spill`.
   */
  spillDir?: string
}

/** The spill file of a data directory (one per data directory, so several servers never mix). */
export function auditSpillFile(dataDir: string, spillDir = ''): string {
  const dir = spillDir || path.join(os.tmpdir(), 'war-room-audit-spill')
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)
  return path.join(dir, `audit-spill-${id}.jsonl`)
}

/** First line of a spill file: where its entries go (`after`: the `seq` the first one gets; null: not known yet). */
interface SpillHeader {
  spill: 1
  dataDir: string
  after: number | null
}

const ROTATED = /^audit-(\d{12})-(\d{12})\.log$/
const pad = (n: number) => String(n).padStart(12, '0')

export class AuditLog implements AuditStore {
  readonly file: string
  private readonly dir: string
  private readonly fs: StorageFs
  private handle: StorageFileHandle | null = null
  /** Bytes and lines of `audit.log` as durable (known once it is opened). */
  private size = 0
  private lines = 0
  /** Number (`seq`) of the first entry in `audit.log`. */
  private firstSeq = 0
  /** Entries not yet durable (a refused append), oldest first. */
  private unwritten: string[] = []
  private failure: { error: string; since: string } | null = null
  /** The spill file, and how many of the first `unwritten` entries it holds (with the `seq` it says they get). */
  readonly spillFile: string
  private spilled = 0
  private spilledAfter: number | null = null
  private spillError: string | null = null
  /** Entries a spill file found at start holds, until `audit.log` is opened and compared with them. */
  private recovered: { after: number | null; lines: string[] } | null = null
  /** Whether `audit.log` was opened in this process (its `seq` numbers are known). */
  private opened = false
  private retryTimer: NodeJS.Timeout | null = null
  private closed = false
  /** Appends run one after another, so lines never interleave and order is kept. */
  private tail: Promise<void> = Promise.resolve()

  constructor(
    dataDir: string,
    private readonly log: (msg: string) => void = () => {},
    private readonly options: AuditLogOptions = {},
  ) {
    this.dir = dataDir
    this.file = path.join(dataDir, AUDIT_FILE)
    this.fs = options.fs ?? nodeFs
    this.spillFile = auditSpillFile(dataDir, options.spillDir)
    // Entries a crash left in the spill file are written first, before any new one.
    this.tail = this.readSpill().then(() => (this.recovered ? this.writeWaiting() : undefined))
  }

  /** Reads what an earlier process left in the spill file (entries it could not append). */
  private async readSpill() {
    let text: string
    try {
      text = (await this.fs.readFile(this.spillFile)).toString('utf8')
    } catch (e) {
      if (!isMissing(e)) this.log(`[audit] cannot read the spill file ${this.spillFile}: ${String(e)}`)
      return
    }
    const [first, ...rest] = text.split('\n')
    let header: SpillHeader
    try {
      header = JSON.parse(first) as SpillHeader
    } catch {
      this.log(`[audit] the spill file ${this.spillFile} has no header; left alone`)
      return
    }
    if (header.spill !== 1) return
    // A torn last line (a crash while the spill was written is impossible: it is replaced whole).
    const lines = rest.filter((l) => l.length > 0).map((l) => `${l}\n`)
    this.recovered = { after: header.after, lines }
  }

  /**
   * Keeps every waiting entry in the spill file too (replaced durably, whole). Never throws: a
   * refused spill is reported by /healthz (`spilled` below `waiting`) and logged once.
   */
  private async writeSpill() {
    if (this.spilled === this.unwritten.length && this.spilledAfter === this.nextSeq()) return
    const header: SpillHeader = { spill: 1, dataDir: path.resolve(this.dir), after: this.nextSeq() }
    const count = this.unwritten.length
    try {
      await this.fs.mkdir(path.dirname(this.spillFile))
      await writeFileDurably(
        this.fs,
        this.spillFile,
        Buffer.from(`${JSON.stringify(header)}\n${this.unwritten.join('')}`),
      )
      this.spilled = count
      this.spilledAfter = header.after
      if (this.spillError) this.log(`[audit] the spill file ${this.spillFile} takes entries again`)
      this.spillError = null
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? String(e)
      if (!this.spillError)
        this.log(
          `[audit] cannot keep the waiting entries in the spill file ${this.spillFile} either (${String(e)}); they wait in memory only and a crash would lose them`,
        )
      this.spillError = why
    }
  }

  /** The `seq` the next appended entry gets (null until `audit.log` was opened). */
  private nextSeq(): number | null {
    return this.opened ? this.firstSeq + this.lines : null
  }

  /** The spill file's entries are all in `audit.log` now: it goes. */
  private async clearSpill() {
    try {
      await this.fs.rm(this.spillFile)
      await this.fs.syncDir(path.dirname(this.spillFile))
    } catch (e) {
      // Harmless: the next start finds them in audit.log after `after` and skips them.
      this.log(`[audit] cannot remove the spill file ${this.spillFile}: ${String(e)}`)
    }
    this.spilled = 0
    this.spilledAfter = null
  }

  private async rotated(): Promise<{ name: string; first: number; end: number }[]> {
    let names: string[]
    try {
      names = await this.fs.readdir(this.dir)
    } catch (e) {
      if (isMissing(e)) return []
      throw e
    }
    return names
      .map((name) => ({ name, m: ROTATED.exec(name) }))
      .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
      .map(({ name, m }) => ({ name, first: Number(m[1]), end: Number(m[2]) }))
      .sort((a, b) => a.first - b.first)
  }

  private async open(): Promise<StorageFileHandle> {
    if (this.handle) return this.handle
    await this.fs.mkdir(this.dir)
    const older = await this.rotated()
    this.firstSeq = older.at(-1)?.end ?? 0
    let text = ''
    try {
      text = (await this.fs.readFile(this.file)).toString('utf8')
    } catch (e) {
      if (!isMissing(e)) throw e
    }
    const fh = await this.fs.open(this.file, 'a')
    try {
      // A crash mid-append leaves a line without its newline: end it, so that the next entry is
      // not glued to it (and lost with it).
      if (text.length > 0 && !text.endsWith('\n')) {
        await fh.append(Buffer.from('\n'))
        await fh.datasync()
        text += '\n'
      }
    } catch (e) {
      await fh.close().catch(() => {})
      throw e
    }
    this.size = Buffer.byteLength(text)
    this.lines = text.length ? text.split('\n').length - 1 : 0
    this.handle = fh
    this.opened = true
    if (this.recovered) await this.mergeRecovered(text)
    return fh
  }

  /**
   * The entries of a spill file found at start go first, except those `audit.log` already has
   * (a crash after they were appended, before the spill file was removed): the lines from the
   * spill's `after` on are compared with them, in order.
   */
  private async mergeRecovered(text: string) {
    const { after, lines } = this.recovered!
    this.recovered = null
    let skip = 0
    if (after !== null && after >= this.firstSeq) {
      const written = text.split('\n').slice(after - this.firstSeq)
      while (skip < lines.length && written[skip] !== undefined && `${written[skip]}\n` === lines[skip]) skip++
    }
    const rest = lines.slice(skip)
    this.unwritten = [...rest, ...this.unwritten]
    // The spill file holds them (and its `after` is rewritten before they are appended).
    this.spilled = rest.length
    this.spilledAfter = after
    if (rest.length)
      this.log(`[audit] ${rest.length} entries an earlier run could not append are written from ${this.spillFile}`)
    else await this.clearSpill()
  }

  /** `audit.log` becomes `audit-<first>-<end>.log`; the next entry starts a new `audit.log`. */
  private async rotate() {
    const handle = this.handle
    this.handle = null
    await handle?.close().catch(() => {})
    const end = this.firstSeq + this.lines
    await this.fs.rename(this.file, path.join(this.dir, `audit-${pad(this.firstSeq)}-${pad(end)}.log`))
    await this.fs.syncDir(this.dir)
    this.log(`[audit] ${AUDIT_FILE} rotated after entry ${end} (${this.size} bytes)`)
  }

  /**
   * Appends an entry and fsyncs it. Never throws: a refused append keeps the entry (and those
   * after it) in memory, in order, and writes it once the disk takes writes again.
   */
  record(event: AuditEvent): Promise<void> {
    const entry: AuditEntry = { at: new Date().toISOString(), ...event }
    this.unwritten.push(`${JSON.stringify(entry)}\n`)
    return this.drain()
  }

  private drain(): Promise<void> {
    const done = this.tail.then(() => this.writeWaiting())
    this.tail = done
    return done
  }

  private async writeWaiting() {
    if (this.unwritten.length === 0 && !this.recovered) return
    let fh: StorageFileHandle | null = null
    try {
      fh = await this.open()
      if (this.unwritten.length === 0) return
      // A copy: entries recorded while this batch is being written join the array, not the batch.
      const batch = this.unwritten.slice()
      const data = Buffer.from(batch.join(''))
      if (this.size > 0 && this.size + data.length > (this.options.rotateBytes ?? 8 * 1024 * 1024)) {
        await this.rotate()
        fh = await this.open()
      }
      // Spilled entries are about to be appended: the spill file first says at which `seq`, so a
      // crash between the append and its removal does not write them twice.
      if (this.spilled > 0 && this.spilledAfter !== this.nextSeq()) await this.writeSpill()
      await fh.append(data)
      await fh.datasync()
      this.size += data.length
      this.lines += batch.length
      this.unwritten = this.unwritten.slice(batch.length)
      if (this.spilled > batch.length) {
        // Entries recorded meanwhile were spilled too: the spill file keeps only those.
        this.spilled -= batch.length
        await this.writeSpill()
      } else if (this.spilled > 0) await this.clearSpill()
      if (this.failure) {
        this.log(`[audit] ${AUDIT_FILE} takes entries again (${batch.length} waiting entries written)`)
        this.failure = null
      }
    } catch (e) {
      // Cut what the refused append may have left, so the retry does not glue onto half a line.
      if (fh) {
        await fh.truncate(this.size).catch(() => {})
        await fh.datasync().catch(() => {})
        await fh.close().catch(() => {})
      }
      this.handle = null
      const error = (e as NodeJS.ErrnoException).code ?? String(e)
      if (!this.failure) {
        this.failure = { error, since: new Date().toISOString() }
        this.log(
          `[audit] could not append to ${this.file}: ${String(e)}; ${this.unwritten.length} entries wait in memory and in ${this.spillFile}, and are written once the disk takes them`,
        )
      }
      // Before `record` resolves, the waiting entries are durable on the spill path.
      await this.writeSpill()
      this.scheduleRetry()
    }
  }

  private scheduleRetry() {
    if (this.retryTimer || this.closed) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      void this.drain()
    }, this.options.retryMs ?? 3000)
    this.retryTimer.unref()
  }

  /** What /healthz reports: ok unless entries wait because the disk refused them. */
  status(): AuditStatus {
    if (!this.failure) return { ok: true, waiting: this.unwritten.length }
    return {
      ok: false,
      waiting: this.unwritten.length,
      spilled: this.spilled,
      ...this.failure,
      ...(this.spillError && { spillError: this.spillError }),
    }
  }

  /**
   * Entries newest first: at most `limit`, only those before entry `before` (the `seq` of the last
   * entry of the previous page) when given, only `action` when given. `seq` is the entry's number
   * across the rotated files and `audit.log`, stable because they are only appended to and
   * renamed. A torn line (a crash mid-append) is skipped. Only the files the page needs are read.
   */
  async read(options: AuditQuery = {}): Promise<{
    entries: (AuditEntry & { seq: number })[]
    more: boolean
  }> {
    await this.tail
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000))
    const before = options.before ?? Number.POSITIVE_INFINITY
    const older = await this.rotated()
    const current = { name: AUDIT_FILE, first: older.at(-1)?.end ?? 0, end: Number.POSITIVE_INFINITY }
    const entries: (AuditEntry & { seq: number })[] = []
    for (const part of [current, ...older.reverse()]) {
      if (part.first >= before) continue
      let text: string
      try {
        text = (await this.fs.readFile(path.join(this.dir, part.name))).toString('utf8')
      } catch (e) {
        if (isMissing(e)) continue
        throw e
      }
      const lines = text.split('\n')
      if (lines.at(-1) === '') lines.pop()
      const start = Math.min(lines.length, before - part.first) - 1
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
        if (entries.length === limit) return { entries, more: true }
        entries.push({ ...entry, seq: part.first + i })
      }
    }
    return { entries, more: false }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    await this.tail
    const handle = this.handle
    this.handle = null
    await handle?.close().catch(() => {})
  }
}
