import { spawnServer, startChildServer } from '../helpers/childServer.ts'
import { expect, test } from '../helpers/fixtures.ts'
import { eventually } from '../helpers/server.ts'

const parsed = (logs: string[]) => logs.map((l) => JSON.parse(l) as Record<string, unknown>)

test('logs are JSON lines: HTTP requests carry their request id, sync events the account and connection', async ({
  startServer,
  client: connect,
}) => {
  const server = await startServer({ accounts: ['acme'] })

  const res = await fetch(`${server.url}/api/me`, { headers: { cookie: server.cookie } })
  const id = res.headers.get('x-request-id')
  expect(id).toMatch(/^[0-9a-f-]{36}$/)
  expect(parsed(server.logs)).toContainEqual(
    expect.objectContaining({ component: 'http', requestId: id, method: 'GET', path: '/api/me', status: 200 }),
  )

  const client = await connect(server, 'acme')
  const opened = parsed(server.logs).find((l) => l.msg === 'connection opened')
  expect(opened).toMatchObject({ component: 'sync', accountId: 'acme', readOnly: false, level: 30 })
  expect(opened!.connectionId).toEqual(expect.any(Number))
  client.destroy()
  await eventually(() =>
    expect(parsed(server.logs)).toContainEqual(
      expect.objectContaining({ msg: 'connection closed', accountId: 'acme', connectionId: opened!.connectionId }),
    ),
  )
})

test('a server started with bad settings exits at once, naming every bad variable', async ({ dataDir }) => {
  const child = spawnServer({ DATA_DIR: dataDir, PORT: 'eighty', LOG_LEVEL: 'loud', FLUSH_INTERVAL_MS: '500' })
  expect(await child.exited).toBe(2)
  const out = child.output()
  expect(out).toMatch(/PORT must be a non-negative integer, got "eighty"/)
  expect(out).toMatch(/LOG_LEVEL must be one of/)
  expect(out).toMatch(/FLUSH_INTERVAL_MS must be at most 80/)
})

test('in development the logs are human-readable lines, not JSON', async ({ dataDir, cleanup }) => {
  // From source through tsx, as `npm run serve` runs it while developing (the other child servers
  // run the test run's bundle): this keeps that start path tested.
  const child = await startChildServer({ DATA_DIR: dataDir, NODE_ENV: 'development' }, 'source')
  cleanup(async () => {
    child.proc.kill('SIGTERM')
    await child.exited
  })
  const line = child
    .output()
    .split('\n')
    .find((l) => l.includes('running at'))!
  expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: War Room 作战室 is running at http:/)
  expect(() => JSON.parse(line)).toThrow()
})
