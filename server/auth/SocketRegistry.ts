/**
 * The live sync connections, by user, so that access changes take effect on open sockets at
 * once: a disabled user's sockets close, a removed member's socket closes, a signed-out
 * session's sockets close.
 */
export interface LiveSocket {
  userId: string
  /** sha256 of the session token the socket was opened with. */
  sessionKey: string
  accountId: string
  /** The client address (server/http/clientAddress.ts), for the per-address cap. */
  address?: string
  close(code: number, reason: string): void
}

export class SocketRegistry {
  private readonly byUser = new Map<string, Set<LiveSocket>>()

  /** Registers a socket; returns the function that forgets it (call it when the socket ends). */
  add(socket: LiveSocket): () => void {
    let set = this.byUser.get(socket.userId)
    if (!set) this.byUser.set(socket.userId, (set = new Set()))
    set.add(socket)
    return () => {
      set.delete(socket)
      if (set.size === 0 && this.byUser.get(socket.userId) === set) this.byUser.delete(socket.userId)
    }
  }

  private closeWhere(match: (s: LiveSocket) => boolean, code: number, reason: string): number {
    let closed = 0
    for (const set of [...this.byUser.values()]) {
      for (const socket of [...set]) {
        if (!match(socket)) continue
        set.delete(socket)
        socket.close(code, reason)
        closed++
      }
    }
    return closed
  }

  closeUser(userId: string, code: number, reason: string) {
    return this.closeWhere((s) => s.userId === userId, code, reason)
  }

  closeSession(sessionKey: string, code: number, reason: string) {
    return this.closeWhere((s) => s.sessionKey === sessionKey, code, reason)
  }

  closeMember(userId: string, accountId: string, code: number, reason: string) {
    return this.closeWhere((s) => s.userId === userId && s.accountId === accountId, code, reason)
  }

  closeAccount(accountId: string, code: number, reason: string) {
    return this.closeWhere((s) => s.accountId === accountId, code, reason)
  }

  /** Every socket (this node stops serving: server/app.ts, the node lock taken by another node). */
  closeAll(code: number, reason: string) {
    return this.closeWhere(() => true, code, reason)
  }

  /** Open sockets from one client address, across users. */
  countAddress(address: string): number {
    let n = 0
    for (const set of this.byUser.values()) for (const s of set) if (s.address === address) n++
    return n
  }

  count(userId?: string): number {
    if (userId) return this.byUser.get(userId)?.size ?? 0
    let n = 0
    for (const set of this.byUser.values()) n += set.size
    return n
  }
}
