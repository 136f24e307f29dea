/**
 * The update log's durability without a separate fsync call: the log is opened O_DSYNC, so a
 * flush that resolved has its records on disk. A power cut is modelled by {@link PowerCutFs}
 * (content counts only as of its last fsync or durable write, names as of their directory's
 * fsync): everything a flush reported durable is read back, in order.
 */
import { afterEach, expect, it } from 'vitest'
import * as Y from 'yjs'
import { FileDocStore } from '../../server/storage/FileDocStore.ts'
import { tempDataDir } from '../helpers/server.ts'
import { PowerCutFs } from './powerCutFs.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

it('every update a flush reported durable survives a power cut, in order, over several flush windows', async () => {
  const data = tempDataDir()
  cleanups.push(() => data.remove())
  const disk = new PowerCutFs()
  const store = new FileDocStore(data.dir, { fs: disk, flushIntervalMs: 5, log: () => {} })
  cleanups.push(() => store.close())
  await store.load('acme')
  const doc = new Y.Doc()
  doc.on('update', (u: Uint8Array) => store.append('acme', u))
  for (let w = 0; w < 5; w++) {
    for (let i = 0; i < 4; i++) doc.getArray<string>('a').push([`w${w}-${i}`])
    await store.flush('acme')
  }

  // The power goes now: only what is durable remains.
  const after = tempDataDir()
  cleanups.push(() => after.remove())
  await disk.survivors(data.dir, after.dir)
  const reread = new FileDocStore(after.dir, { log: () => {} })
  cleanups.push(() => reread.close())
  const back = new Y.Doc()
  for (const u of await reread.load('acme')) Y.applyUpdate(back, u)
  expect(back.getArray('a').toArray()).toEqual(doc.getArray('a').toArray())
  expect(back.getArray('a').length).toBe(20)
})
