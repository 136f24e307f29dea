/**
 * `npm run bench:load -- --multi-node [--quick] [--rounds N] [--rooms N] [--rate N] [--spread]
 *   [--pin-engines] [--engines-nice N] [--json out.json]` (figures: docs/benchmarks.md, "Several nodes")
 *
 * War Room on several nodes (docs/scale-out.md) against War Room on one, in one run, on the same
 * real PostgreSQL (and Redis for the nodes):
 *
 * - **cross-node edits**: the same rooms and clients in both set-ups: half of each room's clients
 *   send edits, the other half observe them. On one node everyone is on that node; on two nodes
 *   the senders are on node A and the observers on node B, so every sample crossed Redis. The
 *   edit latency (p50/p99 of the observers' receive time) is compared: target p99 ≤ 2× one node.
 * - **cost per node**: CPU (share of one core) and RSS of each node against the single node,
 *   in the same window.
 * - **failover**: two nodes behind a TCP load balancer (tests/helpers/cluster.ts), real
 *   y-websocket clients; node A is killed with SIGKILL; the time until each of its clients is
 *   connected to node B again and has a marker edit made on node B after the kill (target < 5 s).
 *
 * Servers are pinned to core 0 (both nodes share it: the same server capacity as one node; with
 * `--spread` node B runs on the load clients' core, a core per node), the load clients to the last
 * core, as in the single-node bench; PostgreSQL and Redis are not pinned (`--pin-engines`: core 0)
 * and run at the servers' priority. Each window also reports how long each node waited for its core.
 */

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { ensureAccount, signInAsAdmin } from '../../tests/helpers/auth.ts'
import { startCluster } from '../../tests/helpers/cluster.ts'
import { redisClient, startPostgres, startRedis } from '../../tests/helpers/engines.ts'
import { connectClient, whenSynced } from '../../tests/helpers/yclient.ts'
import type { Job, PhaseResult } from './client.ts'
import { Histogram, median } from './histogram.ts'
import { benchArgs, bundleBench, LoadProcess, machinePinning, Target } from './targets.ts'

const { flag, option } = benchArgs()
const QUICK = flag('quick')
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 3))
const JSON_OUT = option('json')
const ROOMS = Number(option('rooms') ?? 100)
const RATE = Number(option('rate') ?? 100)
const T = QUICK ? { warm: 2000, measure: 5000 } : { warm: 3000, measure: 10_000 }
const root = path.resolve(import.meta.dirname, '../..')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const PIN = machinePinning(Number(option('nice') ?? 20))
/**
 * `--spread`: node B on the load clients' core instead of sharing core 0 with node A — the two
 * nodes then have more than the one node's capacity; it shows what the hop costs when a node is
 * not waiting for its core (on machines of their own, each node has one).
 */
const SPREAD = flag('spread') && PIN.server.length > 0
/** `--pin-engines`: PostgreSQL and Redis on the servers' core too (default: not pinned). */
const PIN_ENGINES = flag('pin-engines') && PIN.server.length > 0

/** The fields of /proc/PID/stat after the command name (field 3 onwards). */
const statFields = (pid: number | string) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** The processes whose parent is `pid` (PostgreSQL's backends fork from the postmaster). */
function childrenOf(pid: number): string[] {
  return readdirSync('/proc').filter((name) => {
    if (!/^\d+$/.test(name)) return false
    try {
      return Number(statFields(name)[1]) === pid
    } catch {
      return false
    }
  })
}

/** CPU time (ms, user + system) of a process and its children, living and reaped. */
function treeCpuMs(pid: number | null): number {
  if (!pid) return 0
  let ticks = 0
  try {
    const f = statFields(pid)
    // utime, stime, cutime (reaped children), cstime: fields 14–17 of the line.
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
    for (const child of childrenOf(pid)) {
      const c = statFields(child)
      ticks += Number(c[11]) + Number(c[12])
    }
  } catch {
    // Gone meanwhile: what was counted stands.
  }
  return ticks * 10
}

/** Pins a process, its threads and its children to `core`. */
function pinTree(pid: number | null, core: string) {
  if (!pid) return
  for (const p of [String(pid), ...childrenOf(pid)])
    execFileSync('taskset', ['-a', '-cp', core, p], { stdio: 'ignore' })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130))
