/**
 * Review benchmark on the 4,000-shape document of bench/derive.ts: taking a review (the server's
 * ReviewService.take: derive the plan from the room's Y.Doc, encode its state, write the review
 * file durably — temp file, fsync, rename, folder fsync), the diff of two plans, and the change
 * list as the API computes it (frozen side cached, as after the first request; and cold). The
 * reference in the same run is one plan derivation from the Y.Doc — what the server already does
 * about a second after every edit — so the figures are quoted as ratios to it as well.
 * Run: `npx tsx bench/review.ts [runs]` (or `npm run bench`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'
import { FileReviewStore } from '../server/reviews/FileReviewStore'
import { ReviewService } from '../server/reviews/ReviewService'
import { FileDocStore } from '../server/storage/FileDocStore'
import { RoomManager } from '../server/sync/RoomManager'
import { derivePlan, readDocRecords } from '../shared/plan/index'
import { diffPlans } from '../shared/review/diff'
import { buildDocument } from './derive'

const TODAY = '2026-11-30'

function median(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

function p95(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!
}

async function time(runs: number, warmup: number, fn: () => unknown) {
  for (let i = 0; i < warmup; i++) await fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    await fn()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { median: median(wall), p95: p95(wall), cpu: median(cpu) }
}

/** About a month of edits: 5 % of the war-room shapes changed in a tracked field, a few added and removed. */
function editMonth(kv: YKeyValue<Record<string, unknown>>, doc: Y.Doc) {
  doc.transact(() => {
    let n = 0
    for (const [key, { val }] of kv.map) {
      const record = val as { type?: string; props?: Record<string, unknown> }
      if (!record.props || n++ % 20 !== 0) continue
      const props = { ...record.props }
      if (record.type === 'stakeholder') props.relationship = props.relationship === 'cr2' ? 'cr3' : 'cr2'
      else if (record.type === 'blocker') props.status = 'cleared'
      else if (record.type === 'action') props.status = 'done'
      else if (record.type === 'faction') props.stance = 'ally'
      else continue
      kv.set(key, { ...record, props })
    }
    for (let i = 0; i < 20; i++) kv.delete(`shape:s${i * 7}`)
  })
}

export async function runReviewBench(runs = 30) {
  const dir = mkdtempSync(path.join(tmpdir(), 'war-room-bench-review-'))
  const docStore = new FileDocStore(dir)
  const rooms = new RoomManager(docStore, { unloadGraceMs: 60_000, compactLogBytes: 1 << 30, log: () => {} })
  const reviews = new ReviewService(new FileReviewStore(dir), rooms, {
    timeZone: 'Asia/Shanghai',
    now: () => new Date(`${TODAY}T04:00:00Z`),
  })
  try {
    const built = buildDocument()
    const room = await rooms.acquire('bench')
    const kv = new YKeyValue<Record<string, unknown>>(room.doc.getArray('tldraw'))
    room.doc.transact(() => {
      for (const rec of built.records) kv.set(rec.id as string, rec)
      for (const [k, v] of Object.entries(built.account)) room.doc.getMap('account').set(k, v)
    })
    const by = { id: 'u1', name: '张三' }

    const reference = await time(runs, 5, () => derivePlan(readDocRecords(room.doc), { today: TODAY }))
    const take = await time(runs, 3, () => reviews.take('bench', { title: '基准复盘' }, by))
    const since = await reviews.take('bench', { title: '上月' }, by)
    const sincePlan = since.plan
    editMonth(kv, room.doc)
    const untilPlan = derivePlan(readDocRecords(room.doc), { today: TODAY })
    const diff = diffPlans(sincePlan, untilPlan)
    const diffTime = await time(runs, 5, () => diffPlans(sincePlan, untilPlan))
    const changesWarm = await time(runs, 3, () => reviews.changes('bench', since.id))
    const stored = await reviews.get('bench', since.id)
    const cold = await time(Math.min(runs, 15), 1, () => {
      // A fresh service: the frozen document is decoded and derived again.
      const fresh = new ReviewService(new FileReviewStore(dir), rooms, { timeZone: 'Asia/Shanghai' })
      return fresh.planOf(stored)
    })
    const stateBytes = stored.state.byteLength
    rooms.release('bench')
    return {
      shapes: built.shapeCount,
      records: built.records.length,
      changes: diff.changes.length,
      stateBytes,
      runs,
      results: {
        'reference: readDocRecords + derivePlan': reference,
        'take a review (derive + encode + durable write)': take,
        'diffPlans (two 4,000-shape plans)': diffTime,
        'change list vs live (frozen side cached)': changesWarm,
        'frozen document decoded and derived (cold)': cold,
      },
    }
  } finally {
    await rooms.closeAll()
    await docStore.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function print(report: Awaited<ReturnType<typeof runReviewBench>>) {
  const [load1] = loadavg()
  console.log(
    `Reviews: ${report.shapes} shapes (${report.records} records), frozen state ${(report.stateBytes / 1024).toFixed(0)} KiB, ` +
      `${report.changes} changes after a month of edits; ${report.runs} runs; node ${process.version}; ${cpus().length} cores, load ${load1!.toFixed(1)}`,
  )
  const ref = report.results['reference: readDocRecords + derivePlan']
  const ms = (n: number) => n.toFixed(1).padStart(6)
  for (const [name, s] of Object.entries(report.results)) {
    console.log(
      `  ${name.padEnd(50)} wall median ${ms(s.median)} p95 ${ms(s.p95)} | cpu median ${ms(s.cpu)} ms | ` +
        `${(s.median / ref.median).toFixed(2)}× reference wall, ${(s.cpu / ref.cpu).toFixed(2)}× cpu`,
    )
  }
}

export async function main(argv = process.argv.slice(2)) {
  const runs = Number(argv[0] ?? 30)
  print(await runReviewBench(Number.isInteger(runs) && runs > 0 ? runs : 30))
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
