/**
 * Disk full or failing (issue 12 item 1). While a room cannot persist it stops accepting edits
 * (its sockets close with 4507, which y-websocket reconnects on), the browsers keep their unsaved
 * edits, /healthz says so, and the server tries again by itself; once the disk takes writes
 * again the room is reloaded from disk and the reconnecting clients send back everything the
 * disk lacks. No torn record is ever left for later good records to sit behind.
 *
 * Twice: through the injectable file-system layer (ENOSPC and EIO on write and on fsync, and
 * EIO on every call) and on a real, small tmpfs filled to the last byte.
 */
import { execFileSync } from 'node:child_process'
import { promises as fs, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeLog, FileDocStore } from '../../server/storage/FileDocStore.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { api, login, TEST_PASSWORD } from '../helpers/auth.ts'
import { eventually, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { type Client, connectClient, whenSynced } from '../helpers/yclient.ts'
import { FaultFs, type FsOp } from './faultFs.ts'

/** The machine is shared by many engineers' test runs: wait generously, assert exactly. */
const soon = (assertion: () => unknown, timeoutMs = 30_000, intervalMs = 50) =>
  eventually(assertion as () => void, timeoutMs, intervalMs)

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function storedValues(dir: string, room: string): Promise<string[]> {
  const store = new FileDocStore(dir, { log: () => {} })
  const doc = new Y.Doc()
  for (const u of await store.load(room)) Y.applyUpdate(doc, u)
  await store.close()
  return doc.getArray<string>('a').toArray()
}

interface Watched extends Client {
  closeCodes: number[]
}

function watch(client: Client): Watched {
  const closeCodes: number[] = []
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closeCodes.push(event.code)
  })
  cleanups.push(() => client.destroy())
  return Object.assign(client, { closeCodes })
}