// The nodes of the latency part run as `npm start` runs them: bundled (bench/load/targets.ts).
execFileSync(process.execPath, [path.join(root, 'server/build.mjs')], { stdio: 'inherit' })
// The load clients too (as in run.ts: a load process booted through tsx spent a second of the load core).
await bundleBench(['client'])
// Every child process and y-websocket provider listens for the process's exit.
process.setMaxListeners(200)

interface EditRow {
  p50: number
  p99: number
  samples: number
  /** Per node: share of one core, RSS MB. */
  cpu: number[]
  rss: number[]
  /** Per node: share of the window it was runnable but waiting for a core (/proc/PID/schedstat). */
  wait: number[]
  /** PostgreSQL (all its processes) and Redis: share of one core in the window. */
  pgCpu: number
  redisCpu: number
  /** PUBLISH commands Redis served per second in the window (both nodes), and messages it sent to subscribers. */
  publishes: number
  /** Per node: read and write system calls per second (/proc/PID/io), and the main thread's wake-ups (voluntary context switches) per second. */
  syscalls: { reads: number; writes: number; wakeups: number }[]
  closes: number
}

/** A node's read and write system calls so far (/proc/PID/io) and its main thread's voluntary context switches. */
function syscallCounts(node: Target) {
  const pid = node.proc.pid
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8')
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return {
      reads: Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0),
      writes: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0),
      wakeups: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0),
    }
  } catch {
    return { reads: 0, writes: 0, wakeups: 0 }
  }
}

