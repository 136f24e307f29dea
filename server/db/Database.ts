import path from 'node:path'
import { Low } from 'lowdb'
import type { MemberRole } from '../../shared/accounts.ts'
import type { Department } from '../../shared/shapes/types.ts'
import { isStorageFailure, StorageUnavailableError } from '../storage/DocStore.ts'
import type { StorageFs } from '../storage/fsLayer.ts'
import { DurableJsonFile } from './DurableJsonFile.ts'

/** An account known to this server. */
export interface AccountRecord {
  id: string
  createdAt: string
  lastActivityAt: string
  /**
   * The fields given at creation (name, tier, owner). They seed the room's document, which is
   * the source of truth from then on; lists prefer the stored plan's projection over these.
   */
  name?: string
  tier?: string
  owner?: string
  /** User id of the creator. */
  createdBy?: string
  /** Set while the account is archived: readable by its members, changed by nobody. */
  archivedAt?: string | null
}

/** `admin`: manages users and sees every account; `member`: sees the accounts they belong to. */
export type UserRole = 'admin' | 'member'

export interface UserRecord {
  id: string
  /** Lower-cased and trimmed; unique. */
  email: string
  name: string
  role: UserRole
  /** Optional; colours the person's cursor in live sessions (shared/live/people.ts). */
  department?: Department | null
  /** `scrypt$logN$r$p$salt$hash` (see server/auth/passwords.ts). */
  passwordHash: string
  disabled: boolean
  createdAt: string
  updatedAt: string
}

export interface SessionRecord {
  userId: string
  createdAt: string
  expiresAt: string
}

/** A person's role on one account. */
export type { MemberRole }

export interface DbData {
  accounts: Record<string, AccountRecord>
  /** Derived plan records by account id (plan record issue). */
  plans: Record<string, unknown>
  users: Record<string, UserRecord>
  /** Keyed by the sha256 (hex) of the session token; the token itself is never stored. */
  sessions: Record<string, SessionRecord>
  /** accountId → userId → role. */
  memberships: Record<string, Record<string, MemberRole>>
}

/**
 * A change refused because it would break a rule the records must always keep: at least one
 * active administrator, at least one owner per account. The HTTP layer answers 409.
 */
export class InvariantError extends Error {
  constructor(
    readonly rule: 'last-admin' | 'last-owner',
    message: string,
  ) {
    super(message)
    this.name = 'InvariantError'
  }
}

export const LAST_ADMIN_MESSAGE = 'this is the last active administrator'
export const LAST_OWNER_MESSAGE = 'an account needs at least one owner: make someone else owner first'

const activeAdmins = (d: DbData) => Object.values(d.users).filter((u) => u.role === 'admin' && !u.disabled).length
const owners = (d: DbData, accountId: string) =>
  Object.values(d.memberships[accountId] ?? {}).filter((r) => r === 'owner').length

const empty = (): DbData => ({ accounts: {}, plans: {}, users: {}, sessions: {}, memberships: {} })

/**
 * The server's records (accounts, users, sessions, members) in `DATA_DIR/db.json` through
 * lowdb, written durably (temp file, fsync, rename, fsync of the directory: see
 * {@link DurableJsonFile}): once {@link update} resolves, the change survives a power cut.
 */
export class Database {
  private writeError: { error: Error; since: Date } | null = null
  private retryTimer: NodeJS.Timeout | null = null

  private constructor(private readonly low: Low<DbData>) {}

  static async open(dataDir: string, options: { fs?: StorageFs } = {}): Promise<Database> {
    const low = new Low<DbData>(new DurableJsonFile<DbData>(path.join(dataDir, 'db.json'), options.fs), empty())
    await low.read()
    low.data = { ...empty(), ...low.data }
    return new Database(low)
  }

  /** `ok` unless the last write of db.json failed (reported by /healthz). */
  writeStatus(): { ok: boolean; error?: string; since?: string } {
    if (!this.writeError) return { ok: true }
    const { error, since } = this.writeError
    return { ok: false, error: (error as NodeJS.ErrnoException).code ?? error.name, since: since.toISOString() }
  }

