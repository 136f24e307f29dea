/**
 * The records (users, sessions, accounts, members) in PostgreSQL for the multi-node mode
 * (docs/scale-out.md, "Records, sessions, throttling, revocation"), behind the same interface as
 * the embedded lowdb store (server/db/Records.ts).
 *
 * - Every node keeps an in-memory **mirror** of the four tables; request handlers read it
 *   synchronously (`data`), as they read lowdb's.
 * - A **change** runs in one transaction under the records advisory lock: the mirror first catches
 *   up with what other nodes committed (so the change sees the database's rows), the change runs
 *   on a copy-on-write draft (immer), the rows it touched are written, the invariants (last active
 *   administrator, last owner) are checked again on the table rows, `records_state.version` is
 *   bumped, the touched rows are listed in `records_changes`, and `NOTIFY warroom_records` tells
 *   the other nodes on commit.
 * - Other nodes `LISTEN`, read the rows listed since their mirror's version (deleted rows too) and
 *   report them to {@link onRemoteChange} (server/auth/revocation.ts closes their sockets).
 * - {@link catchUp} before a request: one small query (the database's version); only when the
 *   mirror is behind are the changed rows read. A lost LISTEN connection reconnects and then
 *   reloads everything (what it missed is reported like any remote change).
 * - {@link touchAccount} is coalesced: one transaction per second at most, whatever the rate.
 */
import { HTTPException } from 'hono/http-exception'
import { enablePatches, Immer, type Patch } from 'immer'
import pg from 'pg'
import type { AccountRecord, DbData, MemberRole, SessionRecord, UserRecord } from '../db/Database.ts'
import {
  activeAdmins,
  applyMemberRole,
  applyRemoveMember,
  applyTouch,
  applyUserPatch,
  InvariantError,
  LAST_ADMIN_MESSAGE,
  LAST_OWNER_MESSAGE,
  owners,
  type Records,
  type RecordsDiff,
  type RecordsStatus,
  type UserPatch,
} from '../db/Records.ts'
import { StorageUnavailableError } from '../storage/DocStore.ts'
import type { Pool, PoolClient } from './pool.ts'

enablePatches()
// Not frozen: the mirror's untouched objects are shared between versions, never mutated in place.
const immer = new Immer({ autoFreeze: false })

/** Advisory lock key of record changes (any constant shared by every node). */
export const RECORDS_LOCK = 7_347_002
export const RECORDS_CHANNEL = 'warroom_records'
/** How many changes `records_changes` keeps; a mirror further behind reloads everything. */
const KEEP_CHANGES = 10_000

type Entity = 'user' | 'session' | 'account' | 'member'
interface RowKey {
  entity: Entity
  id: string
  /** The member's user id (entity `member`), else ''. */
  sub: string
}

const ENTITY_OF: Record<string, Entity | undefined> = {
  users: 'user',
  sessions: 'session',
  accounts: 'account',
  memberships: 'member',
}

const empty = (): DbData => ({ accounts: {}, plans: {}, users: {}, sessions: {}, memberships: {} })
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null)
const union = (a: object | undefined, b: object | undefined) =>
  new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])

/** The rows a change's immer patches touched (plans are not records here: pgstore keeps them). */
function touchedRows(patches: Patch[], base: DbData, next: DbData): RowKey[] {
  const out = new Map<string, RowKey>()
  const add = (entity: Entity, id: string, sub = '') => out.set(`${entity}\0${id}\0${sub}`, { entity, id, sub })
  const members = (accountId: string) => {
    for (const userId of union(base.memberships[accountId], next.memberships[accountId]))
      add('member', accountId, userId)
  }
  for (const { path } of patches) {
    const [collection, id, sub] = path.map(String)
    const entity = ENTITY_OF[collection]
    if (!entity) continue
    if (id === undefined) {
      const key = collection as 'users' | 'sessions' | 'accounts' | 'memberships'
      for (const k of union(base[key], next[key]))
        if (entity === 'member') members(k)
        else add(entity, k)
    } else if (entity === 'member') {
      if (sub === undefined) members(id)
      else add('member', id, sub)
    } else add(entity, id)
  }
  return [...out.values()]
}

interface UserRow {
  id: string
  email: string
  name: string
  role: UserRecord['role']
  department: string | null
  password_hash: string
  disabled: boolean
  created_at: Date
  updated_at: Date
}
interface SessionRow {
  key: string
  user_id: string
  created_at: Date
  expires_at: Date
}
interface AccountRow {
  id: string
  created_at: Date
  last_activity_at: Date
  name: string | null
  tier: string | null
  owner: string | null
  created_by: string | null
  archived_at: Date | null
}
interface MemberRow {
  account_id: string
  user_id: string
  role: MemberRole
}

