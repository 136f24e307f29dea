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
  /**
   * Open sockets per client address, kept as they come and go: counting them by walking every
   * socket made each new connection cost as much as all the open ones (2,000 sockets: ~4 % of the
   * server's CPU while they connected, growing with the square of their number).
   */
  private readonly byAddress = new Map<string, number>()

  /** Registers a socket; returns the function that forgets it (call it when the socket ends). */
  add(socket: LiveSocket): () => void {
    let set = this.byUser.get(socket.userId)
    if (!set) this.byUser.set(socket.userId, (set = new Set()))
    set.add(socket)
    if (socket.address !== undefined) this.byAddress.set(socket.address, (this.byAddress.get(socket.address) ?? 0) + 1)
    return () => this.drop(set, socket)
  }

  /** Forgets a socket (once, however often it is called). */
  private drop(set: Set<LiveSocket>, socket: LiveSocket) {
    if (!set.delete(socket)) return
    if (set.size === 0 && this.byUser.get(socket.userId) === set) this.byUser.delete(socket.userId)
    if (socket.address === undefined) return
    const n = (this.byAddress.get(socket.address) ?? 1) - 1
    if (n > 0) this.byAddress.set(socket.address, n)
    else this.byAddress.delete(socket.address)
  }

  private closeWhere(match: (s: LiveSocket) => boolean, code: number, reason: string): number {
    let closed = 0
    for (const set of [...this.byUser.values()]) {
      for (const socket of [...set]) {
        if (!match(socket)) continue
        this.drop(set, socket)
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
    return this.byAddress.get(address) ?? 0
  }

  count(userId?: string): number {
    if (userId) return this.byUser.get(userId)?.size ?? 0
    let n = 0
    for (const set of this.byUser.values()) n += set.size
    return n
  }
}
