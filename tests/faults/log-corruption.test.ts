/**
 * Damaged update logs (issue 12 item 2): a flipped byte in the middle of a log skips only the
 * damaged record, the records after it are still read, the damaged file is kept aside, and
 * records that depend on the lost one wait (pending in Yjs, across a compaction) until a client
 * that still has the lost edit reconnects. Only a torn tail is cut.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeLog, FileDocStore } from '../../server/storage/FileDocStore.ts'
import { eventually, startTestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

/** The machine is shared by many engineers' test runs: wait generously, assert exactly. */
const soon = (assertion: () => unknown, timeoutMs = 30_000, intervalMs = 50) =>
  eventually(assertion as () => void, timeoutMs, intervalMs)

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

const HEADER = 8

/** Byte offsets of the records of a log file. */
function recordOffsets(buf: Buffer): number[] {
  const offsets: number[] = []
  for (let off = 0; off + HEADER <= buf.length; off += HEADER + buf.readUInt32LE(off)) offsets.push(off)
  return offsets
}

async function storedValues(dir: string, room: string): Promise<string[]> {
  const store = new FileDocStore(dir, { log: () => {} })
  const doc = new Y.Doc()
  for (const u of await store.load(room)) Y.applyUpdate(doc, u)
  await store.close()
  return doc.getArray<string>('a').toArray()
}

/**
 * A room whose log holds: W's edits w1…w5, then X's edits x1…x5 made on top of them (X had
 * synced W's edits; each of X's inserts follows the one before, so x1 depends on w5).
 */
async function roomWithTwoWriters(dir: string) {
  const server = await startTestServer({ dataDir: dir, accounts: ['acme'] })
  const { cookie } = server
  await server.close()
  const store = new FileDocStore(dir, { log: () => {} })
  const w = new Y.Doc()
  for (const u of await store.load('acme')) Y.applyUpdate(w, u)
  const x = new Y.Doc()
  Y.applyUpdate(x, Y.encodeStateAsUpdate(w))
  const records: string[] = []
  w.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === 'x') return
    store.append('acme', u)
    Y.applyUpdate(x, u, 'w')
  })
  x.on('update', (u: Uint8Array, origin: unknown) => origin !== 'w' && store.append('acme', u))
  for (let i = 1; i <= 5; i++) {
    w.getArray<string>('a').push([`w${i}`])
    records.push(`w${i}`)
  }
  for (let i = 1; i <= 5; i++) {
    x.getArray<string>('a').push([`x${i}`])
    records.push(`x${i}`)
  }
  await store.close()
  const logs = (await fs.readdir(path.join(dir, 'rooms', 'acme'))).filter((f) => f.startsWith('log-')).sort()
  const logFile = path.join(dir, 'rooms', 'acme', logs[logs.length - 1])
  return { cookie, w, x, logFile, records }
}

