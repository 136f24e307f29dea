/**
 * Accounts as records (lowdb) and as rooms (Y.Doc): creation seeds the room's document, deletion
 * removes the room, its assets and its records. Lists read each account's stored plan
 * projection, so no room is loaded to show the portfolio.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type { AccountFields, AccountTier } from '../../shared/account.ts'
import type { AccountSummary, MemberRole } from '../../shared/accounts.ts'
import { CloseCode, DocKeys, isValidAccountId } from '../../shared/protocol.ts'
import type { Auth } from '../auth/Auth.ts'
import type { AccountRecord, UserRecord } from '../db/Database.ts'
import type { Records } from '../db/Records.ts'
import { invalidAccountId } from '../http/accountId.ts'
import { personError } from '../http/errors.ts'
import type { PlanSummary } from '../plan/planProtocol.ts'
import type { RoomManager } from '../sync/RoomManager.ts'

export interface NewAccount {
  id?: string
  name: string
  tier: AccountTier | ''
  owner: string
}

/** A slug from an account name: ASCII words kept, anything else (Chinese names) gives a random id. */
export function slugFor(name: string): string {
  const ascii = name
    .normalize('NFKD')
    // Accents decompose into combining marks; dropping them keeps "É" as "e".
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '')
  return ascii.length >= 2 ? ascii : `account-${randomBytes(3).toString('hex')}`
}

export class AccountService {
  /** Ids being created right now: a second create of the same id is a conflict, not a race. */
  private readonly creating = new Set<string>()

  constructor(
    private readonly db: Records,
    private readonly rooms: RoomManager,
    private readonly auth: Auth,
    private readonly dataDir: string,
    /** Removes what other stores keep for a deleted account (its reviews, its plan). */
    private readonly onDeleted: (id: string) => Promise<void> = async () => {},
    /**
     * The stored plans' summaries (server/plan/PlanService.ts; plans are not in db.json);
     * `refresh` re-reads those other nodes may have stored (several nodes on one database).
     */
    private readonly plans?: { summaryOf(id: string): PlanSummary | null; refresh?(ids: string[]): Promise<void> },
  ) {}

  /** Brings the plan summaries of these accounts up to date before they are shown (several nodes). */
  async refreshPlans(ids: string[]): Promise<void> {
    await this.plans?.refresh?.(ids)
  }

  private exists(id: string) {
    return Boolean(this.db.data.accounts[id]) || this.creating.has(id)
  }

  private freeId(name: string): string {
    const base = slugFor(name)
    if (!this.exists(base)) return base
    for (let n = 2; ; n++) {
      const id = `${base.slice(0, 60)}-${n}`
      if (!this.exists(id)) return id
    }
  }

  /**
   * Creates an account owned by `creator` and seeds its document's account fields (and, for the
   * demo, its canvas records). 409 when the id is taken.
   */
  async create(
    input: NewAccount,
    creator: UserRecord,
    seed: { fields?: Partial<AccountFields>; records?: Record<string, unknown>[] } = {},
  ): Promise<AccountRecord> {
    if (input.id !== undefined && !isValidAccountId(input.id)) throw invalidAccountId()
    const id = input.id ?? this.freeId(input.name)
    if (this.exists(id)) throw personError(409, 'error.account.exists', { id })
    this.creating.add(id)
    try {
      const room = await this.rooms.acquire(id)
      try {
        room.doc.transact(() => {
          const fields = room.doc.getMap<unknown>(DocKeys.account)
          for (const [key, value] of Object.entries({
            ...seed.fields,
            name: input.name,
            tier: input.tier,
            owner: input.owner,
          })) {
            fields.set(key, value)
          }
          if (seed.records?.length) {
            const records = new YKeyValue<unknown>(room.doc.getArray(DocKeys.records))
            for (const record of seed.records) records.set((record as { id: string }).id, record)
          }
        })
      } finally {
        this.rooms.release(id)
      }
      const now = new Date().toISOString()
      const record: AccountRecord = {
        ...this.db.data.accounts[id],
        id,
        createdAt: now,
        lastActivityAt: now,
        name: input.name,
        tier: input.tier,
        owner: input.owner,
        createdBy: creator.id,
        archivedAt: null,
      }
      await this.db.update((d) => {
        // Checked again in the change: another node may have created the same id meanwhile.
        if (d.accounts[id]) throw personError(409, 'error.account.exists', { id })
        d.accounts[id] = record
        d.memberships[id] = { [creator.id]: 'owner' }
      })
      return record
    } finally {
      this.creating.delete(id)
    }
  }

