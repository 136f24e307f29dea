/**
 * Document store benchmark: PgDocStore (PostgreSQL, fsync on) against the embedded FileDocStore
 * (the reference, fsync on the same disk), in one run.
 *
 *   flock /work/wt/bench.lock npx tsx bench/pgstore.ts [rounds]
 *
 * - single: one room, one ~100-byte update, then flush(): accepted → durable for a lone edit.
 * - burst: 20 rooms × 25 updates appended at once, then flush() of all: one group commit.
 * - steady: 20 rooms, an update every 2 ms in turn (500 updates/s) for 3 s, each followed by
 *   flush(room): time from append until it is durable (PostgreSQL: updates queued while a commit
 *   runs go into the next one; file: one write + fsync per room and flush).
 * - load: a room of 2,000 updates (snapshot + log) read back.
 * - compact: the same room compacted.
 * Medians (and p95 for steady) over the rounds; the ratio is PostgreSQL / file.
 */
import os from 'node:os'
import * as Y from 'yjs'
import { migrate } from '../server/pg/migrate.ts'
import { PgDocStore } from '../server/pg/PgDocStore.ts'
import { createPool } from '../server/pg/pool.ts'
import type { DocStore } from '../server/storage/DocStore.ts'
import { FileDocStore } from '../server/storage/FileDocStore.ts'
import { startPostgres } from '../tests/helpers/engines.ts'
import { tempDataDir } from '../tests/helpers/server.ts'

const rounds = Number(process.argv[2] ?? 5)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]

function updates(n: number, seed = 1): Uint8Array[] {
  const doc = new Y.Doc()
  doc.clientID = seed
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  const records = doc.getMap<Record<string, unknown>>('records')
  for (let i = 0; i < n; i++) records.set(`shape:${i % 200}`, { x: i, y: i * 2, text: `card ${i}` })
  return out
}

async function measure(open: () => Promise<{ store: DocStore; close(): Promise<void> }>) {
  const result: Record<string, number[]> = { single: [], burst: [], steady: [], steadyP95: [], load: [], compact: [] }
  for (let r = 0; r < rounds; r++) {
    const { store, close } = await open()
    const room = (i: number) => `r${r}-${i}`
    for (let i = 0; i < 20; i++) await store.load(room(i))
    // single
    const singles: number[] = []
    for (const u of updates(20, 7)) {
      const t = performance.now()
      store.append(room(0), u)
      await store.flush(room(0))
      singles.push(performance.now() - t)
    }
    result.single.push(median(singles))
    // burst
    const burst = Array.from({ length: 20 }, (_, i) => updates(25, 100 + i))
    let t = performance.now()
    for (let i = 0; i < 20; i++) for (const u of burst[i]) store.append(room(i), u)
    await store.flush()
    result.burst.push(performance.now() - t)
    // steady: per update, append → durable
    const stream = Array.from({ length: 20 }, (_, i) => updates(80, 200 + i))
    const lat: number[] = []
    await new Promise<void>((resolve) => {
      let k = 0
      const timer = setInterval(() => {
        if (k >= 1500) {
          clearInterval(timer)
          setTimeout(resolve, 300)
          return
        }
        const i = k % 20
        const u = stream[i][Math.floor(k / 20)]
        k++
        const at = performance.now()
        store.append(room(i), u)
        void store.flush(room(i)).then(() => lat.push(performance.now() - at))
      }, 2)
    })
    result.steady.push(median(lat))
    result.steadyP95.push(p95(lat))
    // load + compact of a big room
    const big = updates(2000, 999)
    for (const u of big) store.append('big', u)
    await store.flush('big')
    await store.release('big')
    t = performance.now()
    const loaded = await store.load('big')
    result.load.push(performance.now() - t)
    if (loaded.length < 2) throw new Error('nothing loaded')
    t = performance.now()
    await store.compact('big', () => {
      const d = new Y.Doc()
      for (const u of loaded) Y.applyUpdate(d, u)
      return Y.encodeStateAsUpdate(d)
    })
    result.compact.push(performance.now() - t)
    await close()
  }
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, median(v)])) as Record<string, number>
}

const pg = await startPostgres({ fsync: true })
try {
  let n = 0
  const file = await measure(async () => {
    const dir = tempDataDir('bench-docstore-')
    const store = new FileDocStore(dir.dir, { log: () => {} })
    return {
      store,
      close: async () => {
        await store.close()
        dir.remove()
      },
    }
  })
  const postgres = await measure(async () => {
    const url = await pg.createDatabase(`bench_${++n}`)
    const pool = createPool(url)
    await migrate(pool)
    const store = new PgDocStore(pool, { log: () => {} })
    return {
      store,
      close: async () => {
        await store.close()
        await pool.end()
      },
    }
  })
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ${rounds} rounds; medians in ms`,
  )
  console.log('case        file      postgres  ratio')
  for (const k of Object.keys(file)) {
    console.log(
      `${k.padEnd(10)} ${file[k].toFixed(2).padStart(8)}  ${postgres[k].toFixed(2).padStart(8)}  ${(postgres[k] / file[k]).toFixed(2)}x`,
    )
  }
} finally {
  await pg.destroy()
}
