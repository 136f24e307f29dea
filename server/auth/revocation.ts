/**
 * Access changes made on another node (PostgreSQL mode) take effect on this node's open sockets:
 * when the records mirror learns of them (change feed or catch-up, server/pg/PgRecords.ts), the
 * matching sockets close with the close codes the originating node uses (server/http/users.ts,
 * server/http/auth.ts, server/accounts/AccountService.ts), and a deleted account's room is dropped.
 */
import { CloseCode } from '../../shared/protocol.ts'
import type { RecordsDiff } from '../db/Records.ts'
import type { SocketRegistry } from './SocketRegistry.ts'

export interface RemovableRooms {
  remove(name: string, closeCode: number, reason: string): Promise<void>
}

/** How long a password reset seen on another node names the sessions ended after it (two changes there). */
const RESET_MEMORY_MS = 30_000

export class CrossNodeRevocation {
  /** userId → until when ended sessions are "password reset" rather than "signed out". */
  private readonly resets = new Map<string, number>()

  constructor(
    private readonly sockets: SocketRegistry,
    private readonly rooms: RemovableRooms,
    private readonly log: (msg: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  apply(diff: RecordsDiff) {
    const now = this.now()
    for (const [id, until] of this.resets) if (until <= now) this.resets.delete(id)

    for (const { id, before, after } of diff.users) {
      if (!before) continue
      if (!after || (!before.disabled && after.disabled)) {
        this.sockets.closeUser(id, CloseCode.Unauthorized, 'account disabled')
      } else if (before.passwordHash !== after.passwordHash) {
        // The node that reset it ends the user's sessions next; their sockets close below.
        this.resets.set(id, now + RESET_MEMORY_MS)
      } else if (before.role !== after.role) {
        this.sockets.closeUser(id, CloseCode.ServiceRestart, 'role changed')
      }
    }

    for (const { key, before, after } of diff.sessions) {
      if (!before || after) continue
      const reason = this.resets.has(before.userId) ? 'password reset' : 'signed out'
      this.sockets.closeSession(key, CloseCode.Unauthorized, reason)
    }

    const deleted = new Set<string>()
    for (const { id, before, after } of diff.accounts) {
      if (before && !after) {
        deleted.add(id)
        this.sockets.closeAccount(id, CloseCode.NotFound, 'account deleted')
        this.rooms
          .remove(id, CloseCode.NotFound, 'account deleted')
          .catch((e) => this.log(`room of deleted account ${id} not dropped: ${(e as Error).message}`))
      } else if (before && after && Boolean(before.archivedAt) !== Boolean(after.archivedAt)) {
        this.sockets.closeAccount(
          id,
          CloseCode.ServiceRestart,
          after.archivedAt ? 'account archived' : 'account unarchived',
        )
      }
    }

    for (const { accountId, userId, before, after } of diff.memberships) {
      if (!before || deleted.has(accountId)) continue
      if (!after) this.sockets.closeMember(userId, accountId, CloseCode.Forbidden, 'removed from the account')
      else if (after !== before) this.sockets.closeMember(userId, accountId, CloseCode.ServiceRestart, 'role changed')
    }
  }
}
