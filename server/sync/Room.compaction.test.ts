/**
 * A room's compaction (issue 12, the big-room gap): the room hands its state to the store
 * lazily, so FileDocStore can rebuild a big room's snapshot from disk in its worker and the
 * event loop never encodes the state; the document size cap stays exact all the same (the store
 * reports the size of the state it stored).
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { tempDataDir } from '../../tests/helpers/server.ts'
import { FileDocStore } from '../storage/FileDocStore.ts'
import { Room } from './Room.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

function setup(inlineCompactBytes: number) {
  const d = tempDataDir()
  const store = new FileDocStore(d.dir, { flushIntervalMs: 5, log: () => {}, inlineCompactBytes })
  cleanups.push(
    () => d.remove(),
    () => store.close(),
  )
  /** What each compaction was given: the state itself, a function never called, or a function called. */
  const handed: ('bytes' | 'lazy' | 'asked')[] = []
  const compact = store.compact.bind(store)
  store.compact = (room, state) => {
    if (typeof state !== 'function') {
      handed.push('bytes')
      return compact(room, state)
    }
    const i = handed.push('lazy') - 1
    return compact(room, () => {
      handed[i] = 'asked'
      return state()
    })
  }
  return { store, handed, dir: d.dir }
}

async function fill(room: Room, n: number) {
  const map = room.doc.getMap('records')
  for (let i = 0; i < n; i++) map.set(`shape:${i}`, { id: `shape:${i}`, text: 'x'.repeat(200), i })
}

describe('Room compaction', () => {
  // The compaction worker's first start loads its code (through tsx in tests): seconds on a loaded machine.
  it('leaves a big room’s state to the store’s worker and keeps the size cap exact', { timeout: 60_000 }, async () => {
    const { store, handed, dir } = setup(0)
    const room = await Room.load('big', store, { compactLogBytes: Number.MAX_SAFE_INTEGER, log: () => {} })
    cleanups.push(() => room.destroy())
    await fill(room, 300)
    await store.flush('big')
    await room.compact()
    expect(handed).toEqual(['lazy'])
    // The estimate is the stored state's size again, not the sum of every update since load.
    const exact = Y.encodeStateAsUpdate(room.doc).length
    expect(room.docSizeEstimate).toBe(exact)
    // Updates after the capture are counted on top.
    room.doc.getMap('records').set('late', 'y'.repeat(1000))
    expect(room.docSizeEstimate).toBeGreaterThan(exact + 1000)

    const reread = new FileDocStore(dir)
    cleanups.push(() => reread.close())
    const doc = new Y.Doc()
    await store.flush('big')
    for (const u of await reread.load('big')) Y.applyUpdate(doc, u)
    expect(doc.getMap('records').size).toBe(301)
  })

  it('encodes a small room inline, and the estimate is exact after that too', async () => {
    const { store, handed } = setup(1024 * 1024)
    const room = await Room.load('small', store, { compactLogBytes: Number.MAX_SAFE_INTEGER, log: () => {} })
    cleanups.push(() => room.destroy())
    await fill(room, 20)
    // Overwrite everything: the sum of updates now overstates the document.
    await fill(room, 20)
    const before = room.docSizeEstimate
    await room.compact()
    expect(handed).toEqual(['asked'])
    expect(room.docSizeEstimate).toBe(Y.encodeStateAsUpdate(room.doc).length)
    expect(room.docSizeEstimate).toBeLessThan(before)
  })
})
