/**
 * The three servers the load benchmark compares, each a separate process pinned to the server
 * core: War Room (dist/server/main.mjs, bundled from server/main.ts, as `npm start` runs it), the reference
 * `@y/websocket-server` (its own bin, documents in memory only) and the floor relay.
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process'
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { createAccount, signInAsAdmin } from '../../tests/helpers/auth.ts'

export type Kind = 'warroom' | 'reference' | 'floor'
export const KINDS: Kind[] = ['warroom', 'reference', 'floor']
export const LABEL: Record<Kind, string> = { warroom: 'War Room', reference: 'reference', floor: 'floor' }

const root = path.resolve(import.meta.dirname, '../..')
/** Where {@link bundleBench} writes the bundled load client and floor. */
export const BENCH_OUT = path.join(root, 'dist/bench')

/** Bundles bench/load/<name>.ts into dist/bench/<name>.mjs (packages stay in node_modules). */
export async function bundleBench(names: string[]) {
  const { build } = await import('esbuild')
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((n) => [n, `bench/load/${n}.ts`])),
    outdir: BENCH_OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
}

/**
 * The node flags `npm start` runs the server with: package.json's start script ends in
 * `node <flags> dist/server/main.mjs`. The benchmark starts War Room with the same ones.
 */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  const m = /(?:^|&&\s*)node\s+((?:--?\S+\s+)*)dist\/server\/main\.mjs\s*$/.exec(pkg.scripts.start)
  if (!m)
    throw new Error(`package.json's start script does not end in "node … dist/server/main.mjs": ${pkg.scripts.start}`)
  return m[1]!.split(/\s+/).filter(Boolean)
}

export interface Pinning {
  server: string[]
  load: string[]
  /** Scheduler priority raise (0: none), see {@link spawnPinned}. */
  nice: number
}

/** A bench command line's `--name` flags and `--name value` options. */
export function benchArgs(argv = process.argv.slice(2)) {
  return {
    flag: (name: string) => argv.includes(`--${name}`),
    option: (name: string): string | undefined => {
      const i = argv.indexOf(`--${name}`)
      return i >= 0 ? argv[i + 1] : undefined
    },
  }
}

/**
 * This machine's {@link pinning}. The servers and load clients run at a raised priority (their own
 * scheduling group at nice -`nice`, 20 by default) when the user may do so: on a machine shared
 * with other work, a server at the normal priority spent 86–99 % of a window waiting for its core
 * (load average 15 on 2 cores), and the table measured the neighbours. `--nice 0` turns it off.
 */
export function machinePinning(nice: number): Pinning {
  const hasTaskset = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true'])
      return true
    } catch {
      return false
    }
  })()
  // Raising a priority needs root (CAP_SYS_NICE); otherwise run at the normal one.
  return pinning(cpus().length, hasTaskset, nice > 0 && process.getuid?.() === 0 ? nice : 0)
}

/** `taskset -c N` prefixes when the machine has two cores or more and taskset exists. */
export function pinning(cores: number, hasTaskset: boolean, nice: number): Pinning {
  if (cores < 2 || !hasTaskset) return { server: [], load: [], nice }
  return { server: ['taskset', '-c', '0'], load: ['taskset', '-c', String(cores - 1)], nice }
}

/**
 * Spawns behind a taskset prefix. With `nice` > 0 the process gets a session of its own and that
 * session's scheduling group (Linux autogroup: the kernel shares a core between sessions first,
 * so a plain `nice` only ranks processes inside one session) runs at `-nice`.
 */
export function spawnPinned(prefix: string[], nice: number, cmd: string, args: string[], opts: SpawnOptions) {
  const child = prefix.length
    ? spawn(prefix[0]!, [...prefix.slice(1), cmd, ...args], { ...opts, detached: nice > 0 })
    : spawn(cmd, args, { ...opts, detached: nice > 0 })
  if (nice > 0 && child.pid) {
    try {
      writeFileSync(`/proc/${child.pid}/autogroup`, String(-nice))
    } catch {
      // Not allowed here: the figures then carry the neighbours' load (the table says how much).
    }
  }
  return child
}

