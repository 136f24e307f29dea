/**
 * `npx tsx bench/editpath.ts [edits] [--profile out.heapprofile]`: the 500-room edit path alone
 * (Room + FileDocStore in a temp dir, four in-process connections per room, edits as the load
 * clients send them), counting young-generation collections and their time per 1,000 edits, and
 * optionally an allocation profile (sampling, including what the scavenger collected).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
import * as Y from 'yjs'
import { FileDocStore } from '../server/storage/FileDocStore.ts'
import { Room } from '../server/sync/Room.ts'
import { SyncConnection } from '../server/sync/SyncConnection.ts'
import { preEncodeEdits, syncStep1 } from './load/protocol.ts'

const EDITS = Number(process.argv[2] ?? 20000)
const profileAt = process.argv.indexOf('--profile')
const dir = mkdtempSync(path.join(tmpdir(), 'editpath-'))
const store = new FileDocStore(dir, { log: () => {} })
const ROOMS = 500
const retained: Uint8Array[][] = []
const rooms: Room[] = []
const conns: SyncConnection[][] = []
let sent = 0
const socket = () => ({ send: (d: Uint8Array) => void (sent += d.length), close() {}, bufferedAmount: 0 })
for (let r = 0; r < ROOMS; r++) {
  retained.push([])
  const room = await Room.load(`room-${r}`, store, {
    compactLogBytes: 1024 * 1024,
    log: () => {},
    // As the plan service: every update queued until the room's next derivation.
    onDocChanged: (_room, u) => void retained[r]!.push(u),
  })
  rooms.push(room)
  const cs: SyncConnection[] = []
  for (let c = 0; c < 4; c++) {
    const conn = new SyncConnection(socket(), { maxBufferedBytes: 1e9 })
    room.join(conn)
    room.handleMessage(conn, syncStep1(new Y.Doc()))
    cs.push(conn)
  }
  conns.push(cs)
}
// Every client's edits, pre-encoded (as the load clients do), 20 cards each.
const perClient = Math.ceil(EDITS / (ROOMS * 4)) + 1
const edits: Uint8Array[][][] = conns.map((cs, r) =>
  cs.map((_, c) => preEncodeEdits(new Y.Doc(), `r${r}c${c}`, perClient)),
)
// The frames arrive as fresh Buffers from the socket (a copy per message, as ws hands them).
const frameOf = (r: number, c: number, k: number) => Buffer.from(edits[r]![c]![k]!)

let scavenges = 0
let scavengeMs = 0
let majors = 0
let majorMs = 0
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind: number } }).detail?.kind
    if (kind === 1) {
      scavenges++
      scavengeMs += e.duration
    } else {
      majors++
      majorMs += e.duration
    }
  }
})
obs.observe({ entryTypes: ['gc'] })
const session = new Session()
if (profileAt > 0) {
  session.connect()
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
}
const t0 = performance.now()
const cpu0 = process.cpuUsage()
let n = 0
// 350 edits a second would take minutes: as fast as the loop allows, yielding every 35 edits
// (one 100-ms slice of the scenario) so the flush loop runs as it does under load.
outer: for (let k = 0; k < perClient; k++)
  for (let c = 0; c < 4; c++)
    for (let r = 0; r < ROOMS; r++) {
      rooms[r]!.handleMessage(conns[r]![c]!, frameOf(r, c, k))
      if (++n % 35 === 0) await new Promise((res) => setImmediate(res))
      if (n % 20_000 === 0) for (const q of retained) q.length = 0
      if (n >= EDITS) break outer
    }
const wall = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
await store.flush()
if (profileAt > 0) {
  const { profile } = await session.post('HeapProfiler.stopSampling')
  writeFileSync(process.argv[profileAt + 1]!, JSON.stringify(profile))
}
await new Promise((r) => setTimeout(r, 50))
console.log(
  `${n} edits in ${wall.toFixed(0)} ms (${(((cpu.user + cpu.system) / 1000 / n) * 1000).toFixed(1)} µs CPU per edit); per 1,000 edits: ${((scavenges / n) * 1000).toFixed(2)} scavenges, ${((scavengeMs / n) * 1000).toFixed(2)} ms in them; majors ${majors} (${majorMs.toFixed(0)} ms); heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB; sent ${(sent / 1e6).toFixed(0)} MB`,
)
await store.close()
rmSync(dir, { recursive: true, force: true })
process.exit(0)
