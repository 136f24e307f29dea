/**
 * The DocStore contract, run on both implementations: the embedded FileDocStore and the
 * PostgreSQL PgDocStore (real PostgreSQL from tests/helpers/engines.ts). Cases that need several
 * stores on one shared back end (nodes) run on PostgreSQL only.
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { migrate } from '../../server/pg/migrate.ts'
import { PgDocStore } from '../../server/pg/PgDocStore.ts'
import { createPool, type Pool } from '../../server/pg/pool.ts'
import { type DocStore, isStorageFailure } from '../../server/storage/DocStore.ts'
import { FileDocStore } from '../../server/storage/FileDocStore.ts'
import { FaultFs } from '../faults/faultFs.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { tempDataDir } from '../helpers/server.ts'

const engines = fileEngines()

interface StoreOptions {
  inlineCompactBytes?: number
}

/** One back end (a data directory, a database) on which stores can be opened. */
interface Backing {
  open(options?: StoreOptions): DocStore
  /** Makes writes fail until {@link heal}. */
  breakWrites(): Promise<void>
  heal(): Promise<void>
  cleanup(): Promise<void>
}

interface Impl {
  name: string
  /** Several stores (nodes) may write one back end at once. */
  shared: boolean
  backing(failure?: 'stopped' | 'read-only'): Promise<Backing>
}

const file: Impl = {
  name: 'FileDocStore',
  shared: false,
  async backing() {
    const dir = tempDataDir()
    const fs = new FaultFs()
    const stores: DocStore[] = []
    return {
      open(options = {}) {
        const s = new FileDocStore(dir.dir, { flushIntervalMs: 5, log: () => {}, fs, probeBytes: 1024, ...options })
        stores.push(s)
        return s
      },
      async breakWrites() {
        fs.fail('ENOSPC', ['append', 'datasync', 'write'])
      },
      async heal() {
        fs.heal()
      },
      async cleanup() {
        await Promise.all(stores.map((s) => s.close().catch(() => {})))
        dir.remove()
      },
    }
  },
}

const postgresImpl: Impl = {
  name: 'PgDocStore',
  shared: true,
  async backing(failure = 'read-only') {
    const url = await engines.database('docs')
    const name = url.slice(url.lastIndexOf('/') + 1)
    const pools: Pool[] = []
    const stores: DocStore[] = []
    const first = createPool(url, { onError: () => {} })
    pools.push(first)
    await migrate(first)
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') })
      await c.connect()
      try {
        await c.query(sql)
        // Sessions keep the setting they started with: end them, the pools open new ones.
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`)
      } finally {
        await c.end()
      }
    }
    return {
      open(options = {}) {
        // Each store on a pool of its own, as on separate nodes.
        const pool = pools.length === 1 && stores.length === 0 ? first : createPool(url, { onError: () => {} })
        if (pool !== first) pools.push(pool)
        const s = new PgDocStore(pool, { flushIntervalMs: 5, log: () => {}, ...options })
        stores.push(s)
        return s
      },
      async breakWrites() {
        if (failure === 'stopped') await engines.pg.stop()
        else await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = on`)
      },
      async heal() {
        if (failure === 'stopped') await engines.pg.start()
        else await admin(`ALTER DATABASE ${name} SET default_transaction_read_only = off`)
      },
      async cleanup() {
        await Promise.all(stores.map((s) => s.close().catch(() => {})))
        await Promise.all(pools.map((p) => p.end().catch(() => {})))
      },
    }
  },
}

/** A seeded random number generator (mulberry32), so a failing run can be replayed. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A random edit of the kind a canvas makes: records set, overwritten and deleted, text typed. */
function randomEdit(doc: Y.Doc, rnd: () => number) {
  const records = doc.getMap<Record<string, unknown>>('records')
  const r = rnd()
  const key = `shape:${Math.floor(rnd() * 20)}`
  if (r < 0.6) records.set(key, { x: Math.floor(rnd() * 1000), y: Math.floor(rnd() * 1000), by: doc.clientID })
  else if (r < 0.75) records.delete(key)
  else {
    const text = doc.getText('notes')
    if (rnd() < 0.7 || text.length === 0)
      text.insert(Math.floor(rnd() * (text.length + 1)), 'abc'.slice(0, 1 + Math.floor(rnd() * 3)))
    else text.delete(Math.floor(rnd() * text.length), 1)
  }
}

