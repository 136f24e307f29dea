/**
 * The records store's interface (users, sessions, accounts, members), implemented by the embedded
 * lowdb store ({@link Database}, one process) and by PostgreSQL ({@link PgRecords}, any number of
 * nodes; docs/scale-out.md). Handlers read `data` synchronously — in PostgreSQL mode an in-memory
 * mirror of the tables — and change it only through the methods below.
 */
import type { AccountRecord, DbData, MemberRole, SessionRecord, UserRecord } from './Database.ts'

export type UserPatch = Partial<Pick<UserRecord, 'role' | 'disabled' | 'name' | 'department' | 'passwordHash'>>

/** `ok` unless the store's last write failed (reported by /healthz). */
export interface RecordsStatus {
  ok: boolean
  error?: string
  since?: string
}

/** Rows another node changed, as this node's mirror had them and as they are now (absent: no such row). */
export interface RecordsDiff {
  users: { id: string; before?: UserRecord; after?: UserRecord }[]
  sessions: { key: string; before?: SessionRecord; after?: SessionRecord }[]
  accounts: { id: string; before?: AccountRecord; after?: AccountRecord }[]
  memberships: { accountId: string; userId: string; before?: MemberRole; after?: MemberRole }[]
}

export interface Records {
  /** The records as this process sees them; never mutate outside {@link update}. */
  readonly data: DbData
  /**
   * Applies a change atomically and durably: `change` runs on the current records (in PostgreSQL
   * mode: under the records lock, after catching up with other nodes); a throw changes nothing.
   * Rejects with StorageUnavailableError (503) when the store refuses the write.
   */
  update(change: (data: DbData) => void): Promise<void>
  /** Marks activity on an account (creating its record if unknown); may be coalesced. */
  touchAccount(id: string, when?: Date): Promise<void>
  /** Refuses (InvariantError) a change that would leave no active administrator; null when unknown. */
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>
  /** Adds a member or changes their role; refuses to leave the account without an owner. Returns the previous role. */
  setMemberRole(accountId: string, userId: string, role: MemberRole): Promise<MemberRole | null>
  /** Removes a member; refuses to remove the last owner. Returns the removed role, or null when not a member. */
  removeMember(accountId: string, userId: string): Promise<MemberRole | null>
  writeStatus(): RecordsStatus
  /**
   * Makes `data` at least as new as the last change committed by any node (one small query in
   * PostgreSQL mode; nothing to do for the embedded store). Run before an authenticated request.
   */
  catchUp(): Promise<void>
  /** Calls `listener` with the rows other nodes changed, once this node's `data` has them. */
  onRemoteChange(listener: (diff: RecordsDiff) => void): () => void
  /** Writes what is coalesced and stops listening. */
  close(): Promise<void>
}

/*
 * The invariant-keeping changes, shared by both stores: each checks its rule on the records it is
 * given and applies the change in one synchronous step. (PostgreSQL runs it on records just caught
 * up under the records lock, and checks the rules again on the table rows before committing.)
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

export const activeAdmins = (d: DbData) =>
  Object.values(d.users).filter((u) => u.role === 'admin' && !u.disabled).length
export const owners = (d: DbData, accountId: string) =>
  Object.values(d.memberships[accountId] ?? {}).filter((r) => r === 'owner').length

/** Applies a user patch; false when there is no such user. */
export function applyUserPatch(d: DbData, id: string, patch: UserPatch, now = new Date()): boolean {
  const user = d.users[id]
  if (!user) return false
  const wasActiveAdmin = user.role === 'admin' && !user.disabled
  const staysActiveAdmin = (patch.role ?? user.role) === 'admin' && !(patch.disabled ?? user.disabled)
  if (wasActiveAdmin && !staysActiveAdmin && activeAdmins(d) <= 1)
    throw new InvariantError('last-admin', LAST_ADMIN_MESSAGE)
  for (const [key, value] of Object.entries(patch)) if (value !== undefined) Object.assign(user, { [key]: value })
  user.updatedAt = now.toISOString()
  return true
}

/** Sets a member's role; returns the previous one. */
export function applyMemberRole(d: DbData, accountId: string, userId: string, role: MemberRole): MemberRole | null {
  const previous = d.memberships[accountId]?.[userId] ?? null
  if (previous === 'owner' && role !== 'owner' && owners(d, accountId) <= 1)
    throw new InvariantError('last-owner', LAST_OWNER_MESSAGE)
  d.memberships[accountId] ??= {}
  d.memberships[accountId][userId] = role
  return previous
}

/** Removes a member; returns the removed role, or null when not a member. */
export function applyRemoveMember(d: DbData, accountId: string, userId: string): MemberRole | null {
  const previous = d.memberships[accountId]?.[userId] ?? null
  if (!previous) return null
  if (previous === 'owner' && owners(d, accountId) <= 1) throw new InvariantError('last-owner', LAST_OWNER_MESSAGE)
  delete d.memberships[accountId][userId]
  return previous
}

/** Marks activity (creates the account record when unknown), never moving it back in time. */
export function applyTouch(d: DbData, id: string, when: Date) {
  const now = when.toISOString()
  d.accounts[id] ??= { id, createdAt: now, lastActivityAt: now }
  if (d.accounts[id].lastActivityAt < now) d.accounts[id].lastActivityAt = now
}