const userOf = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role,
  ...(r.department !== null ? { department: r.department as UserRecord['department'] } : {}),
  passwordHash: r.password_hash,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
})
const sessionOf = (r: SessionRow): SessionRecord => ({
  userId: r.user_id,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at.toISOString(),
})
const accountOf = (r: AccountRow): AccountRecord => ({
  id: r.id,
  createdAt: r.created_at.toISOString(),
  lastActivityAt: r.last_activity_at.toISOString(),
  ...(r.name !== null ? { name: r.name } : {}),
  ...(r.tier !== null ? { tier: r.tier } : {}),
  ...(r.owner !== null ? { owner: r.owner } : {}),
  ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
  archivedAt: iso(r.archived_at),
})

const USER_COLUMNS = 'id, email, name, role, department, password_hash, disabled, created_at, updated_at'
const ACCOUNT_COLUMNS = 'id, created_at, last_activity_at, name, tier, owner, created_by, archived_at'

/** The database cannot be reached or refuses writes (answered 503), as opposed to a bug or a rule. */
export function isPgUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    // Connection exceptions, insufficient resources, operator intervention (shutdown, statement
    // timeout), system errors, read-only transactions.
    if (/^(08|53|57|58)/.test(code) || code === '25006') return true
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code))
      return true
  }
  const message = (e as Error | null)?.message ?? ''
  return /Connection terminated|connection timeout|timeout exceeded|Client has encountered a connection error|not queryable/i.test(
    message,
  )
}

export interface PgRecordsOptions {
  /** Connection string of the LISTEN connection (defaults to the pool's). */
  url?: string
  /** Warnings: a lost change feed, a failed catch-up or coalesced write. */
  log?: (msg: string) => void
  /** How long `touchAccount` calls are coalesced before one write (default 1000 ms). */
  touchFlushMs?: number
  /** Delay before the LISTEN connection is opened again after it broke (default 1000 ms). */
  reconnectMs?: number
}

export class PgRecords implements Records {
  private mirror: DbData = empty()
  /** The last change (records_state.version) the mirror holds. */
  private version = 0
  private chain: Promise<unknown> = Promise.resolve()
  private readonly listeners = new Set<(diff: RecordsDiff) => void>()
  private writeError: { error: Error; since: Date } | null = null
  private listener: pg.Client | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  private closed = false
  /** Coalesced activity per account: the first and the last time since the last write. */
  private touches = new Map<string, { first: Date; last: Date }>()
  private touchTimer: NodeJS.Timeout | null = null
  private readonly log: (msg: string) => void

  private constructor(
    private readonly pool: Pool,
    private readonly options: PgRecordsOptions,
  ) {
    this.log = options.log ?? (() => {})
  }

  /** Opens the records on a migrated database (server/pg/migrate.ts): listens, then loads every row. */
  static async open(pool: Pool, options: PgRecordsOptions = {}): Promise<PgRecords> {
    const records = new PgRecords(pool, options)
    // Listening first: a change committed while the rows load is announced, not missed.
    await records.listen()
    await records.exclusive(() => records.readConsistently((client) => records.reloadAll(client, false)))
    return records
  }

  get data(): DbData {
    return this.mirror
  }

  /** The mirror's version (records_state.version it has caught up with). */
  get mirrorVersion(): number {
    return this.version
  }