function docOf(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

/** What a document holds, comparable with toEqual. */
function contentOf(doc: Y.Doc) {
  return { records: doc.getMap('records').toJSON(), notes: doc.getText('notes').toString() }
}

/** A document whose every update goes into `store`. */
function editedDoc(store: DocStore, room: string) {
  const doc = new Y.Doc()
  doc.on('update', (u: Uint8Array) => store.append(room, u))
  return doc
}

for (const impl of [file, postgresImpl]) {
  describe(`DocStore contract: ${impl.name}`, () => {
    it('appended updates are durable after flush and load back in a new store', async () => {
      const b = await impl.backing()
      try {
        const s = b.open()
        expect(await s.load('r1')).toEqual([])
        const doc = editedDoc(s, 'r1')
        const rnd = random(1)
        for (let i = 0; i < 200; i++) randomEdit(doc, rnd)
        await s.flush('r1')
        expect(s.pendingLogBytes('r1')).toBeGreaterThan(0)
        const other = b.open()
        expect(contentOf(docOf(await other.load('r1')))).toEqual(contentOf(doc))
        // Rooms are separate.
        expect(await other.load('r2')).toEqual([])
      } finally {
        await b.cleanup()
      }
    })

    it('appending the same update again changes nothing', async () => {
      const b = await impl.backing()
      try {
        const s = b.open()
        await s.load('r')
        const doc = new Y.Doc()
        const updates: Uint8Array[] = []
        doc.on('update', (u: Uint8Array) => updates.push(u))
        doc.getArray<number>('a').push([1, 2, 3])
        doc.getArray<number>('a').delete(0, 1)
        for (const u of [...updates, ...updates, updates[0]]) s.append('r', u)
        await s.flush('r')
        s.append('r', updates[1])
        await s.flush()
        const loaded = await b.open().load('r')
        expect(docOf(loaded).getArray('a').toArray()).toEqual([2, 3])
        // PostgreSQL stores each distinct update once (the digest); the file log keeps the copies.
        if (impl.shared) expect(loaded.length).toBe(2)
      } finally {
        await b.cleanup()
      }
    })

    it("a batch of updates loads with each client's updates in order (none left waiting for a dependency)", async () => {
      const b = await impl.backing()
      try {
        const s = b.open()
        await s.load('r')
        const [d1, d2] = [editedDoc(s, 'r'), editedDoc(s, 'r')]
        d1.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(d2, u, 'remote'))
        d2.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(d1, u, 'remote'))
        const rnd = random(7)
        // All in one flush window: one batch.
        for (let i = 0; i < 300; i++) randomEdit(rnd() < 0.5 ? d1 : d2, rnd)
        await s.flush('r')
        const loaded = await b.open().load('r')
        const doc = new Y.Doc()
        let waiting = 0
        for (const u of loaded) {
          Y.applyUpdate(doc, u)
          if (doc.store.pendingStructs) waiting++
        }
        expect(contentOf(doc)).toEqual(contentOf(d1))
        // Out of order, most updates would wait as pending ones (and each later one retries them).
        expect(waiting).toBeLessThan(loaded.length / 10)
      } finally {
        await b.cleanup()
      }
    })

    for (const where of ['on the event loop', 'in the worker thread'] as const) {
      it(`compaction (${where}) keeps the document, and updates appended meanwhile`, async () => {
        const b = await impl.backing()
        try {
          const s = b.open({ inlineCompactBytes: where === 'in the worker thread' ? 0 : 1 << 30 })
          await s.load('r')
          const doc = editedDoc(s, 'r')
          const rnd = random(2)
          for (let i = 0; i < 300; i++) randomEdit(doc, rnd)
          const before = s.pendingLogBytes('r')
          const compaction = s.compact('r', () => Y.encodeStateAsUpdate(doc))
          for (let i = 0; i < 50; i++) randomEdit(doc, rnd)
          await compaction
          await s.flush('r')
          expect(s.pendingLogBytes('r')).toBeLessThan(before)
          const loaded = await b.open().load('r')
          expect(contentOf(docOf(loaded))).toEqual(contentOf(doc))
          // A second compaction with nothing new in between still leaves the document whole.
          await s.compact('r', () => Y.encodeStateAsUpdate(doc))
          await s.compact('r', () => Y.encodeStateAsUpdate(doc))
          const again = await b.open().load('r')
          expect(contentOf(docOf(again))).toEqual(contentOf(doc))
          expect(again.length).toBe(1)
          // Overwritten and deleted records are garbage-collected, not carried along (Y.mergeUpdates would).
          expect(again[0].length).toBeLessThan(before / 2)
        } finally {
          await b.cleanup()
        }
      })
    }

    it('remove deletes everything stored for the room, and only that room', async () => {
      const b = await impl.backing()
      try {
        const s = b.open()
        const docs = new Map<string, Y.Doc>()
        for (const room of ['gone', 'kept']) {
          await s.load(room)
          const doc = editedDoc(s, room)
          doc.getArray('a').push([room])
          docs.set(room, doc)
        }
        const gone = docs.get('gone')!
        await s.compact('gone', () => Y.encodeStateAsUpdate(gone))
        gone.getArray('b').push(['late'])
        await s.flush()
        await s.release('gone')
        await s.remove('gone')
        const other = b.open()
        expect(await other.load('gone')).toEqual([])
        expect(
          docOf(await other.load('kept'))
            .getArray('a')
            .toArray(),
        ).toEqual(['kept'])
      } finally {
        await b.cleanup()
      }
    })

    const failures = impl.shared ? (['read-only', 'stopped'] as const) : (['disk full'] as const)
    for (const failure of failures) {
      it(`a refused write (${failure}) is reported, flush rejects, and checkWritable says when it works again`, async () => {
        const b = await impl.backing(failure === 'disk full' ? undefined : failure)
        try {
          const s = b.open()
          const failed: [string, Error][] = []
          s.onFailure?.((room, error) => failed.push([room, error]))
          await s.load('r')
          const doc = editedDoc(s, 'r')
          doc.getArray<string>('a').push(['saved'])
          await s.flush('r')

          await b.breakWrites()
          doc.getArray<string>('a').push(['refused'])
          await expect(s.flush('r')).rejects.toSatisfy(isStorageFailure)
          expect(failed.map(([room]) => room)).toEqual(['r'])
          expect(isStorageFailure(failed[0][1])).toBe(true)
          // The room takes nothing more until it is loaded again (nothing written behind a gap).
          doc.getArray<string>('a').push(['after'])
          await expect(s.flush('r')).rejects.toSatisfy(isStorageFailure)
          await expect(s.checkWritable!('r')).rejects.toSatisfy(isStorageFailure)

          await b.heal()
          await expect
            .poll(
              () =>
                s.checkWritable!('r').then(
                  () => true,
                  () => false,
                ),
              { timeout: 10_000 },
            )
            .toBe(true)
          // As RoomManager does: release, load again; the clients' resend fills in what failed.
          await s.release('r')
          const stored = docOf(await s.load('r'))
          expect(stored.getArray('a').toArray()).toEqual(['saved'])
          s.append('r', Y.encodeStateAsUpdate(doc, Y.encodeStateVector(stored)))
          await s.flush('r')
          expect(
            docOf(await b.open().load('r'))
              .getArray('a')
              .toArray(),
          ).toEqual(['saved', 'refused', 'after'])
        } finally {
          await b.heal().catch(() => {})
          await b.cleanup()
        }
      })
    }

    it.skipIf(!impl.shared)('two stores appending to one room converge, each persisting what it saw', async () => {
      const b = await impl.backing()
      try {
        const [s1, s2] = [b.open(), b.open()]
        await Promise.all([s1.load('r'), s2.load('r')])
        const [d1, d2] = [editedDoc(s1, 'r'), editedDoc(s2, 'r')]
        // Each node relays what it accepts to the other, which persists it too (as fan-out does).
        d1.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(d2, u, 'remote'))
        d2.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(d1, u, 'remote'))
        const rnd = random(3)
        for (let i = 0; i < 300; i++) randomEdit(rnd() < 0.5 ? d1 : d2, rnd)
        await Promise.all([s1.flush(), s2.flush()])
        expect(contentOf(d1)).toEqual(contentOf(d2))
        const loaded = await b.open().load('r')
        expect(contentOf(docOf(loaded))).toEqual(contentOf(d1))
        // The relayed copies were the same bytes: stored once.
        const ownUpdates = new Set<string>()
        for (const u of loaded) ownUpdates.add(Buffer.from(u).toString('hex'))
        expect(ownUpdates.size).toBe(loaded.length)
        expect(loaded.length).toBeLessThanOrEqual(300)
      } finally {
        await b.cleanup()
      }
    })

    it.skipIf(!impl.shared)(
      'two stores writing the same updates in opposite orders at once do not deadlock',
      async () => {
        const b = await impl.backing()
        try {
          const [s1, s2] = [b.open(), b.open()]
          const failures: Error[] = []
          for (const s of [s1, s2]) s.onFailure?.((_room, e) => failures.push(e))
          const doc = new Y.Doc()
          const updates: Uint8Array[] = []
          doc.on('update', (u: Uint8Array) => updates.push(u))
          const rnd = random(6)
          for (let round = 0; round < 20; round++) {
            updates.length = 0
            for (let i = 0; i < 100; i++) randomEdit(doc, rnd)
            for (const u of updates) s1.append('r', u)
            for (const u of [...updates].reverse()) s2.append('r', u)
            await Promise.all([s1.flush('r'), s2.flush('r')])
          }
          expect(failures).toEqual([])
          expect(contentOf(docOf(await b.open().load('r')))).toEqual(contentOf(doc))
        } finally {
          await b.cleanup()
        }
      },
    )

    it.skipIf(!impl.shared)('two stores compacting one room at once lose nothing (seeded random edits)', async () => {
      const b = await impl.backing()
      try {
        const [s1, s2] = [b.open({ inlineCompactBytes: 4096 }), b.open({ inlineCompactBytes: 4096 })]
        await Promise.all([s1.load('r'), s2.load('r')])
        const [d1, d2] = [editedDoc(s1, 'r'), editedDoc(s2, 'r')]
        // Fan-out with a lag: d2 sees d1's edits only every few rounds (and vice versa), so a
        // compaction on one node runs over rows the other node's document does not have yet.
        const toD2: Uint8Array[] = []
        const toD1: Uint8Array[] = []
        d1.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && toD2.push(u))
        d2.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && toD1.push(u))
        const rnd = random(4)
        const compactions: Promise<unknown>[] = []
        for (let round = 0; round < 40; round++) {
          for (let i = 0; i < 15; i++) randomEdit(rnd() < 0.5 ? d1 : d2, rnd)
          if (round % 3 === 2) {
            for (const u of toD2.splice(0)) Y.applyUpdate(d2, u, 'remote')
            for (const u of toD1.splice(0)) Y.applyUpdate(d1, u, 'remote')
          }
          compactions.push(
            s1.compact('r', () => Y.encodeStateAsUpdate(d1)),
            s2.compact('r', () => Y.encodeStateAsUpdate(d2)),
          )
          // Let some batches commit between compactions.
          if (round % 4 === 0) await new Promise((r) => setTimeout(r, 7))
        }
        await Promise.all(compactions)
        for (const u of toD2.splice(0)) Y.applyUpdate(d2, u, 'remote')
        for (const u of toD1.splice(0)) Y.applyUpdate(d1, u, 'remote')
        await Promise.all([s1.flush(), s2.flush()])
        await Promise.all([
          s1.compact('r', () => Y.encodeStateAsUpdate(d1)),
          s2.compact('r', () => Y.encodeStateAsUpdate(d2)),
        ])
        expect(contentOf(d1)).toEqual(contentOf(d2))
        const loaded = docOf(await b.open().load('r'))
        expect(contentOf(loaded)).toEqual(contentOf(d1))
        // Nothing missing either: the state vectors agree.
        expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(d1))
      } finally {
        await b.cleanup()
      }
    })

    it.skipIf(!impl.shared)("a load racing another store's compaction still sees every edit", async () => {
      const b = await impl.backing()
      try {
        const [writer, reader] = [b.open(), b.open()]
        await writer.load('r')
        const doc = editedDoc(writer, 'r')
        const rnd = random(5)
        for (let round = 0; round < 15; round++) {
          for (let i = 0; i < 40; i++) randomEdit(doc, rnd)
          await writer.flush('r')
          const expected = contentOf(doc)
          const [loaded] = await Promise.all([reader.load('r'), writer.compact('r', () => Y.encodeStateAsUpdate(doc))])
          expect(contentOf(docOf(loaded))).toEqual(expected)
        }
      } finally {
        await b.cleanup()
      }
    })
  })
}