describe('a flipped byte in the middle of a log', () => {
  for (const where of ['body', 'length'] as const) {
    it(`skips only the damaged record (flip in its ${where}), keeps a copy, and the lost edit comes back from a client`, async () => {
      const data = tempDataDir()
      cleanups.push(() => data.remove())
      const { cookie, w, logFile, records } = await roomWithTwoWriters(data.dir)
      const original = await fs.readFile(logFile)
      const offsets = recordOffsets(original)
      // The last ten records are w1…w5, x1…x5: damage w5's.
      const w5 = offsets[offsets.length - 6]
      const damaged = Buffer.from(original)
      if (where === 'body') damaged[w5 + HEADER + 2] ^= 0x20
      else damaged[w5 + 1] ^= 0x01
      await fs.writeFile(logFile, damaged)

      // What storage gives back: every record but the damaged one; the file is not cut.
      const warnings: string[] = []
      const reader = new FileDocStore(data.dir, { log: (m) => warnings.push(m) })
      const loaded = await reader.load('acme')
      await reader.close()
      expect(decodeLog(damaged).records.length).toBe(offsets.length - 1)
      expect(loaded.length).toBeGreaterThanOrEqual(offsets.length - 1)
      expect(warnings.join('\n')).toMatch(/skipped a corrupt record in log-\d+ \(\d+ bytes at offset \d+\)/)
      expect((await fs.stat(logFile)).size).toBe(damaged.length)
      // The damaged file as found is kept in quarantine, byte for byte.
      const qdir = path.join(data.dir, 'rooms', 'acme', 'quarantine')
      const kept = await fs.readdir(qdir)
      expect(kept.length).toBe(1)
      expect((await fs.readFile(path.join(qdir, kept[0]))).equals(damaged)).toBe(true)

      // The server loads the room: x1…x5 wait as pending structs (they follow the lost w5).
      let server = await startTestServer({ dataDir: data.dir, compactLogBytes: 1 })
      cleanups.push(() => server.close())
      const bystander = connectClient(wsUrl(server), 'acme', new Y.Doc(), { cookie })
      await whenSynced(bystander.provider)
      expect(bystander.doc.getArray('a').toArray()).toEqual(['w1', 'w2', 'w3', 'w4'])
      expect(server.rooms.peek('acme')!.doc.store.pendingStructs).not.toBeNull()
      // Someone edits, the room unloads and compacts, the server restarts: the pending records
      // must survive all of it (the damaged log is deleted by the compaction; its copy stays).
      bystander.doc.getMap('m').set('note', 'edited while w5 was missing')
      await soon(() => expect(server.rooms.peek('acme')?.doc.getMap('m').get('note')).toBeTruthy())
      bystander.destroy()
      await soon(() => expect(server.rooms.peek('acme')).toBeNull())
      await server.close()
      expect(await fs.readdir(qdir)).toEqual(kept)
      server = await startTestServer({ dataDir: data.dir })
      cleanups.push(() => server.close())

      // W still has w5 (X, who wrote x1…x5, is gone for good): it reconnects and fills the gap.
      const writer = connectClient(wsUrl(server), 'acme', w, { cookie })
      cleanups.push(() => writer.destroy())
      await whenSynced(writer.provider)
      await soon(() => expect(server.rooms.peek('acme')!.doc.getArray('a').toArray()).toEqual(records))
      expect(server.rooms.peek('acme')!.doc.store.pendingStructs).toBeNull()
      writer.destroy()
      await server.close()
      expect(await storedValues(data.dir, 'acme')).toEqual(records)
    })
  }
})

describe('a torn tail', () => {
  it('is cut (after a copy is kept), and records appended afterwards are read on the next load', async () => {
    const data = tempDataDir()
    cleanups.push(() => data.remove())
    const store = new FileDocStore(data.dir, { log: () => {} })
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => store.append('r', u))
    for (let i = 0; i < 5; i++) doc.getArray<number>('a').push([i])
    await store.close()
    const file = path.join(data.dir, 'rooms', 'r', 'log-0000000000')
    const whole = await fs.readFile(file)
    // A crash mid-write: the last record's header and half its body reached the disk.
    const offsets = recordOffsets(whole)
    const torn = whole.subarray(0, offsets[4] + HEADER + 3)
    await fs.writeFile(file, torn)

    const warnings: string[] = []
    const again = new FileDocStore(data.dir, { log: (m) => warnings.push(m) })
    const replay = new Y.Doc()
    for (const u of await again.load('r')) Y.applyUpdate(replay, u)
    expect(replay.getArray('a').toArray()).toEqual([0, 1, 2, 3])
    expect(warnings.join('\n')).toMatch(/cut a torn log tail in log-0000000000 \(11 bytes after offset \d+\)/)
    expect((await fs.stat(file)).size).toBe(offsets[4])
    const qdir = path.join(data.dir, 'rooms', 'r', 'quarantine')
    const kept = await fs.readdir(qdir)
    expect((await fs.readFile(path.join(qdir, kept[0]))).equals(torn)).toBe(true)
    // New records go after the last good one, not behind the torn bytes.
    replay.on('update', (u: Uint8Array) => again.append('r', u))
    replay.getArray<number>('a').push([40, 41])
    await again.close()
    const third = new FileDocStore(data.dir, { log: () => {} })
    const final = new Y.Doc()
    for (const u of await third.load('r')) Y.applyUpdate(final, u)
    expect(final.getArray('a').toArray()).toEqual([0, 1, 2, 3, 40, 41])
    await third.close()
  })
})
