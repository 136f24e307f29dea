/**
 * Connection caps (MAX_SOCKETS_PER_USER, MAX_SOCKETS_PER_ADDRESS) are counted per node
 * (docs/api.md, docs/scale-out.md): each node closes the connection over its own cap with 4429;
 * another node still serves the same user. With N nodes a user holds up to N × the cap.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import WebSocket from 'ws'
import { CloseCode } from '../../shared/protocol.ts'
import { createAccount, setupAdmin } from '../helpers/auth.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { closed, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'

const engines = fileEngines({ redis: true })

/** A raw sync socket; resolves `served` on its first message (the room answered), or with its close. */
function socket(server: TestServer, cookie: string) {
  const ws = new WebSocket(`${wsUrl(server)}/acme`, { headers: { cookie } })
  ws.on('error', () => {})
  onTestFinished(() => ws.terminate())
  const outcome = new Promise<'served' | number>((resolve) => {
    ws.once('message', () => resolve('served'))
    void closed(ws).then(({ code }) => resolve(code))
  })
  return outcome
}

describe('connection caps with two nodes', () => {
  it('are per node: the third socket on node A is closed with 4429, one on node B is served', async () => {
    const url = await engines.pg.createDatabase('caps')
    const nodes: TestServer[] = []
    for (const id of ['a', 'b']) {
      const data = tempDataDir()
      onTestFinished(() => data.remove())
      const server = await startTestServer({
        dataDir: data.dir,
        databaseUrl: url,
        redisUrl: engines.redis.url,
        nodeId: id,
        maxSocketsPerUser: 2,
      })
      onTestFinished(() => server.close())
      nodes.push(server)
    }
    const [a, b] = nodes as [TestServer, TestServer]
    const cookie = await setupAdmin(a)
    await createAccount(a, cookie, { id: 'acme' })
    expect(await socket(a, cookie)).toBe('served')
    expect(await socket(a, cookie)).toBe('served')
    expect(await socket(a, cookie)).toBe(CloseCode.TooManyConnections)
    expect(await socket(b, cookie)).toBe('served')
  })
})
