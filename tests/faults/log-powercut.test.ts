/**
 * The update log's durability without a separate fsync call: the log is opened O_DSYNC, so a
 * flush that resolved has its records on disk. A power cut is modelled by {@link PowerCutFs}
 * (content counts only as of its last fsync or durable write, names as of their directory's
 * fsync): everything a flush reported durable is read back, in order.
 */
import * as Y from 'yjs'
import { FileDocStore } from '../../server/storage/FileDocStore.ts'
import { expect, test as it } from '../helpers/fixtures.ts'
import { PowerCutFs } from './powerCutFs.ts'

it('every update a flush reported durable survives a power cut, in order, over several flush windows', async ({
  dataDir,
  newDataDir,
  cleanup,
}) => {
  const disk = new PowerCutFs()
  const store = new FileDocStore(dataDir, { fs: disk, flushIntervalMs: 5, log: () => {} })
  cleanup(() => store.close())
  await store.load('acme')
  const doc = new Y.Doc()
  doc.on('update', (u: Uint8Array) => store.append('acme', u))
  for (let w = 0; w < 5; w++) {
    for (let i = 0; i < 4; i++) doc.getArray<string>('a').push([`w${w}-${i}`])
    await store.flush('acme')
  }

  // The power goes now: only what is durable remains.
  const after = newDataDir()
  await disk.survivors(dataDir, after)
  const reread = new FileDocStore(after, { log: () => {} })
  cleanup(() => reread.close())
  const back = new Y.Doc()
  for (const u of await reread.load('acme')) Y.applyUpdate(back, u)
  expect(back.getArray('a').toArray()).toEqual(doc.getArray('a').toArray())
  expect(back.getArray('a').length).toBe(20)
})