  writeStatus(): RecordsStatus {
    if (!this.writeError) return { ok: true }
    const { error, since } = this.writeError
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? error.name, since: since.toISOString() }
  }

  onRemoteChange(listener: (diff: RecordsDiff) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  update(change: (data: DbData) => void): Promise<void> {
    return this.commit(change)
  }

  async touchAccount(id: string, when = new Date()): Promise<void> {
    const known = this.touches.get(id)
    if (!known) this.touches.set(id, { first: when, last: when })
    else if (when < known.first) known.first = when
    else if (when > known.last) known.last = when
    if (!this.touchTimer && !this.closed) {
      this.touchTimer = setTimeout(() => void this.flushTouches(), this.options.touchFlushMs ?? 1000)
      this.touchTimer.unref()
    }
  }

  private async flushTouches() {
    this.touchTimer = null
    const batch = this.touches
    this.touches = new Map()
    if (batch.size === 0) return
    try {
      await this.commit((d) => {
        for (const [id, { first, last }] of batch) {
          applyTouch(d, id, first)
          applyTouch(d, id, last)
        }
      })
    } catch (e) {
      this.log(`account activity not saved yet (${(e as Error).message}); trying again`)
      for (const [id, { first, last }] of batch) {
        void this.touchAccount(id, first)
        void this.touchAccount(id, last)
      }
    }
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    let found = false
    await this.commit((d) => {
      found = applyUserPatch(d, id, patch)
    })
    return found ? (this.mirror.users[id] ?? null) : null
  }

  async setMemberRole(accountId: string, userId: string, role: MemberRole): Promise<MemberRole | null> {
    let previous: MemberRole | null = null
    await this.commit((d) => {
      previous = applyMemberRole(d, accountId, userId, role)
    })
    return previous
  }

  async removeMember(accountId: string, userId: string): Promise<MemberRole | null> {
    let previous: MemberRole | null = null
    await this.commit((d) => {
      previous = applyRemoveMember(d, accountId, userId)
    })
    return previous
  }

  /**
   * Concurrent callers share version queries: one in flight, and one queued that everyone arriving
   * meanwhile joins (the one in flight may have been sent before they arrived, so it cannot answer
   * for them). At most two queries at a time, however many requests.
   */
  catchUp(): Promise<void> {
    if (this.queuedCheck) return this.queuedCheck
    const run = async () => {
      let version: number
      try {
        const { rows } = await this.pool.query<{ version: string }>('SELECT version FROM records_state')
        version = Number(rows[0].version)
      } catch (e) {
        // The mirror stays as it is (reads keep working); writes report the outage themselves.
        this.log(`records catch-up failed: ${(e as Error).message}`)
        return
      }
      await this.catchUpTo(version).catch((e) => this.log(`records catch-up failed: ${(e as Error).message}`))
    }
    const start = () => {
      const p = run().finally(() => {
        if (this.runningCheck === p) this.runningCheck = null
      })
      this.runningCheck = p
      return p
    }
    if (!this.runningCheck) return start()
    const queued = this.runningCheck.then(() => {
      // (run() never rejects: failures are logged.)
      this.queuedCheck = null
      return start()
    })
    this.queuedCheck = queued
    return queued
  }
  private runningCheck: Promise<void> | null = null
  private queuedCheck: Promise<void> | null = null

  private async catchUpTo(version: number) {
    if (version <= this.version) return
    await this.exclusive(async () => {
      if (version <= this.version) return
      await this.readConsistently((client) => this.readChanges(client))
    })
  }

  async close(): Promise<void> {
    if (this.touchTimer) clearTimeout(this.touchTimer)
    await this.flushTouches().catch(() => {})
    this.closed = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    const listener = this.listener
    this.listener = null
    await listener?.end().catch(() => {})
    await this.chain.catch(() => {})
  }

  /** Runs mirror-changing work one at a time on this node (writes, catch-ups). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work)
    this.chain = run.catch(() => {})
    return run
  }

  /** A read-only transaction on one snapshot (what other nodes commit meanwhile is the next catch-up's). */
  private async readConsistently(work: (client: PoolClient) => Promise<void>) {
    const client = await this.pool.connect()
    let broken = false
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      await work(client)
      await client.query('COMMIT')
    } catch (e) {
      broken = isPgUnavailable(e)
      await client.query('ROLLBACK').catch(() => {})
      throw e
    } finally {
      client.release(broken)
    }
  }

  /** Loads what changed since the mirror's version (or everything, when the change list was pruned past it). */
  private async readChanges(client: PoolClient) {
    const { rows } = await client.query<{ version: string; pruned_through: string }>(
      'SELECT version, pruned_through FROM records_state',
    )
    const version = Number(rows[0].version)
    if (version <= this.version) return
    if (this.version < Number(rows[0].pruned_through)) return this.reloadAll(client, true)
    const changed = await client.query<RowKey>(
      'SELECT DISTINCT entity, id, sub FROM records_changes WHERE version > $1 AND version <= $2',
      [this.version, version],
    )
    const keys = changed.rows
    const ids = (entity: Entity) => keys.filter((k) => k.entity === entity).map((k) => k.id)
    // One connection runs one query at a time.
    const users = await this.rows<UserRow>(client, `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1)`, ids('user'))
    const sessions = await this.rows<SessionRow>(
      client,
      'SELECT key, user_id, created_at, expires_at FROM sessions WHERE key = ANY($1)',
      ids('session'),
    )
    const accounts = await this.rows<AccountRow>(
      client,
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1)`,
      ids('account'),
    )
    const memberKeys = keys.filter((k) => k.entity === 'member')
    const members = memberKeys.length
      ? (
          await client.query<MemberRow>(
            `SELECT m.account_id, m.user_id, m.role FROM memberships m
             JOIN unnest($1::text[], $2::text[]) AS k(account_id, user_id)
               ON m.account_id = k.account_id AND m.user_id = k.user_id`,
            [memberKeys.map((k) => k.id), memberKeys.map((k) => k.sub)],
          )
        ).rows
      : []
    const found = {
      user: new Map(users.map((r) => [r.id, userOf(r)])),
      session: new Map(sessions.map((r) => [r.key, sessionOf(r)])),
      account: new Map(accounts.map((r) => [r.id, accountOf(r)])),
      member: new Map(members.map((r) => [`${r.account_id}\0${r.user_id}`, r.role])),
    }
    const before = this.mirror
    const next = immer.produce(before, (d) => {
      for (const k of keys) {
        if (k.entity === 'member') {
          const role = found.member.get(`${k.id}\0${k.sub}`)
          if (role) (d.memberships[k.id] ??= {})[k.sub] = role
          else if (d.memberships[k.id]) {
            delete d.memberships[k.id][k.sub]
            if (Object.keys(d.memberships[k.id]).length === 0) delete d.memberships[k.id]
          }
          continue
        }
        const collection = k.entity === 'user' ? d.users : k.entity === 'session' ? d.sessions : d.accounts
        const row = found[k.entity].get(k.id)
        if (row) (collection as Record<string, unknown>)[k.id] = row
        else delete collection[k.id]
      }
    })
    this.mirror = next
    this.version = version
    this.report(diffOf(before, next, keys))
  }

  private async rows<T extends pg.QueryResultRow>(client: PoolClient, sql: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return []
    return (await client.query<T>(sql, [ids])).rows
  }

  /** Replaces the mirror with every row; `report`: tell the listeners what differs (a reconnect). */
  private async reloadAll(client: PoolClient, report: boolean) {
    const state = await client.query<{ version: string }>('SELECT version FROM records_state')
    const users = await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users`)
    const sessions = await client.query<SessionRow>('SELECT key, user_id, created_at, expires_at FROM sessions')
    const accounts = await client.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts`)
    const members = await client.query<MemberRow>('SELECT account_id, user_id, role FROM memberships')
    const next: DbData = { ...empty(), plans: this.mirror.plans }
    for (const r of users.rows) next.users[r.id] = userOf(r)
    for (const r of sessions.rows) next.sessions[r.key] = sessionOf(r)
    for (const r of accounts.rows) next.accounts[r.id] = accountOf(r)
    for (const r of members.rows) (next.memberships[r.account_id] ??= {})[r.user_id] = r.role
    const before = this.mirror
    this.mirror = next
    this.version = Number(state.rows[0].version)
    if (!report) return
    const keys: RowKey[] = []
    for (const id of union(before.users, next.users)) keys.push({ entity: 'user', id, sub: '' })
    for (const id of union(before.sessions, next.sessions)) keys.push({ entity: 'session', id, sub: '' })
    for (const id of union(before.accounts, next.accounts)) keys.push({ entity: 'account', id, sub: '' })
    for (const id of union(before.memberships, next.memberships))
      for (const sub of union(before.memberships[id], next.memberships[id])) keys.push({ entity: 'member', id, sub })
    this.report(diffOf(before, next, keys, true))
  }

  private report(diff: RecordsDiff) {
    if (!diff.users.length && !diff.sessions.length && !diff.accounts.length && !diff.memberships.length) return
    for (const listener of this.listeners) {
      try {
        listener(diff)
      } catch (e) {
        this.log(`a records listener failed: ${(e as Error).message}`)
      }
    }
  }

  /** The change feed: LISTEN on a connection of its own; a broken one is opened again, then everything reloads. */
  private async listen(): Promise<void> {
    const client = new pg.Client({
      ...(this.options.url ? { connectionString: this.options.url } : this.pool.options),
      application_name: 'war-room-records-feed',
    })
    let broken = false
    const onBroken = (e?: Error) => {
      if (broken) return
      broken = true
      if (this.listener === client) this.listener = null
      client.end().catch(() => {})
      if (this.closed) return
      this.log(`records change feed lost${e ? ` (${e.message})` : ''}; reconnecting`)
      this.scheduleListen()
    }
    client.on('error', onBroken)
    client.on('end', () => onBroken())
    client.on('notification', (msg) => {
      const version = Number(msg.payload)
      if (Number.isFinite(version)) void this.catchUpTo(version).catch((e) => this.log(`records catch-up failed: ${e}`))
    })
    await client.connect()
    await client.query(`LISTEN ${RECORDS_CHANNEL}`)
    if (this.closed) {
      await client.end().catch(() => {})
      return
    }
    this.listener = client
  }

  private scheduleListen() {
    if (this.reconnectTimer || this.closed) return
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null
      try {
        await this.listen()
        // Whatever was announced while the feed was down: reload every row, report what differs.
        await this.exclusive(() => this.readConsistently((client) => this.reloadAll(client, true)))
        this.log('records change feed back; records reloaded')
      } catch (e) {
        this.log(`records change feed still down (${(e as Error).message})`)
        this.scheduleListen()
      }
    }, this.options.reconnectMs ?? 1000)
    this.reconnectTimer.unref()
  }

  /** One change: see the file's comment. */
  private commit(change: (data: DbData) => void): Promise<void> {
    return this.exclusive(async () => {
      let client: PoolClient
      try {
        client = await this.pool.connect()
      } catch (e) {
        throw this.unavailable(e)
      }
      let broken = false
      try {
        await client.query('BEGIN')
        await client.query('SELECT pg_advisory_xact_lock($1)', [RECORDS_LOCK])
        // Under the lock nobody else commits: after this the mirror is the database's rows.
        await this.readChanges(client)
        const base = this.mirror
        const [next, patches] = immer.produceWithPatches(base, (draft: DbData) => {
          change(draft)
        })
        const touched = touchedRows(patches, base, next)
        if (touched.length === 0) {
          await client.query('COMMIT')
          return
        }
        await this.writeRows(client, touched, next)
        await this.checkInvariants(client, touched, base)
        const version = this.version + 1
        // The version, the list of touched rows and the notification (sent on commit) in one round trip.
        await client.query(
          `WITH state AS (UPDATE records_state SET version = $1),
                listed AS (INSERT INTO records_changes (version, entity, id, sub)
                           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[]))
           SELECT pg_notify($5, $1::text)`,
          [version, touched.map((t) => t.entity), touched.map((t) => t.id), touched.map((t) => t.sub), RECORDS_CHANNEL],
        )
        if (version % 500 === 0) {
          await client.query('DELETE FROM records_changes WHERE version <= $1', [version - KEEP_CHANGES])
          await client.query('UPDATE records_state SET pruned_through = greatest(pruned_through, $1)', [
            version - KEEP_CHANGES,
          ])
        }
        await client.query('COMMIT')
        this.mirror = next
        this.version = version
        this.writeError = null
      } catch (e) {
        broken = isPgUnavailable(e)
        await client.query('ROLLBACK').catch(() => {})
        if (e instanceof InvariantError || e instanceof HTTPException) throw e
        const err = e as { code?: string; constraint?: string }
        if (err.code === '23505' && err.constraint === 'users_email_key')
          throw new HTTPException(409, { message: 'a user with this email already exists' })
        if (broken) throw this.unavailable(e)
        throw e
      } finally {
        client.release(broken)
      }
    })
  }

  private unavailable(e: unknown): Error {
    if (!isPgUnavailable(e)) return e as Error
    this.writeError ??= { error: e as Error, since: new Date() }
    return new StorageUnavailableError('the records cannot be saved (PostgreSQL)', e)
  }

  private async writeRows(client: PoolClient, touched: RowKey[], d: DbData) {
    const gone = (entity: Entity) =>
      touched.filter((t) => t.entity === entity && !(entity === 'member' ? d.memberships[t.id]?.[t.sub] : rowOf(d, t)))
    // Deletions first (an email freed and taken again in one change), then the upserts.
    const goneSessions = gone('session').map((t) => t.id)
    if (goneSessions.length) await client.query('DELETE FROM sessions WHERE key = ANY($1)', [goneSessions])
    const goneMembers = gone('member')
    if (goneMembers.length)
      await client.query(
        `DELETE FROM memberships m USING unnest($1::text[], $2::text[]) AS k(account_id, user_id)
         WHERE m.account_id = k.account_id AND m.user_id = k.user_id`,
        [goneMembers.map((t) => t.id), goneMembers.map((t) => t.sub)],
      )
    const goneUsers = gone('user').map((t) => t.id)
    if (goneUsers.length) await client.query('DELETE FROM users WHERE id = ANY($1)', [goneUsers])
    const goneAccounts = gone('account').map((t) => t.id)
    if (goneAccounts.length) await client.query('DELETE FROM accounts WHERE id = ANY($1)', [goneAccounts])
    for (const t of touched) {
      if (t.entity === 'user' && d.users[t.id]) {
        const u = d.users[t.id]
        await client.query(
          `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO UPDATE SET email = $2, name = $3, role = $4, department = $5, password_hash = $6,
             disabled = $7, created_at = $8, updated_at = $9`,
          [u.id, u.email, u.name, u.role, u.department ?? null, u.passwordHash, u.disabled, u.createdAt, u.updatedAt],
        )
      } else if (t.entity === 'session' && d.sessions[t.id]) {
        const s = d.sessions[t.id]
        await client.query(
          `INSERT INTO sessions (key, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key) DO UPDATE SET user_id = $2, created_at = $3, expires_at = $4`,
          [t.id, s.userId, s.createdAt, s.expiresAt],
        )
      } else if (t.entity === 'account' && d.accounts[t.id]) {
        const a = d.accounts[t.id]
        await client.query(
          `INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET created_at = $2, last_activity_at = $3, name = $4, tier = $5, owner = $6,
             created_by = $7, archived_at = $8`,
          [
            a.id,
            a.createdAt,
            a.lastActivityAt,
            a.name ?? null,
            a.tier ?? null,
            a.owner ?? null,
            a.createdBy ?? null,
            a.archivedAt ?? null,
          ],
        )
      } else if (t.entity === 'member' && d.memberships[t.id]?.[t.sub]) {
        await client.query(
          `INSERT INTO memberships (account_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (account_id, user_id) DO UPDATE SET role = $3`,
          [t.id, t.sub, d.memberships[t.id][t.sub]],
        )
      }
    }
  }

  /**
   * The rules again, on the table rows as this transaction leaves them: a change that takes the
   * active administrators or an existing account's owners from some to none is refused.
   */
  private async checkInvariants(client: PoolClient, touched: RowKey[], base: DbData) {
    if (touched.some((t) => t.entity === 'user') && activeAdmins(base) > 0) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled",
      )
      if (rows[0].n === 0) throw new InvariantError('last-admin', LAST_ADMIN_MESSAGE)
    }
    const accounts = [...new Set(touched.filter((t) => t.entity === 'member').map((t) => t.id))].filter(
      (id) => owners(base, id) > 0,
    )
    if (accounts.length) {
      const { rows } = await client.query<{ id: string }>(
        `SELECT a.id FROM accounts a WHERE a.id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.role = 'owner')`,
        [accounts],
      )
      if (rows.length) throw new InvariantError('last-owner', LAST_OWNER_MESSAGE)
    }
  }
}

function rowOf(d: DbData, t: RowKey): unknown {
  if (t.entity === 'user') return d.users[t.id]
  if (t.entity === 'session') return d.sessions[t.id]
  if (t.entity === 'account') return d.accounts[t.id]
  return d.memberships[t.id]?.[t.sub]
}

/** What differs between two mirrors on the given rows (`compare`: skip rows whose content is unchanged). */
function diffOf(before: DbData, after: DbData, keys: RowKey[], compare = false): RecordsDiff {
  const diff: RecordsDiff = { users: [], sessions: [], accounts: [], memberships: [] }
  const same = (a: unknown, b: unknown) => a === b || (compare && JSON.stringify(a) === JSON.stringify(b))
  for (const k of keys) {
    const b = rowOf(before, k)
    const a = rowOf(after, k)
    if (b === undefined && a === undefined) continue
    if (same(b, a)) continue
    if (k.entity === 'user')
      diff.users.push({ id: k.id, before: b as UserRecord | undefined, after: a as UserRecord | undefined })
    else if (k.entity === 'session')
      diff.sessions.push({ key: k.id, before: b as SessionRecord | undefined, after: a as SessionRecord | undefined })
    else if (k.entity === 'account')
      diff.accounts.push({ id: k.id, before: b as AccountRecord | undefined, after: a as AccountRecord | undefined })
    else
      diff.memberships.push({
        accountId: k.id,
        userId: k.sub,
        before: b as MemberRole | undefined,
        after: a as MemberRole | undefined,
      })
  }
  return diff
}