/** One load-client process (bench/load/client.ts, bundled by `bundleBench(['client'])`) over IPC, on the load core. */
export class LoadProcess {
  private readonly proc
  private waiting: ((m: { type: string }) => void) | null = null
  constructor(pin: Pinning) {
    this.proc = spawnPinned(pin.load, pin.nice, process.execPath, [path.join(BENCH_OUT, 'client.mjs')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.proc.on('message', (m: { type: string }) => {
      const w = this.waiting
      this.waiting = null
      w?.(m)
    })
    const kill = () => this.proc.kill('SIGKILL')
    process.once('exit', kill)
    this.proc.once('exit', () => process.off('exit', kill))
  }
  request<T>(msg: unknown, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`load process: no answer to ${JSON.stringify(msg).slice(0, 80)}`)),
        timeoutMs,
      )
      this.waiting = (m) => {
        clearTimeout(timer)
        if (m.type === 'error') reject(new Error((m as unknown as { message: string }).message))
        else resolve(m as T)
      }
      this.proc.send(msg as never)
    })
  }
  close() {
    try {
      this.proc.send({ type: 'close' })
    } catch {
      this.proc.kill()
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export class Target {
  cookie: string | undefined
  private readonly exited: Promise<void>

  private constructor(
    readonly kind: Kind,
    readonly port: number,
    readonly proc: ChildProcess,
    private readonly dataDir: string | null,
    private readonly logFile: string,
  ) {
    this.exited = new Promise((r) => proc.once('exit', () => r()))
    const kill = () => proc.kill('SIGKILL')
    process.once('exit', kill)
    void this.exited.then(() => process.off('exit', kill))
  }

  static async start(kind: Kind, pin: Pinning, env: Record<string, string> = {}): Promise<Target> {
    const port = await freePort()
    let args: string[]
    let dataDir: string | null = null
    const baseEnv: Record<string, string> = {
      ...(process.env as Record<string, string>),
      HOST: '127.0.0.1',
      PORT: String(port),
    }
    if (kind === 'warroom') {
      dataDir = await mkdtemp(path.join(tmpdir(), 'war-room-load-'))
      Object.assign(baseEnv, {
        DATA_DIR: dataDir,
        PASSWORD_SCRYPT_LOG_N: '14',
        SEED_DEMO: '0',
        // Every load client signs in as the one administrator: lift the per-user and per-address
        // connection caps (they guard against one person holding hundreds of sockets).
        MAX_SOCKETS_PER_USER: '100000',
        MAX_SOCKETS_PER_ADDRESS: '100000',
        NODE_ENV: 'production',
      })
      // As `npm start` runs it: the bundle from server/build.mjs (run.ts builds it first), no tsx,
      // with the node flags of the start script.
      args = [...startScriptNodeFlags(), path.join(root, 'dist/server/main.mjs')]
    } else if (kind === 'reference') {
      args = [path.join(root, 'node_modules/@y/websocket-server/src/server.js')]
    } else {
      args = [path.join(BENCH_OUT, 'floor.mjs')]
    }
    // BENCH_PROFILE=dir: each server writes a V8 CPU profile there when it stops.
    if (process.env.BENCH_PROFILE) args = [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE}`, ...args]
    // BENCH_NODE_ARGS="--trace-gc …": extra node flags for the servers (diagnostics; kept logs show them).
    if (process.env.BENCH_NODE_ARGS) args = [...process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean), ...args]
    // BENCH_WARROOM_NODE_ARGS: node flags for War Room only (a flag it would ship with, against the reference as it is).
    if (kind === 'warroom' && process.env.BENCH_WARROOM_NODE_ARGS)
      args = [...process.env.BENCH_WARROOM_NODE_ARGS.split(' ').filter(Boolean), ...args]
    // Output goes to a file, not a pipe: a server logging into a pipe that its reader (this
    // process, at normal priority on a busy machine) does not drain blocks in its synchronous
    // log writes, and the table would measure that.
    const logFile = path.join(tmpdir(), `war-room-load-${kind}-${port}.log`)
    const fd = openSync(logFile, 'w')
    const proc = spawnPinned(pin.server, pin.nice, process.execPath, args, {
      cwd: root,
      env: { ...baseEnv, ...env },
      stdio: ['ignore', fd, fd],
    })
    closeSync(fd)
    const t = new Target(kind, port, proc, dataDir, logFile)
    await t.waitFor(/running at|floor relay on/, 30_000)
    if (kind === 'warroom') t.cookie = await signInAsAdmin({ url: t.httpUrl })
    return t
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.port}`
  }

  /** Where a room's socket connects; the room name is appended. */
  get wsBase() {
    return this.kind === 'warroom' ? `ws://127.0.0.1:${this.port}/sync/` : `ws://127.0.0.1:${this.port}/`
  }

  private get out(): string {
    try {
      return readFileSync(this.logFile, 'utf8')
    } catch {
      return ''
    }
  }

  private async waitFor(re: RegExp, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    let exited = false
    void this.exited.then(() => {
      exited = true
    })
    while (!re.test(this.out)) {
      if (exited) throw new Error(`${this.kind} exited:\n${this.out}`)
      if (Date.now() > deadline) throw new Error(`${this.kind} did not start:\n${this.out}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** War Room needs an account (and the admin's membership) per room; the others need nothing. */
  async createRooms(names: string[]) {
    if (this.kind !== 'warroom') return
    const server = { url: this.httpUrl }
    // 64 requests in flight at any time (waves of 50 each waited for their slowest request).
    let next = 0
    const worker = async () => {
      while (next < names.length) await createAccount(server, this.cookie!, { id: names[next++]! })
    }
    await Promise.all(Array.from({ length: Math.min(64, names.length) }, worker))
  }

  /** Loaded rooms (War Room's /healthz), or null for the others. */
  async loadedRooms(): Promise<number | null> {
    if (this.kind !== 'warroom') return null
    const res = await fetch(`${this.httpUrl}/healthz`)
    return ((await res.json()) as { rooms: number }).rooms
  }

  /** CPU time used so far (user + system), ms, from /proc (10 ms ticks). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) * 10
  }

  /** CPU time so far (user + system, ms) per thread (`BENCH_DEBUG`: where a window's CPU went). */
  threadCpuMs(): Map<string, number> {
    const out = new Map<string, number>()
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${this.proc.pid}/task`)
    } catch {
      return out
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${this.proc.pid}/task/${tid}/stat`, 'utf8')
        // Every thread of node is called "node": the main one by its id, the others by theirs.
        const name =
          tid === String(this.proc.pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}/${tid}`
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10)
        out.set('(system, all threads)', (out.get('(system, all threads)') ?? 0) + Number(fields[12]) * 10)
      } catch {
        // The thread ended meanwhile.
      }
    }
    return out
  }

  /** [ms on a CPU, ms runnable but waiting for one] so far, from /proc/PID/schedstat (all threads of the main one). */
  schedMs(): [number, number] {
    const [run, wait] = readFileSync(`/proc/${this.proc.pid}/schedstat`, 'utf8').split(' ').map(Number)
    return [run! / 1e6, wait! / 1e6]
  }

  /** Resident set size now, MB. */
  rssMB(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return kb / 1024
  }

  output() {
    return this.out
  }

  async stop() {
    // Killed: the data directory is thrown away, and War Room's orderly shutdown (every loaded
    // room persisted: 500 snapshots after the rooms scenario) is time between rounds, not a figure.
    // A CPU profile (BENCH_PROFILE) is written, and a kept log (BENCH_KEEP_LOG) flushed, only on an
    // orderly exit.
    this.proc.kill(process.env.BENCH_PROFILE || process.env.BENCH_KEEP_LOG ? 'SIGTERM' : 'SIGKILL')
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000)
    await this.exited
    clearTimeout(timer)
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true })
    // BENCH_KEEP_LOG=1 keeps the server's log (its path is printed) to read what it said under load.
    if (process.env.BENCH_KEEP_LOG) console.log(`  ${this.kind} log kept: ${this.logFile}`)
    else rmSync(this.logFile, { force: true })
  }
}
