import { afterEach, expect, it } from 'vitest'
import { eventually, startTestServer, tempDataDir } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

it('GET /healthz answers without a session and counts the loaded rooms', async () => {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  const server = await startTestServer({ dataDir: data.dir, accounts: ['acme'] })
  cleanups.push(() => server.close())
  // Creating the account seeded its room, which unloads after the grace period.
  await eventually(async () =>
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, rooms: 0 }),
  )
  const client = connectClient(`ws://127.0.0.1:${server.port}/sync`, 'acme', undefined, { cookie: server.cookie })
  cleanups.push(() => client.destroy())
  await whenSynced(client.provider)
  expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, rooms: 1 })
})