const values = (c: Client) => c.doc.getArray<string>('a').toArray()
const health = async (server: TestServer) => {
  const res = await fetch(`${server.url}/healthz`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/**
 * The whole flow against a running server; `breakDisk`/`repairDisk` make the data directory's
 * disk refuse and take writes. `bystanderKeepsSaving`: another room on a healthy path.
 */
async function diskFullFlow(opts: {
  server: TestServer
  breakDisk: () => Promise<void>
  repairDisk: () => Promise<void>
  bystanderKeepsSaving: boolean
  signInFailsMeanwhile: boolean
}) {
  const { server } = opts
  const { cookie } = server
  const a = watch(connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie }))
  const b = watch(connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie }))
  const c = watch(connectClient(wsUrl(server), 'other', new Y.Doc(), { cookie }))
  await Promise.all([a, b, c].map((x) => whenSynced(x.provider)))
  const list = a.doc.getArray<string>('a')
  for (let i = 1; i <= 10; i++) list.push([`a${i}`])
  await soon(async () => expect(await storedValues(server.config.dataDir, 'acme')).toHaveLength(10))

  await opts.breakDisk()
  // Edits go on; the other client sees them (the server accepted them), the disk refuses them.
  const seenByB = new Set<string>()
  b.doc.getArray<string>('a').observe(() => {
    for (const v of values(b)) seenByB.add(v)
  })
  // Each edit carries a few KiB, so that it needs new pages even on a disk full to the byte.
  const pad = a.doc.getMap<string>('pad')
  for (let i = 11; i <= 40 && a.provider.wsconnected; i++) {
    a.doc.transact(() => {
      list.push([`a${i}`])
      pad.set('p', `${i}`.repeat(3000))
    })
    await new Promise((r) => setTimeout(r, 2))
  }
  // The room stops accepting edits: both of its clients are told with 4507.
  await soon(() => {
    expect(a.closeCodes).toContain(CloseCode.StorageUnavailable)
    expect(b.closeCodes).toContain(CloseCode.StorageUnavailable)
  }, 60_000)
  // What the server accepted meanwhile reached the other client. Not "more than the first ten":
  // with EIO on every call the first ten's own last durable write may be the one that fails, and
  // the room then stops before it accepts a11 (seen once in a whole-suite run at load ~4).
  for (const v of seenByB) expect(v).toMatch(/^a\d+$/)
  const h = await health(opts.server)
  expect(h.status).toBe(503)
  expect(h.body).toMatchObject({ ok: false, storage: { rooms: { ok: false, failingRooms: 1 } } })
  // Reconnects are refused the same way while the disk stays full.
  const refusals = a.closeCodes.length
  await soon(() => expect(a.closeCodes.length).toBeGreaterThan(refusals), 60_000)
  expect(new Set(a.closeCodes)).toEqual(new Set([CloseCode.StorageUnavailable]))
  // Meanwhile both browsers keep editing offline (unsaved, kept in their documents).
  for (let i = 41; i <= 45; i++) list.push([`a${i}`])
  b.doc.getArray<string>('a').push(['b1'])
  if (opts.bystanderKeepsSaving) {
    // Another room on a healthy disk keeps working.
    expect(c.provider.wsconnected).toBe(true)
    c.doc.getArray<string>('a').push(['c1'])
    await soon(async () => expect(await storedValues(server.config.dataDir, 'other')).toEqual(['c1']))
  }
  const signIn = await api(server, 'POST', '/api/login', {
    body: { email: 'admin@example.com', password: TEST_PASSWORD },
  })
  if (opts.signInFailsMeanwhile) {
    expect(signIn.status).toBe(503)
    expect(signIn.headers.get('retry-after')).toBeTruthy()
  } else expect(signIn.status).toBe(200)

  const expected = [...list.toArray(), 'b1']
  await opts.repairDisk()
  // The server notices by itself; the clients reconnect (no reload) and send what it lacks.
  await soon(
    () => {
      const room = server.rooms.peek('acme')
      expect(room).not.toBeNull()
      const onServer = new Set(room!.doc.getArray<string>('a').toArray())
      for (const v of expected) expect(onServer.has(v), v).toBe(true)
      for (const v of seenByB) expect(onServer.has(v), v).toBe(true)
    },
    60_000,
    50,
  )
  await soon(async () => expect((await health(server)).body).toEqual({ ok: true, rooms: 2 }), 60_000)
  list.push(['a46'])
  await soon(() => expect(values(b)).toContain('a46'))
  for (const x of [a, b, c]) x.destroy()
  await server.close()

  // On disk: everything any client had, and every log readable to its end (no torn record).
  const stored = await storedValues(server.config.dataDir, 'acme')
  expect(new Set(stored)).toEqual(new Set([...expected, 'a46']))
  expect(stored).toHaveLength(expected.length + 1)
  const dir = path.join(server.config.dataDir, 'rooms', 'acme')
  for (const f of (await fs.readdir(dir)).filter((n) => n.startsWith('log-'))) {
    const buf = await fs.readFile(path.join(dir, f))
    const decoded = decodeLog(buf)
    expect(decoded.skipped, f).toEqual([])
    expect(decoded.validBytes, f).toBe(buf.length)
  }
}

