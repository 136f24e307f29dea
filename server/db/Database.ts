import path from 'node:path'
import { Low } from 'lowdb'
import type { MemberRole } from '../../shared/accounts.ts'
import type { Department } from '../../shared/shapes/types.ts'
import { isStorageFailure, StorageUnavailableError } from '../storage/DocStore.ts'
import type { StorageFs } from '../storage/fsLayer.ts'
import { DurableJsonFile } from './DurableJsonFile.ts'
import {
  applyMemberRole,
  applyRemoveMember,
  applyTouch,
  applyUserPatch,
  type Records,
  type RecordsDiff,
  type UserPatch,
} from './Records.ts'

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

export { InvariantError, LAST_ADMIN_MESSAGE, LAST_OWNER_MESSAGE } from './Records.ts'

const empty = (): DbData => ({ accounts: {}, plans: {}, users: {}, sessions: {}, memberships: {} })

/**
 * The server's records (accounts, users, sessions, members) in `DATA_DIR/db.json` through
 * lowdb, written durably (temp file, fsync, rename, fsync of the directory: see
 * {@link DurableJsonFile}): once {@link update} resolves, the change survives a power cut.
 */
export class Database implements Records {
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
    await this.update((d) => applyTouch(d, id, when))
  }

  /** One process holds these records: always current. */
  async catchUp(): Promise<void> {}

  /** No other node changes these records. */
  onRemoteChange(_listener: (diff: RecordsDiff) => void): () => void {
    return () => {}
  }

  async close(): Promise<void> {}

  /*
   * Changes with invariants (server/db/Records.ts). Each checks its rule and applies the change in
   * one synchronous step on the records (no await between them), so concurrent requests cannot
   * both pass the check; PostgreSQL implements each as one transaction with the same rule.
   */

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    let found = false
    await this.update((d) => {
      found = applyUserPatch(d, id, patch)
    })
    return found ? this.data.users[id] : null
  }

  async setMemberRole(accountId: string, userId: string, role: MemberRole): Promise<MemberRole | null> {
    let previous: MemberRole | null = null
    await this.update((d) => {
      previous = applyMemberRole(d, accountId, userId, role)
    })
    return previous
  }

  async removeMember(accountId: string, userId: string): Promise<MemberRole | null> {
    if (!this.data.memberships[accountId]?.[userId]) return null
    let previous: MemberRole | null = null
    await this.update((d) => {
      previous = applyRemoveMember(d, accountId, userId)
    })
    return previous
  }
}
