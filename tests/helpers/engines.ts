/**
 * Real PostgreSQL and Redis for the multi-node tests, from Debian's packages (`.ci/run` installs
 * them when missing): each started on a free port with its data in a temporary directory, and
 * stopped (data removed) afterwards. PostgreSQL refuses to run as root, and CI runs as root: there
 * `initdb` and `pg_ctl` run through `runuser -u postgres`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import IORedis, { type RedisOptions } from 'ioredis'
import pg from 'pg'
import { isAlive } from '../../server/storage/DataDirLock.ts'

const run = promisify(execFile)

/** A free TCP port on 127.0.0.1 (the port is released before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Where Debian keeps PostgreSQL's server programs (`/usr/lib/postgresql/<major>/bin`), newest first. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql'
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : []
  majors.sort((a, b) => Number(b) - Number(a))
  for (const major of majors) {
    const dir = path.join(root, major, 'bin')
    if (existsSync(path.join(dir, 'initdb'))) return dir
  }
  throw new Error('PostgreSQL is not installed (apt-get install postgresql); .ci/run installs it')
}

const isRoot = () => process.getuid?.() === 0

let binMajor: number | undefined
/**
 * `CREATE DATABASE` that copies its template's files (`STRATEGY FILE_COPY`, PostgreSQL 15+) instead
 * of writing every block of it through the WAL, 15's default: ~70 instead of ~300 ms of CPU per
 * database here (fsync off), and the tests make hundreds (one per data directory on PostgreSQL).
 */
export function createDatabaseStatement(name: string, template?: string): string {
  binMajor ??= Number(path.basename(path.dirname(postgresBinDir())))
  return `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}${binMajor >= 15 ? ' STRATEGY FILE_COPY' : ''}`
}

/** Runs a PostgreSQL program as the `postgres` user when we are root (initdb refuses root). */
function pgCommand(program: string, args: string[]): [string, string[]] {
  const bin = path.join(postgresBinDir(), program)
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
}

export interface Postgres {
  port: number
  /** `postgres://warroom@127.0.0.1:<port>/<database>` (trust authentication on 127.0.0.1 only). */
  url: string
  /** Creates another empty database on this server and returns its URL. */
  createDatabase(name: string): Promise<string>
  /** Stops the server (fast shutdown); `start` runs it again on the same port and data. */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the server and removes its data. */
  destroy(): Promise<void>
  /** The postmaster's process id (benchmarks read its CPU time and pin it). */
  pid(): number
}

export interface PostgresOptions {
  /** fsync off by default: the tests kill War Room processes, not PostgreSQL or the machine. */
  fsync?: boolean
  /** Database created at start (default `warroom`). */
  database?: string
}

/** A temporary directory the `postgres` user owns (when we are root), private to it. */
function postgresDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  if (isRoot()) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, id('-u'), id('-g'))
  }
  chmodSync(dir, 0o700)
  return dir
}

/**
 * One `initdb` per process, copied (`cp -a`, as the postgres user) into every server's data
 * directory after it: initdb costs ~1 s of CPU, the copy ~0.2 s, and a test process (a vitest worker
 * runs a layer's files one after the other) starts a PostgreSQL per file.
 */
let initialised: Promise<string> | undefined
function initialisedData(): Promise<string> {
  initialised ??= (async () => {
    // Named by process: vitest ends its workers with a signal ('exit' handlers do not run), so the
    // copies of processes that are gone are removed here, by the next one.
    for (const name of readdirSync(os.tmpdir())) {
      const pid = Number(/^warroom-pg-initdb-(\d+)-/.exec(name)?.[1])
      if (pid && pid !== process.pid && !isAlive(pid))
        rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true })
    }
    const dir = postgresDir(`warroom-pg-initdb-${process.pid}-`)
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const data = path.join(dir, 'data')
    const args = ['-D', data, '-U', 'warroom', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']
    const [initCmd, initArgs] = pgCommand('initdb', args)
    await run(initCmd, initArgs, { cwd: dir })
    return data
  })().catch((e) => {
    initialised = undefined
    throw e
  })
  return initialised
}