/** Senders on `senderNode`, observers on `observerNode` (the same node for the single-node case). */
async function editWindow(
  senderNode: Target,
  observerNode: Target,
  nodes: Target[],
  round: number,
  tag: string,
  engines: { pg: () => number; redis: () => number | null; publishes: () => Promise<number> },
) {
  const rooms = Array.from({ length: ROOMS }, (_, i) => `mn${round}-${tag}-${i}`)
  for (const node of new Set([senderNode, observerNode])) {
    const server = { url: node.httpUrl }
    for (let i = 0; i < rooms.length; i += 10)
      await Promise.all(rooms.slice(i, i + 10).map((id) => ensureAccount(server, node.cookie!, id)))
  }
  const secs = (T.warm + T.measure) / 1000 + 3
  const job = (node: Target, observe: boolean): Job => ({
    wsBase: node.wsBase,
    cookie: node.cookie,
    clients: rooms.flatMap((room) => [0, 1].map(() => ({ room, observe, roomSize: 4 }))),
    editsPerClient: Math.ceil((RATE * secs) / (rooms.length * 2)) + 2,
    presence: true,
  })
  const senders = new LoadProcess(PIN)
  const observers = new LoadProcess(PIN)
  try {
    await senders.request({ type: 'setup', job: job(senderNode, false) }, 180_000)
    await observers.request({ type: 'setup', job: job(observerNode, true) }, 180_000)
    await sleep(1000)
    const phase = { warmupMs: T.warm, measureMs: T.measure, drainMs: 1000, cursorHz: 2 }
    const pending = [
      senders.request<PhaseResult>({ type: 'phase', ...phase, editRate: RATE }, 120_000),
      observers.request<PhaseResult>({ type: 'phase', ...phase, editRate: 0 }, 120_000),
    ]
    await sleep(T.warm)
    const cpu0 = nodes.map((n) => n.cpuMs())
    // BENCH_DEBUG: where each node's CPU went, per thread (main, plan worker, libuv, GC).
    const threads0 = process.env.BENCH_DEBUG ? nodes.map((n) => n.threadCpuMs()) : null
    const wait0 = nodes.map((n) => n.schedMs()[1])
    const pg0 = treeCpuMs(engines.pg())
    const redis0 = treeCpuMs(engines.redis())
    const publishes0 = await engines.publishes()
    const sys0 = nodes.map(syscallCounts)
    const t0 = performance.now()
    await sleep(T.measure)
    const elapsed = performance.now() - t0
    const cpu = nodes.map((n, i) => (n.cpuMs() - cpu0[i]!) / elapsed)
    const wait = nodes.map((n, i) => (n.schedMs()[1] - wait0[i]!) / elapsed)
    const pgCpu = (treeCpuMs(engines.pg()) - pg0) / elapsed
    const redisCpu = (treeCpuMs(engines.redis()) - redis0) / elapsed
    const sys1 = nodes.map(syscallCounts)
    const publishes = ((await engines.publishes()) - publishes0) / (elapsed / 1000)
    const perSecond = (a: number, b: number) => (b - a) / (elapsed / 1000)
    const syscalls = nodes.map((_, i) => ({
      reads: perSecond(sys0[i]!.reads, sys1[i]!.reads),
      writes: perSecond(sys0[i]!.writes, sys1[i]!.writes),
      wakeups: perSecond(sys0[i]!.wakeups, sys1[i]!.wakeups),
    }))
    const rss = nodes.map((n) => n.rssMB())
    if (threads0)
      nodes.forEach((n, i) => {
        const spent = [...n.threadCpuMs()].map(([t, ms]) => [t, (ms - (threads0[i]!.get(t) ?? 0)) / elapsed] as const)
        const top = spent.filter(([, x]) => x >= 0.01).sort((a, b) => b[1] - a[1])
        console.log(`    ${tag} node ${i}: ${top.map(([t, x]) => `${t} ${(x * 100).toFixed(0)} %`).join(', ')}`)
      })
    const [, observed] = await Promise.all(pending)
    const hist = Histogram.fromJSON(observed!.hist)
    const closes = Object.values(observed!.closes).reduce((a, b) => a + b, 0)
    return {
      p50: hist.quantileMs(0.5),
      p99: hist.quantileMs(0.99),
      samples: hist.total,
      cpu,
      rss,
      wait,
      pgCpu,
      redisCpu,
      publishes,
      syscalls,
      closes,
    } satisfies EditRow
  } finally {
    senders.close()
    observers.close()
    await sleep(500)
  }
}

/** Two nodes behind the load balancer; node A killed; time until its clients are synced on B. */
async function failover(engines: {
  pg: Awaited<ReturnType<typeof startPostgres>>
  redis: Awaited<ReturnType<typeof startRedis>>
}) {
  let cookie = ''
  const CLIENTS = 20
  const rooms = ['fo-0', 'fo-1', 'fo-2', 'fo-3']
  const cluster = await startCluster({
    engines,
    env: { MAX_SOCKETS_PER_USER: '100000', MAX_SOCKETS_PER_ADDRESS: '100000', NODE_ENV: 'production' },
    setup: async (first) => {
      cookie = await signInAsAdmin(first, rooms)
    },
  })
  try {
    const clients: ReturnType<typeof connectClient>[] = []
    for (let i = 0; i < CLIENTS; i++) {
      const c = connectClient(cluster.wsUrl, rooms[Math.floor(i / 2) % rooms.length]!, new Y.Doc(), { cookie })
      await whenSynced(c.provider)
      clients.push(c)
    }
    const placement = cluster.lb.placement()
    // Consecutive clients share a room and land on different nodes: every room is on both.
    if (!rooms.every((_, r) => placement[2 * r] !== placement[2 * r + 1])) throw new Error(`placement ${placement}`)
    const onA = clients.filter((_, i) => placement[i] === 0)
    const onB = clients.filter((_, i) => placement[i] === 1)
    const killedAt = performance.now()
    await cluster.nodes[0]!.kill()
    // A marker per room, written on node B after the kill: "synced" = has it, connected.
    for (const room of rooms) {
      const writer = onB.find((c) => c.provider.roomname === room)
      writer?.doc.getMap('m').set('after-kill', killedAt)
    }
    const times = await Promise.all(
      onA.map(
        (c) =>
          new Promise<number>((resolve) => {
            const check = () => {
              if (c.provider.wsconnected && c.provider.synced && c.doc.getMap('m').get('after-kill') === killedAt) {
                clearInterval(timer)
                resolve(performance.now() - killedAt)
              }
            }
            const timer = setInterval(check, 5)
            setTimeout(() => {
              clearInterval(timer)
              resolve(Number.NaN)
            }, 30_000)
          }),
      ),
    )
    for (const c of clients) c.destroy()
    return { clients: onA.length, median: median(times), max: Math.max(...times) }
  } finally {
    await cluster.destroy()
  }
}

