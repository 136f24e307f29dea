import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { tempDataDir } from '../../tests/helpers/server.ts'
import { RoomDataError } from './DocStore.ts'
import { decodeLog, FileDocStore } from './FileDocStore.ts'

const dirs: { remove(): void }[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove()
})

function store() {
  const d = tempDataDir()
  dirs.push(d)
  return { dir: d.dir, store: new FileDocStore(d.dir, { flushIntervalMs: 5, log: () => {} }) }
}

function replay(updates: Uint8Array[]) {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getArray<number>('a').toArray()
}

describe('FileDocStore', () => {
  it('flush resolves only once the appended records are on disk', async () => {
    const { dir, store: s } = store()
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => s.append('r', u))
    doc.getArray('a').push([1])
    const update = Y.encodeStateAsUpdate(doc)
    s.append('r', update)
    await s.flush('r')
    const files = await fs.readdir(path.join(dir, 'rooms', 'r'))
    const log = await fs.readFile(path.join(dir, 'rooms', 'r', files.find((f) => f.startsWith('log-'))!))
    expect(decodeLog(log).records.length).toBe(2)
    await s.close()
  })

  it('keeps updates that arrive while a compaction is being written', async () => {
    const { dir, store: s } = store()
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => s.append('r', u))
    for (let i = 0; i < 50; i++) doc.getArray('a').push([i])
    // Capture, compact, and keep writing before the compaction finishes.
    const compaction = s.compact('r', Y.encodeStateAsUpdate(doc))
    for (let i = 50; i < 100; i++) doc.getArray('a').push([i])
    await compaction
    await s.flush('r')
    await s.close()
    const reread = new FileDocStore(dir)
    expect(replay(await reread.load('r'))).toEqual(Array.from({ length: 100 }, (_, i) => i))
    // The first generation's log is gone; the second holds the late updates.
    const logs = (await fs.readdir(path.join(dir, 'rooms', 'r'))).filter((f) => f.startsWith('log-'))
    expect(logs).toEqual(['log-0000000001'])
  })

  it('refuses a room whose snapshot fails its checksum', async () => {
    const { dir, store: s } = store()
    const doc = new Y.Doc()
    doc.getArray('a').push([1, 2, 3])
    await s.compact('r', Y.encodeStateAsUpdate(doc))
    const file = path.join(dir, 'rooms', 'r', 'snapshot')
    const bytes = await fs.readFile(file)
    bytes[bytes.length - 1] ^= 0xff
    await fs.writeFile(file, bytes)
    await expect(new FileDocStore(dir).load('r')).rejects.toBeInstanceOf(RoomDataError)
    await s.close()
  })

  it('cuts a damaged last record (a torn tail) off the log', async () => {
    const { dir, store: s } = store()
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => s.append('r', u))
    for (let i = 0; i < 3; i++) doc.getArray('a').push([i])
    await s.flush('r')
    await s.close()
    const file = path.join(dir, 'rooms', 'r', 'log-0000000000')
    const bytes = await fs.readFile(file)
    const { validBytes } = decodeLog(bytes)
    expect(validBytes).toBe(bytes.length)
    bytes[bytes.length - 2] ^= 0xff
    await fs.writeFile(file, bytes)
    const warnings: string[] = []
    const reread = new FileDocStore(dir, { log: (m) => warnings.push(m) })
    expect(replay(await reread.load('r'))).toEqual([0, 1])
    expect(warnings[0]).toMatch(/torn log tail/)
    expect((await fs.stat(file)).size).toBeLessThan(bytes.length)
  })
})

describe('compaction of a big room', () => {
  // The worker's first start (it loads its code through tsx) takes seconds on a loaded machine.
  it('is rebuilt from disk in the compaction worker, without asking the event loop for the state', {
    timeout: 60_000,
  }, async () => {
    const d = tempDataDir()
    dirs.push(d)
    const s = new FileDocStore(d.dir, { flushIntervalMs: 5, log: () => {}, inlineCompactBytes: 0 })
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => s.append('r', u))
    for (let i = 0; i < 50; i++) doc.getArray('a').push([i])
    await s.compact('r', Y.encodeStateAsUpdate(doc))
    for (let i = 50; i < 100; i++) doc.getArray('a').push([i])
    let asked = false
    await s.compact('r', () => {
      asked = true
      return new Uint8Array()
    })
    expect(asked).toBe(false)
    for (let i = 100; i < 110; i++) doc.getArray('a').push([i])
    await s.close()
    const reread = new FileDocStore(d.dir)
    expect(replay(await reread.load('r'))).toEqual(Array.from({ length: 110 }, (_, i) => i))
    const logs = (await fs.readdir(path.join(d.dir, 'rooms', 'r'))).filter((f) => f.startsWith('log-'))
    expect(logs).toEqual(['log-0000000002'])
    await reread.close()
  })
})

describe('compaction of a small room with a long log of overwrites', () => {
  // A tldraw record is rewritten whole on every change: 20 records edited 700 times make a log
  // far over the inline limit for a document of a few KiB. Replaying that log in the worker cost
  // a quarter of the server's core in the 20-client benchmark; encoding the small state is cheap.
  // Seconds of CPU on a loaded machine (the whole unit layer at load 16 took it past 5 s once).
  it('is encoded on the event loop (the state is asked for), and stays readable', { timeout: 30_000 }, async () => {
    const d = tempDataDir()
    dirs.push(d)
    const s = new FileDocStore(d.dir, { flushIntervalMs: 5, log: () => {}, inlineCompactBytes: 64 * 1024 })
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => s.append('r', u))
    const map = doc.getMap('records')
    for (let w = 0; w < 700; w++) map.set(`shape:${w % 20}`, { w, text: 'x'.repeat(100) })
    await s.flush('r')
    expect(s.pendingLogBytes('r')).toBeGreaterThan(64 * 1024)
    let asked = false
    await s.compact('r', () => {
      asked = true
      return Y.encodeStateAsUpdate(doc)
    })
    expect(asked).toBe(true)
    await s.close()
    const reread = new FileDocStore(d.dir)
    const copy = new Y.Doc()
    for (const u of await reread.load('r')) Y.applyUpdate(copy, u)
    expect(copy.getMap('records').toJSON()).toEqual(map.toJSON())
    await reread.close()
  })
})
