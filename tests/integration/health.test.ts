import { expect, test } from '../helpers/fixtures.ts'
import { eventually } from '../helpers/server.ts'

test('GET /healthz answers without a session and counts the loaded rooms', async ({ startServer, client }) => {
  const server = await startServer({ accounts: ['acme'] })
  // Creating the account seeded its room, which unloads after the grace period.
  await eventually(async () =>
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, rooms: 0 }),
  )
  await client(server, 'acme')
  expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, rooms: 1 })
})
