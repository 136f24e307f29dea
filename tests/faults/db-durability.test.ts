/**
 * db.json is durable (issue 12 item 4): once a request that changed records has answered, its
 * change survives a power cut. A power cut is modelled by {@link PowerCutFs}: file content counts
 * only as of its last fsync, a rename only as of the directory's next fsync.
 */
import { addMember, api, createUser, login } from '../helpers/auth.ts'
import { expect, test as it } from '../helpers/fixtures.ts'
import { PowerCutFs } from './powerCutFs.ts'

it('users, sessions, accounts and members survive a power cut right after each request answered', async ({
  dataDir,
  newDataDir,
  startServer,
}) => {
  const disk = new PowerCutFs()
  const server = await startServer({ fs: disk, accounts: ['acme'] })
  await createUser(server, server.cookie, { email: 'li@example.com' })
  await addMember(server, server.cookie, 'acme', 'li@example.com', 'editor')
  const member = await login(server, 'li@example.com')

  // The power goes now, while the server still runs: only what is durable remains.
  const after = newDataDir()
  await disk.survivors(dataDir, after)
  await server.close()

  const restarted = await startServer({ dataDir: after })
  // The administrator's session and the member's, the account, the membership.
  expect((await api(restarted, 'GET', '/api/me', { cookie: server.cookie })).status).toBe(200)
  const me = await api(restarted, 'GET', '/api/me', { cookie: member })
  expect(me.status).toBe(200)
  expect(((await me.json()) as { user: { email: string } }).user.email).toBe('li@example.com')
  const account = await api(restarted, 'GET', '/api/accounts/acme', { cookie: member })
  expect(account.status).toBe(200)
})

it('db.json is written to a temp file, fsynced, renamed, and its directory fsynced before the answer', async ({
  dataDir,
  startServer,
}) => {
  const disk = new PowerCutFs()
  const server = await startServer({ fs: disk, accounts: [] })
  const before = disk.calls.length
  const res = await api(server, 'POST', '/api/login', {
    body: { email: 'admin@example.com', password: 'correct-horse-battery' },
  })
  expect(res.status).toBe(200)
  const calls = disk.calls
    .slice(before)
    .filter((c) => /db\.json/.test(c.file) || c.file === dataDir)
    .map((c) => `${c.op} ${c.file.replace(dataDir, 'DATA')}`)
  expect(calls).toEqual([
    'open DATA/.db.json.tmp',
    'write DATA/.db.json.tmp',
    'sync DATA/.db.json.tmp',
    'close DATA/.db.json.tmp',
    'rename DATA/db.json',
    'syncDir DATA',
  ])
})