const load0 = loadavg()[0]!
console.log(
  `bench:load --multi-node ${QUICK ? '--quick ' : ''}${ROUNDS} round(s); ${cpus().length} cores; ${ROOMS} rooms × 4 clients, ${RATE} edits/s; load average ${load0.toFixed(1)}`,
)
const [pg, redis] = await Promise.all([startPostgres(), startRedis()])
const redisStats = redisClient(redis.url)
/** PUBLISH calls Redis has served since it started (INFO commandstats). */
const publishCalls = async () => {
  const info = (await redisStats.info('commandstats')) as string
  return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0)
}
const engines = { pg: () => pg.pid(), redis: () => redis.pid(), publishes: publishCalls }
if (PIN_ENGINES) {
  pinTree(pg.pid(), PIN.server[2]!)
  pinTree(redis.pid(), PIN.server[2]!)
}
// PostgreSQL and Redis are part of the server side: at the servers' raised priority, not below the
// load clients' (at nice -20 against 0, a busy load core left Redis ~1 % of it: every cross-node
// hop waited for Redis's turn). `--engines-nice 0` keeps them at the normal priority.
const ENGINES_NICE = PIN.nice > 0 ? Number(option('engines-nice') ?? PIN.nice) : 0
const enginesGroups = new Set<string>()
for (const pid of [pg.pid(), redis.pid()]) {
  if (!pid || ENGINES_NICE <= 0) continue
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(-ENGINES_NICE))
    enginesGroups.add(readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim())
  } catch {}
}
console.log(
  `  servers: ${PIN.server.join(' ') || 'not pinned'}${SPREAD ? ` (node B: ${PIN.load.join(' ')})` : ''}, load clients: ${PIN.load.join(' ') || 'not pinned'}, priority ${PIN.nice ? `autogroup nice -${PIN.nice}` : 'normal'}; PostgreSQL + Redis: ${PIN_ENGINES ? PIN.server.join(' ') : 'not pinned'}, ${enginesGroups.size ? [...enginesGroups].join(', ') : 'normal priority'}`,
)
const pct = (x: number) => `${(x * 100).toFixed(0)} %`
const extra = (row: EditRow) =>
  `waiting for a core ${row.wait.map(pct).join(' + ')}; PostgreSQL ${pct(row.pgCpu)}, Redis ${pct(row.redisCpu)}${row.publishes ? ` (${row.publishes.toFixed(0)} PUBLISH/s)` : ''}; per node reads/writes/wake-ups per s ${row.syscalls.map((c) => `${c.reads.toFixed(0)}/${c.writes.toFixed(0)}/${c.wakeups.toFixed(0)}`).join(' + ')}`