/** Starts a throw-away PostgreSQL server. */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const dir = postgresDir('warroom-pg-')
  const data = path.join(dir, 'data')
  const port = await freePort()
  const [cpCmd, cpArgs] = isRoot() ? ['runuser', ['-u', 'postgres', '--', 'cp', '-a']] : ['cp', ['-a']]
  await run(cpCmd, [...cpArgs, await initialisedData(), data], { cwd: dir })
  const settings = [
    `-p ${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${dir}'`,
    `-c fsync=${options.fsync ? 'on' : 'off'}`,
    '-c full_page_writes=off',
    '-c max_connections=200',
    '-c shared_buffers=32MB',
  ].join(' ')
  const start = async () => {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'log'), '-w', 'start'])
    await run(cmd, args, { cwd: dir })
  }
  const stop = async () => {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    await run(cmd, args, { cwd: dir }).catch(() => {})
  }
  await start()
  const base = `postgres://warroom@127.0.0.1:${port}`
  const createDatabase = async (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
    const client = new pg.Client({ connectionString: `${base}/postgres` })
    await client.connect()
    try {
      await client.query(createDatabaseStatement(name))
    } finally {
      await client.end()
    }
    return `${base}/${name}`
  }
  const database = options.database ?? 'warroom'
  await createDatabase(database)
  // A test that fails before it stops its server must not leave it running.
  const onExit = () => {
    try {
      const [cmd, args] = pgCommand('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
      execFileSync(cmd, args, { stdio: 'ignore' })
    } catch {}
  }
  process.once('exit', onExit)
  return {
    port,
    url: `${base}/${database}`,
    createDatabase,
    stop,
    start,
    pid: () => Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    async destroy() {
      process.off('exit', onExit)
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface Redis {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /**
   * Stops the server (SIGTERM, no save); `start` runs it again on the same port. With `save` it
   * writes its data first (SHUTDOWN SAVE), and `start` loads it again: an outage that keeps Redis's
   * data (a network break, a restart of a persistent Redis).
   */
  stop(options?: { save?: boolean }): Promise<void>
  start(): Promise<void>
  /** Kills the server with SIGKILL. */
  kill(): Promise<void>
  destroy(): Promise<void>
  /** The running redis-server's process id (null while stopped). */
  pid(): number | null
}

/** Starts a throw-away Redis server (no persistence: it is the fan-out, not a store). */
export async function startRedis(): Promise<Redis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warroom-redis-'))
  const port = await freePort()
  let proc: ChildProcess | null = null
  const kill = () => proc?.kill('SIGKILL')
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      proc = child
      let out = ''
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 15_000)
      child.stdout!.on('data', (d) => {
        out += d
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.stderr!.on('data', (d) => (out += d))
      child.once('error', reject)
      child.once('exit', (code) => {
        clearTimeout(timer)
        if (!out.includes('Ready to accept connections')) reject(new Error(`redis-server exited ${code}:\n${out}`))
      })
    })
  const stopWith = (signal: NodeJS.Signals) => {
    const child = proc
    proc = null
    if (!child || child.exitCode !== null) return Promise.resolve()
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill(signal)
    })
  }
  await start()
  process.once('exit', kill)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async (options = {}) => {
      if (!options.save) return stopWith('SIGTERM')
      const child = proc
      if (!child || child.exitCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const admin = redisClient(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0, enableOfflineQueue: true })
      // SHUTDOWN never answers: the connection closes as the server exits.
      await admin.call('SHUTDOWN', 'SAVE').catch(() => {})
      await exited
      admin.disconnect()
      proc = null
    },
    kill: () => stopWith('SIGKILL'),
    pid: () => proc?.pid ?? null,
    async destroy() {
      process.off('exit', kill)
      await stopWith('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * An ioredis client for a test (admin commands, frames of a pretend node), with an error listener:
 * without one, every failed reconnect while a test has Redis stopped printed `[ioredis] Unhandled
 * error event: ECONNREFUSED` (tests/helpers/redisErrorGuard.ts now fails such a test). The errors
 * are kept in `errors`.
 */
export function redisClient(url: string, options: RedisOptions = {}): IORedis & { errors: Error[] } {
  const client = Object.assign(new IORedis(url, options), { errors: [] as Error[] })
  client.on('error', (e: Error) => client.errors.push(e))
  return client
}
