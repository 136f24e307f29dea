/**
 * Plan derivation benchmark: a 4,000-shape document (tldraw's per-page shape limit) with a
 * realistic mix of war-room shapes, plain shapes and arrows, derived N times. Prints median
 * and p95 milliseconds for derivePlan, for reading the records out of a Y.Doc, and for the
 * reports. Run: `npx tsx bench/derive.ts [runs]` (or `npm run bench`).
 */

import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import * as prng from 'lib0/prng'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import {
  derivePlan,
  readDocRecords,
  renderActionsCsv,
  renderPlanMarkdown,
  renderStakeholdersCsv,
} from '../shared/plan/index'
import { action, arrow, blocker, faction, goodAccount, stakeholder, TODAY } from '../shared/plan/testing/builders'
import { shapeRecord } from '../shared/shapes/records'
import {
  ACTION_STATUSES,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  DEPARTMENTS,
  INFLUENCE_LEVELS,
  RELATIONSHIP_LEVELS,
  STAKEHOLDER_ROLES,
} from '../shared/shapes/types'

/** A seeded generator (lib0/prng, as the tests use), so the document is the same every run. */
function rng(seed: number): () => number {
  const gen = prng.create(seed)
  return () => prng.real53(gen)
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '欧阳', '司马']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '和平', '建国']

export interface BenchDocument {
  account: Record<string, unknown>
  records: Record<string, unknown>[]
  shapeCount: number
}

/** 80 factions, 1,300 stakeholders, 350 blockers, 700 actions, 170 plain shapes, 1,400 arrows. */
export function buildDocument(seed = 4000): BenchDocument {
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const name = () => pick(SURNAMES) + pick(GIVEN)
  const records: Record<string, unknown>[] = []
  const factions = Array.from({ length: 80 }, (_, i) => `shape:f${i}`)
  const stakeholders = Array.from({ length: 1300 }, (_, i) => `shape:s${i}`)
  const blockers = Array.from({ length: 350 }, (_, i) => `shape:b${i}`)
  const actions = Array.from({ length: 700 }, (_, i) => `shape:a${i}`)
  for (const id of factions)
    records.push(
      faction(id, {
        name: `${name()}派`,
        stance: pick(['ally', 'neutral', 'hostile'] as const),
        leader: pick(stakeholders),
      }),
    )
  for (const id of stakeholders) {
    records.push(
      stakeholder(
        id,
        {
          name: name(),
          title: pick(['总经理', '副总', '处长', '主任', '工程师', 'CIO']),
          department: pick(['信息中心', '采购部', '调度中心', '财务部']),
          role: pick(STAKEHOLDER_ROLES),
          relationship: pick(RELATIONSHIP_LEVELS),
          influence: pick(INFLUENCE_LEVELS),
          concern: '系统稳定性与国产化',
          champion: r() < 0.05,
          contact: name(),
          lastContact: r() < 0.5 ? '2026-10-15' : '',
        },
        r() < 0.7 ? pick(factions) : 'page:page',
      ),
    )
  }
  for (const id of blockers) {
    records.push(
      blocker(id, {
        title: '预算未立项',
        detail: '需要财务部审批',
        severity: pick(BLOCKER_SEVERITIES),
        status: pick(BLOCKER_STATUSES),
        stage: 'P3',
      }),
    )
  }
  for (const id of actions) {
    records.push(
      action(id, {
        title: '高层拜访',
        owner: r() < 0.9 ? name() : `${name()}、${name()}`,
        department: pick(DEPARTMENTS),
        resources: r() < 0.8 ? '副总裁出面' : '',
        due: r() < 0.9 ? pick(['2026-10-01', '2026-12-01', '2027-01-15']) : '',
        checkpoint: r() < 0.8 ? '月底前拿到批复' : '',
        status: pick(ACTION_STATUSES),
      }),
    )
  }
  for (let i = 0; i < 170; i++) {
    records.push(shapeRecord(`shape:g${i}`, pick(['geo', 'text', 'note']), {}))
  }
  for (let i = 0; i < 1400; i++) {
    const kind = r()
    const [from, to] =
      kind < 0.45
        ? [pick(stakeholders), pick(stakeholders)]
        : kind < 0.75
          ? [pick(actions), r() < 0.6 ? pick(blockers) : pick(stakeholders)]
          : kind < 0.95
            ? [pick(blockers), pick(stakeholders)]
            : [pick(stakeholders), undefined]
    const relation = kind < 0.45 ? (r() < 0.7 ? 'reports-to' : 'influences') : undefined
    records.push(...arrow(`shape:r${i}`, from, to, relation))
  }
  const shapeCount = records.filter((x) => x.typeName === 'shape').length
  return { account: { ...goodAccount() }, records, shapeCount }
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/**
 * Wall-clock and CPU milliseconds per call. On a shared machine the wall clock includes time
 * spent waiting for a core; the process's CPU time per call shows the work itself.
 */
function time(runs: number, warmup: number, fn: () => unknown) {
  for (let i = 0; i < warmup; i++) fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    fn()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall: stats(wall), cpu: stats(cpu) }
}

export function runDeriveBench(runs = 200) {
  const doc = buildDocument()
  const ydoc = new Y.Doc()
  const kv = new YKeyValue(ydoc.getArray<{ key: string; val: unknown }>('tldraw'))
  ydoc.transact(() => {
    for (const rec of doc.records) kv.set(rec.id as string, rec)
    for (const [k, v] of Object.entries(doc.account)) ydoc.getMap('account').set(k, v)
  })
  const plan = derivePlan(doc, { today: TODAY })
  const results = {
    derivePlan: time(runs, 50, () => derivePlan(doc, { today: TODAY })),
    'readDocRecords + derivePlan': time(runs, 50, () => derivePlan(readDocRecords(ydoc), { today: TODAY })),
    'renderPlanMarkdown (zh)': time(Math.min(runs, 50), 5, () => renderPlanMarkdown(plan, 'zh')),
    'renderActionsCsv + renderStakeholdersCsv': time(Math.min(runs, 50), 5, () => {
      renderActionsCsv(plan)
      renderStakeholdersCsv(plan)
    }),
  }
  return {
    shapes: doc.shapeCount,
    records: doc.records.length,
    findings: plan.findings.length,
    relations: plan.relations.length,
    runs,
    results,
  }
}

function print(report: ReturnType<typeof runDeriveBench>) {
  const [load1] = loadavg()
  console.log(
    `Plan derivation: ${report.shapes} shapes (${report.records} records incl. bindings), ${report.relations} relations, ` +
      `${report.findings} findings; ${report.runs} runs; node ${process.version}; ${cpus().length} cores, load ${load1!.toFixed(1)}`,
  )
  const ms = (n: number) => n.toFixed(1).padStart(6)
  for (const [name, s] of Object.entries(report.results)) {
    console.log(
      `  ${name.padEnd(42)} wall median ${ms(s.wall.median)} p95 ${ms(s.wall.p95)} | cpu median ${ms(s.cpu.median)} p95 ${ms(s.cpu.p95)} ms`,
    )
  }
}

export function main(argv = process.argv.slice(2)) {
  const runs = Number(argv[0] ?? 200)
  print(runDeriveBench(Number.isInteger(runs) && runs > 0 ? runs : 200))
}

if (import.meta.url === `file://${process.argv[1]}`) main()
