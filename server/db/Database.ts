import path from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { MemberRole } from '../../shared/accounts.ts'
import type { Department } from '../../shared/shapes/types.ts'

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

const empty = (): DbData => ({ accounts: {}, plans: {}, users: {}, sessions: {}, memberships: {} })

/**
 * The server's records (accounts, and later plans, users, reviews) in
 * `DATA_DIR/db.json` through lowdb, which writes atomically (temp file + rename).
 */
export class Database {
  private constructor(private readonly low: Low<DbData>) {}

  static async open(dataDir: string): Promise<Database> {
    const low = new Low<DbData>(new JSONFile(path.join(dataDir, 'db.json')), empty())
    await low.read()
    low.data = { ...empty(), ...low.data }
    return new Database(low)
  }

  get data(): DbData {
    return this.low.data
  }

  /** Applies a change and writes it; writes are serialised by lowdb's writer. */
  async update(change: (data: DbData) => void): Promise<void> {
    change(this.low.data)
    await this.low.write()
  }

  async touchAccount(id: string, when = new Date()): Promise<void> {
    await this.update((d) => {
      const now = when.toISOString()
      d.accounts[id] ??= { id, createdAt: now, lastActivityAt: now }
      d.accounts[id].lastActivityAt = now
    })
  }
}
