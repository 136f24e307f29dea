/**
 * Sync benchmark against a real server process on loopback:
 * - edit latency: one y-websocket client edits, another sees it (the time for an edit to reach
 *   another person's screen, minus rendering);
 * - fan-out: one edit reaching 19 other clients (a workshop);
 * - disk: bytes on disk per 1,000 edits, in the update log and after compaction.
 * Run: `npx tsx bench/sync.ts [edits]` (or `npm run bench`).
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { defaultStakeholderProps } from '../shared/shapes/index'
import { shapeRecord } from '../shared/shapes/records'
import { signInAsAdmin } from '../tests/helpers/auth'
import { startChildServer } from '../tests/helpers/childServer'
import { tempDataDir } from '../tests/helpers/server'
import { connectClient, whenSynced } from '../tests/helpers/yclient'

// Each y-websocket provider adds a process 'exit' listener; a crowd of them is expected here.
process.setMaxListeners(64)

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]

async function dirBytes(dir: string, match: (name: string) => boolean) {
  let total = 0
  for (const name of await fs.readdir(dir)) if (match(name)) total += (await fs.stat(path.join(dir, name))).size
  return total
}

export async function main(args: string[]) {
  const edits = Number(args[0] ?? 1000)
  const data = tempDataDir('war-room-bench-')
  const server = await startChildServer({ DATA_DIR: data.dir, COMPACT_LOG_BYTES: String(1 << 30) })
  const url = `ws://127.0.0.1:${server.port}/sync`
  const cookie = await signInAsAdmin({ url: `http://127.0.0.1:${server.port}` }, ['bench'])
  const a = connectClient(url, 'bench', undefined, { cookie })
  const b = connectClient(url, 'bench', undefined, { cookie })
  await Promise.all([whenSynced(a.provider), whenSynced(b.provider)])

  // A realistic edit: one stakeholder card's record rewritten (as tldraw does on every change).
  const kvA = new YKeyValue<unknown>(a.doc.getArray('tldraw'))
  const kvB = new YKeyValue<unknown>(b.doc.getArray('tldraw'))
  const latencies: number[] = []
  for (let i = 0; i < edits; i++) {
    const id = `shape:s${i % 50}`
    const seen = new Promise<void>((resolve) => {
      const on = (changes: Map<string, unknown>) => {
        if (!changes.has(id)) return
        kvB.off('change', on)
        resolve()
      }
      kvB.on('change', on)
    })
    const t0 = performance.now()
    kvA.set(
      id,
      shapeRecord(
        id,
        'stakeholder',
        { ...defaultStakeholderProps(), name: `联系人${i}`, title: '信息中心主任', concern: '系统稳定、上线周期' },
        { x: i, y: i },
      ),
    )
    await seen
    latencies.push(performance.now() - t0)
  }
  latencies.sort((x, y) => x - y)

  // Fan-out: a workshop of 20 people; time until every other client has seen an edit.
  const crowd = Array.from({ length: 19 }, () => connectClient(url, 'bench', undefined, { cookie }))
  await Promise.all(crowd.map((c) => whenSynced(c.provider)))
  const fanout: number[] = []
  for (let i = 0; i < 200; i++) {
    const key = `fan${i}`
    const seen = Promise.all(
      crowd.map(
        (c) =>
          new Promise<void>((resolve) => {
            const map = c.doc.getMap('m')
            const on = () => {
              if (!map.has(key)) return
              map.unobserve(on)
              resolve()
            }
            map.observe(on)
          }),
      ),
    )
    const t0 = performance.now()
    a.doc.getMap('m').set(key, i)
    await seen
    fanout.push(performance.now() - t0)
  }
  fanout.sort((x, y) => x - y)
  for (const c of crowd) c.destroy()
  // Let the last group commit reach the disk.
  await new Promise((r) => setTimeout(r, 200))
  const roomDir = path.join(data.dir, 'rooms', 'bench')
  const logBytes = await dirBytes(roomDir, (n) => n.startsWith('log-'))
  a.destroy()
  b.destroy()
  server.proc.kill('SIGTERM')
  await server.exited
  const snapshotBytes = await dirBytes(roomDir, (n) => n === 'snapshot')
  data.remove()

  console.log(`\nsync: ${edits} edits of a stakeholder record, client → server process → client on loopback`)
  console.log(
    `  latency ms   median ${pct(latencies, 50).toFixed(2)}   p95 ${pct(latencies, 95).toFixed(2)}   p99 ${pct(latencies, 99).toFixed(2)}   max ${latencies.at(-1)!.toFixed(2)}`,
  )
  console.log(
    `  fan-out ms   one edit seen by all 19 other clients: median ${pct(fanout, 50).toFixed(2)}   p95 ${pct(fanout, 95).toFixed(2)}`,
  )
  console.log(
    `  disk         update log ${(((logBytes / edits) * 1000) / 1024).toFixed(1)} KiB per 1,000 edits; after compaction the room is ${(snapshotBytes / 1024).toFixed(1)} KiB (50 cards)`,
  )
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^\.?\/?/, '/')))
  await main(process.argv.slice(2))