const single: EditRow[] = []
const multi: EditRow[] = []
const failovers: { clients: number; median: number; max: number }[] = []
const NODE_ENV = {
  ROOM_UNLOAD_GRACE_MS: '300',
  MAX_SOCKETS_PER_USER: '100000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
}
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['multi', 'single'] : ['single', 'multi']
    for (const kind of order) {
      const db = await pg.createDatabase(`mn_${round}_${kind}`)
      if (kind === 'single') {
        const node = await Target.start('warroom', PIN, { ...NODE_ENV, DATABASE_URL: db })
        try {
          const row = await editWindow(node, node, [node], round, 's', engines)
          single.push(row)
          console.log(
            `  round ${round + 1} one node:  p50 ${row.p50.toFixed(2)} p99 ${row.p99.toFixed(2)} ms (${row.samples} samples), cpu ${(row.cpu[0]! * 100).toFixed(0)} %, RSS ${row.rss[0]!.toFixed(0)} MB; ${extra(row)}`,
          )
        } finally {
          await node.stop()
        }
      } else {
        const env = { ...NODE_ENV, DATABASE_URL: db, REDIS_URL: redis.url }
        const a = await Target.start('warroom', PIN, { ...env, NODE_ID: 'bench-a' })
        // --spread: node B on the load clients' core (a core of its own, shared with the load side).
        const pinB = SPREAD ? { ...PIN, server: PIN.load } : PIN
        const b = await Target.start('warroom', pinB, { ...env, NODE_ID: 'bench-b' })
        try {
          const row = await editWindow(a, b, [a, b], round, 'm', engines)
          multi.push(row)
          console.log(
            `  round ${round + 1} two nodes: p50 ${row.p50.toFixed(2)} p99 ${row.p99.toFixed(2)} ms (${row.samples} samples), cpu ${row.cpu.map((c) => `${(c * 100).toFixed(0)} %`).join(' + ')}, RSS ${row.rss.map((r) => r.toFixed(0)).join(' + ')} MB; ${extra(row)}`,
          )
        } finally {
          await Promise.all([a.stop(), b.stop()])
        }
      }
    }
    const fo = await failover({ pg, redis })
    failovers.push(fo)
    console.log(
      `  round ${round + 1} failover: ${fo.clients} clients of the killed node synced on the other: median ${fo.median.toFixed(0)} ms, max ${fo.max.toFixed(0)} ms`,
    )
  }
} finally {
  redisStats.disconnect()
  await Promise.all([pg.destroy(), redis.destroy()])
}

const med = (rows: EditRow[], f: (r: EditRow) => number) => median(rows.map(f))
const s50 = med(single, (r) => r.p50)
const s99 = med(single, (r) => r.p99)
const m50 = med(multi, (r) => r.p50)
const m99 = med(multi, (r) => r.p99)
const sCpu = med(single, (r) => r.cpu[0]!)
const sRss = med(single, (r) => r.rss[0]!)
const lines = [
  '| set-up | edit p50 ms | edit p99 ms | p99 ÷ one node | CPU per node (one core) | RSS per node MB |',
  '|---|---|---|---|---|---|',
  `| one node (PostgreSQL) | ${s50.toFixed(2)} | ${s99.toFixed(2)} | 1× | ${(sCpu * 100).toFixed(0)} % | ${sRss.toFixed(0)} |`,
  `| two nodes (PostgreSQL + Redis), sender on A, receiver on B | ${m50.toFixed(2)} | ${m99.toFixed(2)} | **${(m99 / s99).toFixed(2)}×** | A ${(med(multi, (r) => r.cpu[0]!) * 100).toFixed(0)} % (${(med(multi, (r) => r.cpu[0]!) / sCpu).toFixed(2)}×), B ${(med(multi, (r) => r.cpu[1]!) * 100).toFixed(0)} % (${(med(multi, (r) => r.cpu[1]!) / sCpu).toFixed(2)}×) | A ${med(multi, (r) => r.rss[0]!).toFixed(0)}, B ${med(multi, (r) => r.rss[1]!).toFixed(0)} (one node ${sRss.toFixed(0)}) |`,
  `| failover: a node killed, its clients synced on the other (${failovers[0]?.clients ?? 0} clients) | median ${median(failovers.map((f) => f.median)).toFixed(0)} ms | max ${median(failovers.map((f) => f.max)).toFixed(0)} ms | target < 5000 ms | – | – |`,
]
console.log(
  `\n${new Date().toISOString().slice(0, 16)}Z, ${ROUNDS} round(s), medians; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}\n`,
)
console.log(lines.join('\n'))
if (JSON_OUT)
  writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), single, multi, failovers }, null, 1))
process.exit(0)