describe('disk full or failing, through the file-system layer', () => {
  const cases: { name: string; code: string; ops: FsOp[] }[] = [
    { name: 'ENOSPC on write', code: 'ENOSPC', ops: ['append'] },
    { name: 'EIO on write', code: 'EIO', ops: ['append'] },
    { name: 'ENOSPC on fsync', code: 'ENOSPC', ops: ['datasync'] },
    { name: 'EIO on fsync', code: 'EIO', ops: ['datasync'] },
    {
      name: 'EIO on every call, cutting back included',
      code: 'EIO',
      ops: ['open', 'append', 'write', 'datasync', 'sync', 'truncate', 'mkdir', 'rename', 'copyFile', 'syncDir'],
    },
  ]
  for (const { name, code, ops } of cases) {
    it(`${name}: the room stops, tells its clients, retries, and loses nothing`, async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const faults = new FaultFs()
      const server = await startTestServer({
        dataDir: data.dir,
        fs: faults,
        flushIntervalMs: 5,
        storageRetryMs: 300,
        accounts: ['acme', 'other'],
      })
      cleanups.push(() => server.close())
      await diskFullFlow({
        server,
        breakDisk: async () => faults.fail(code, ops, { match: /rooms[/\\]acme([/\\]|$)/ }),
        repairDisk: async () => faults.heal(),
        bystanderKeepsSaving: true,
        signInFailsMeanwhile: false,
      })
    })
  }

  it('db.json that cannot be written answers 503 (not 500), shows in /healthz, and recovers', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const faults = new FaultFs()
    const server = await startTestServer({ dataDir: data.dir, fs: faults, accounts: ['acme'] })
    cleanups.push(() => server.close())
    faults.fail('ENOSPC', ['write', 'sync'], { match: /db\.json/ })
    const body = { email: 'admin@example.com', password: TEST_PASSWORD }
    const refused = await api(server, 'POST', '/api/login', { body })
    expect(refused.status).toBe(503)
    expect(await refused.json()).toEqual({
      error: expect.stringMatching(/cannot save/),
      message: { zh: expect.stringMatching(/无法保存/), en: expect.stringMatching(/cannot save/) },
    })
    expect(refused.headers.getSetCookie()).toEqual([])
    expect(await health(server)).toMatchObject({
      status: 503,
      body: { ok: false, storage: { db: { ok: false, error: 'ENOSPC' } } },
    })
    faults.heal()
    expect((await api(server, 'POST', '/api/login', { body })).status).toBe(200)
    expect(await health(server)).toMatchObject({ status: 200, body: { ok: true } })
  })
})

/** Mounts a tmpfs of this size on a fresh directory; null (with the reason) when refused. */
function mountTmpfs(bytes: number): { dir: string; unmount(): void } | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'war-room-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    return `mount -t tmpfs refused (${String((e as { stderr?: Buffer }).stderr ?? e).trim()}); needs root or CAP_SYS_ADMIN`
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function fillDisk(file: string) {
  const handle = await fs.open(file, 'a')
  try {
    for (const size of [1 << 16, 1 << 12, 1 << 8, 1]) {
      for (;;) {
        try {
          await handle.write(Buffer.alloc(size, 0x5a))
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break
          throw e
        }
      }
    }
  } finally {
    await handle.close().catch(() => {})
  }
}

const tmpfs = mountTmpfs(8 * 1024 * 1024)
if (typeof tmpfs === 'string') console.warn(`[faults] skipping the real-disk case: ${tmpfs}`)
else afterAll(() => tmpfs.unmount())
describe.skipIf(typeof tmpfs === 'string')('disk full on a real tmpfs', () => {
  it('filled to the last byte: the room stops, sign-in answers 503, and nothing is lost once space returns', async () => {
    if (typeof tmpfs === 'string') return
    const dataDir = path.join(tmpfs.dir, 'data')
    await fs.mkdir(dataDir)
    const server = await startTestServer({
      dataDir,
      flushIntervalMs: 5,
      storageRetryMs: 300,
      accounts: ['acme', 'other'],
    })
    cleanups.push(() => server.close())
    const filler = path.join(tmpfs.dir, 'filler')
    await diskFullFlow({
      server,
      breakDisk: () => fillDisk(filler),
      repairDisk: () => fs.rm(filler),
      bystanderKeepsSaving: false,
      signInFailsMeanwhile: true,
    })
  })
})