  get data(): DbData {
    return this.low.data
  }

  /**
   * Applies a change and writes it durably; writes are serialised (and coalesced). A disk that
   * refuses the write rejects with {@link StorageUnavailableError} (answered 503); the change
   * stays in memory and goes to disk with the next write that succeeds.
   */
  async update(change: (data: DbData) => void): Promise<void> {
    change(this.low.data)
    try {
      await this.low.write()
      this.writeError = null
    } catch (e) {
      if (!isStorageFailure(e)) throw e
      this.writeError ??= { error: e as Error, since: new Date() }
      this.scheduleRetry()
      throw new StorageUnavailableError('db.json cannot be saved', e)
    }
  }

  /** While db.json cannot be written, try again every few seconds (so what is in memory gets saved). */
  private scheduleRetry() {
    if (this.retryTimer) return
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = null
      try {
        await this.low.write()
        this.writeError = null
      } catch {
        this.scheduleRetry()
      }
    }, Database.retryMs)
    this.retryTimer.unref()
  }

  /** How often a failed db.json write is tried again. */
  static retryMs = 3000

  async touchAccount(id: string, when = new Date()): Promise<void> {
    await this.update((d) => {
      const now = when.toISOString()
      d.accounts[id] ??= { id, createdAt: now, lastActivityAt: now }
      d.accounts[id].lastActivityAt = now
    })
  }

  /*
   * Changes with invariants. Each checks its rule and applies the change in one synchronous step
   * on the records (no await between them), so concurrent requests cannot both pass the check;
   * another store (PostgreSQL) implements each as one transaction with the same rule.
   */

  /**
   * Changes a user's role, disabled flag, name or password hash; refuses (InvariantError) a change
   * that would leave no active administrator. Returns the updated user, or null when unknown.
   */
  async updateUser(
    id: string,
    patch: Partial<Pick<UserRecord, 'role' | 'disabled' | 'name' | 'department' | 'passwordHash'>>,
  ): Promise<UserRecord | null> {
    let found = false
    await this.update((d) => {
      const user = d.users[id]
      if (!user) return
      found = true
      const wasActiveAdmin = user.role === 'admin' && !user.disabled
      const staysActiveAdmin = (patch.role ?? user.role) === 'admin' && !(patch.disabled ?? user.disabled)
      if (wasActiveAdmin && !staysActiveAdmin && activeAdmins(d) <= 1)
        throw new InvariantError('last-admin', LAST_ADMIN_MESSAGE)
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) Object.assign(user, { [key]: value })
      user.updatedAt = new Date().toISOString()
    })
    return found ? this.data.users[id] : null
  }

  /** Adds a member or changes their role; refuses to leave the account without an owner. Returns the previous role. */
  async setMemberRole(accountId: string, userId: string, role: MemberRole): Promise<MemberRole | null> {
    let previous: MemberRole | null = null
    await this.update((d) => {
      previous = d.memberships[accountId]?.[userId] ?? null
      if (previous === 'owner' && role !== 'owner' && owners(d, accountId) <= 1)
        throw new InvariantError('last-owner', LAST_OWNER_MESSAGE)
      d.memberships[accountId] ??= {}
      d.memberships[accountId][userId] = role
    })
    return previous
  }

  /** Removes a member; refuses to remove the last owner. Returns the removed role, or null when not a member. */
  async removeMember(accountId: string, userId: string): Promise<MemberRole | null> {
    if (!this.data.memberships[accountId]?.[userId]) return null
    let previous: MemberRole | null = null
    await this.update((d) => {
      previous = d.memberships[accountId]?.[userId] ?? null
      if (!previous) return
      if (previous === 'owner' && owners(d, accountId) <= 1) throw new InvariantError('last-owner', LAST_OWNER_MESSAGE)
      delete d.memberships[accountId][userId]
    })
    return previous
  }
}