  /** Removes an account: its records, open sockets, room data and assets. */
  async delete(id: string): Promise<void> {
    // Records first: from here on every request and upgrade for the account answers 404.
    await this.db.update((d) => {
      delete d.accounts[id]
      delete d.memberships[id]
      delete d.plans[id]
    })
    this.auth.sockets.closeAccount(id, CloseCode.NotFound, 'account deleted')
    await this.rooms.remove(id, CloseCode.NotFound, 'account deleted')
    await fs.rm(path.join(this.dataDir, 'assets', id), { recursive: true, force: true })
    await this.onDeleted(id)
    // The plan hook may have stored a last plan while the room unloaded.
    await this.db.update((d) => {
      delete d.accounts[id]
      delete d.plans[id]
    })
  }

  async setArchived(id: string, archived: boolean): Promise<AccountRecord> {
    await this.db.update((d) => {
      const account = d.accounts[id]
      if (account) account.archivedAt = archived ? (account.archivedAt ?? new Date().toISOString()) : null
    })
    // Open sockets reconnect (ServiceRestart) and get the access that now applies.
    this.auth.sockets.closeAccount(id, CloseCode.ServiceRestart, archived ? 'account archived' : 'account unarchived')
    return this.db.data.accounts[id]
  }

  summary(account: AccountRecord, role: MemberRole): AccountSummary {
    const plan = this.plans?.summaryOf(account.id) ?? null
    const fields = plan?.account
    return {
      id: account.id,
      name: fields?.name || account.name || account.id,
      tier: (fields ? fields.tier : (account.tier as AccountTier | '' | undefined)) ?? '',
      owner: fields ? fields.owner : (account.owner ?? ''),
      stage: fields?.stage ?? '',
      health: plan ? { ...plan.health } : null,
      // Document changes are tracked with the plan (not written to db.json on every change).
      lastActivityAt:
        plan && plan.lastActivityAt > account.lastActivityAt ? plan.lastActivityAt : account.lastActivityAt,
      createdAt: account.createdAt,
      archived: Boolean(account.archivedAt),
      role,
    }
  }

  /** {@link visibleTo}, with the plan summaries other nodes stored read first. */
  async visibleToNow(user: UserRecord): Promise<AccountSummary[]> {
    await this.refreshPlans(Object.keys(this.db.data.accounts).filter((id) => this.auth.roleOn(user, id)))
    return this.visibleTo(user)
  }

  /** The accounts a user may see (administrators: all), newest activity first. */
  visibleTo(user: UserRecord): AccountSummary[] {
    const out: AccountSummary[] = []
    for (const account of Object.values(this.db.data.accounts)) {
      const role = this.auth.roleOn(user, account.id)
      if (role) out.push(this.summary(account, role))
    }
    return out.sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt) || a.id.localeCompare(b.id))
  }

  members(accountId: string) {
    const roles = this.db.data.memberships[accountId] ?? {}
    return Object.entries(roles)
      .flatMap(([userId, role]) => {
        const user = this.db.data.users[userId]
        return user ? [{ userId, email: user.email, name: user.name, role, disabled: user.disabled }] : []
      })
      .sort((a, b) => a.email.localeCompare(b.email))
  }

  /** Adds a member or changes their role; the last owner cannot be downgraded (409, checked by the store). */
  async setMember(accountId: string, user: UserRecord, role: MemberRole): Promise<{ created: boolean }> {
    const previous = await this.db.setMemberRole(accountId, user.id, role)
    // A changed role applies to an open canvas at once: it reconnects with the new access.
    if (previous && previous !== role)
      this.auth.sockets.closeMember(user.id, accountId, CloseCode.ServiceRestart, 'role changed')
    return { created: !previous }
  }

  async removeMember(accountId: string, user: UserRecord): Promise<boolean> {
    const previous = await this.db.removeMember(accountId, user.id)
    if (!previous) return false
    this.auth.sockets.closeMember(user.id, accountId, CloseCode.Forbidden, 'removed from the account')
    return true
  }
}
