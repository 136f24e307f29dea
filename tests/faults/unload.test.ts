/** Unloading a room writes a snapshot only when its document changed (issue 12, "Also"). */
import { expect, test as it } from '../helpers/fixtures.ts'
import { eventually, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'
import { FaultFs } from './faultFs.ts'

/** The machine is shared by many engineers' test runs: wait generously, assert exactly. */
const soon = (assertion: () => unknown, timeoutMs = 30_000, intervalMs = 50) =>
  eventually(assertion as () => void, timeoutMs, intervalMs)

it('a room opened and left without a change writes no snapshot when it unloads', async ({ startServer }) => {
  const disk = new FaultFs()
  const server = await startServer({ fs: disk, accounts: ['acme'] })
  const snapshotWrites = () =>
    disk.calls.filter((c) => c.op === 'rename' && /rooms[/\\]acme[/\\]snapshot$/.test(c.file)).length

  // Creating the account seeded the room; let that unload (and its snapshot) finish first.
  await soon(() => expect(server.rooms.peek('acme')).toBeNull())
  await soon(() => expect(snapshotWrites()).toBeGreaterThan(0))
  const seeded = snapshotWrites()

  // An edit, then the room unloads: one snapshot.
  const editor = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
  await whenSynced(editor.provider)
  editor.doc.getMap('m').set('k', 'v')
  await soon(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('k')).toBe('v'))
  editor.destroy()
  await soon(() => expect(server.rooms.peek('acme')).toBeNull())
  await soon(() => expect(snapshotWrites()).toBe(seeded + 1))
  const after = snapshotWrites()

  // Opened and left without a change, three times: no more snapshots.
  for (let i = 0; i < 3; i++) {
    const reader = connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie })
    await whenSynced(reader.provider)
    expect(reader.doc.getMap('m').get('k')).toBe('v')
    reader.destroy()
    await soon(() => expect(server.rooms.peek('acme')).toBeNull())
  }
  // The last unload (hook, snapshot, store release) has finished, not merely started.
  await server.rooms.unloaded('acme')
  expect(snapshotWrites()).toBe(after)
})
