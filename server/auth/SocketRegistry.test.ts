import { describe, expect, it } from 'vitest'
import { CloseCode } from '../../shared/protocol.ts'
import { type LiveSocket, SocketRegistry } from './SocketRegistry.ts'

const socket = (userId: string, address: string | undefined, closed: number[] = []): LiveSocket => ({
  userId,
  sessionKey: `s-${userId}`,
  accountId: 'acme',
  address,
  close: (code) => closed.push(code),
})

describe('SocketRegistry: open sockets per client address (the per-address cap)', () => {
  it('counts as sockets come and go, however they end', () => {
    const r = new SocketRegistry()
    const forgetA = r.add(socket('u1', '10.0.0.1'))
    const forgetB = r.add(socket('u2', '10.0.0.1'))
    r.add(socket('u3', '10.0.0.2'))
    r.add(socket('u4', undefined))
    expect(r.countAddress('10.0.0.1')).toBe(2)
    expect(r.countAddress('10.0.0.2')).toBe(1)
    forgetA()
    forgetA()
    expect(r.countAddress('10.0.0.1')).toBe(1)
    // Closed by the server (a signed-out user): no longer counted, and its own end later counts nothing.
    expect(r.closeUser('u2', CloseCode.Unauthorized, 'signed out')).toBe(1)
    expect(r.countAddress('10.0.0.1')).toBe(0)
    forgetB()
    expect(r.countAddress('10.0.0.1')).toBe(0)
    expect(r.countAddress('10.0.0.2')).toBe(1)
    expect(r.count()).toBe(2)
  })
})