describe('plan files on a failing disk (through the file-system layer)', () => {
  const planFile = (dir: string) => path.join(dir, 'plans', 'acme.json')
  const storedName = async (dir: string) =>
    (JSON.parse(await fs.readFile(planFile(dir), 'utf8')) as { plan: { account: { name: string } } }).plan.account.name

  it('a refused plan write is logged, the room keeps working, and the file is written by itself once the disk heals', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const faults = new FaultFs()
    const server = await startTestServer({
      dataDir: data.dir,
      fs: faults,
      flushIntervalMs: 5,
      deriveDelayMs: 50,
      planWriteIntervalMs: 0,
      accounts: ['acme'],
    })
    cleanups.push(() => server.close())
    faults.fail('ENOSPC', ['open', 'write', 'sync', 'rename', 'syncDir'], { match: /plans[/\\]/ })
    const writer = watch(connectClient(wsUrl(server), 'acme', undefined, { cookie: server.cookie }))
    await whenSynced(writer.provider)
    writer.doc.getMap('account').set('name', '第一版')
    await soon(() => expect(server.logs.join('\n')).toMatch(/\[plan acme\] writing the plan file failed \(ENOSPC\)/))
    // The plan file is derived data: the room still takes edits, and they are durable.
    writer.doc.getMap('account').set('name', '第二版')
    writer.doc.getArray<string>('a').push(['kept'])
    await soon(() => expect(server.rooms.peek('acme')?.doc.getArray('a').toArray()).toEqual(['kept']))
    expect(writer.closeCodes).toEqual([])
    await expect(fs.access(planFile(data.dir))).rejects.toThrow()
    faults.heal()
    // Nobody edits any more: the retry alone writes the latest plan.
    await soon(() => expect(fs.access(planFile(data.dir))).resolves.toBeUndefined())
    await soon(async () => expect(await storedName(data.dir)).toBe('第二版'))
    await soon(() => expect(server.logs.join('\n')).toMatch(/\[plan acme\] the plan file is written again/))
  })

  it('a plan file the disk refuses to read (EIO) answers 503 in both languages and changes nothing; it is read again once the disk heals', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const faults = new FaultFs()
    const options = { dataDir: data.dir, fs: faults, flushIntervalMs: 5, deriveDelayMs: 50, planWriteIntervalMs: 0 }
    let server = await startTestServer({ ...options, accounts: ['acme'] })
    await server.close()

    // At start, a plan file the disk refuses is named in the log and left as it is.
    await fs.mkdir(path.dirname(planFile(data.dir)), { recursive: true })
    await fs.writeFile(planFile(data.dir), '{"format":"war-room-plan"')
    faults.fail('EIO', ['readFile'], { match: /plans[/\\]acme\.json$/, times: 1 })
    server = await startTestServer(options)
    cleanups.push(() => server.close())
    expect(server.logs.join('\n')).toMatch(/\[plan acme\] the stored plan cannot be read.*EIO/)
    expect(await fs.readFile(planFile(data.dir), 'utf8')).toBe('{"format":"war-room-plan"')
    const cookie = await login(server, 'admin@example.com')

    // A plan derived and stored, its room unloaded: the next read goes to the file.
    const writer = connectClient(wsUrl(server), 'acme', undefined, { cookie })
    await whenSynced(writer.provider)
    writer.doc.getMap('account').set('name', '读得到')
    await soon(async () => expect(await storedName(data.dir)).toBe('读得到'))
    writer.destroy()
    await soon(() => expect(server.rooms.peek('acme')).toBeNull())
    // The unload goes on after the room left the list (its snapshot): what follows counts only later calls.
    await server.rooms.unloaded('acme')
    const before = await fs.readFile(planFile(data.dir))
    const calls = faults.calls.length
    faults.fail('EIO', ['readFile'], { match: /plans[/\\]acme\.json$/ })
    const refused = await api(server, 'GET', '/api/accounts/acme/plan', { cookie })
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({
      message: { zh: expect.stringMatching(/[\u4e00-\u9fff]/), en: expect.stringMatching(/storage/i) },
    })
    expect(server.logs.join('\n')).toMatch(/\[plan acme\] reading the plan file failed: .*EIO/)
    // Nothing was loaded, derived or written in its place.
    expect(server.rooms.peek('acme')).toBeNull()
    expect(faults.calls.slice(calls).filter((c) => /plans|rooms/.test(c.file) && c.op !== 'readFile')).toEqual([])
    expect(await fs.readFile(planFile(data.dir))).toEqual(before)
    faults.heal()
    const served = await api(server, 'GET', '/api/accounts/acme/plan', { cookie })
    expect(served.status).toBe(200)
    expect(((await served.json()) as { account: { name: string } }).account.name).toBe('读得到')
  })
})
