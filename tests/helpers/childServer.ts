import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { signInAsAdmin } from './auth.ts'

const root = path.resolve(import.meta.dirname, '../..')

/** The real server entry point (`server/main.ts`, see ServerEntry) in a child process, for crash tests. */
export interface ChildServer {
  proc: ChildProcess
  port: number
  output: () => string
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>
  /** Signs in as the test administrator (set up on first use) with these accounts; returns the session cookie. */
  signIn(accounts?: string[]): Promise<string>
}

/**
 * Which build of the server a child process runs:
 * - `run` (the default): the server bundled once for this test run (main.mjs of
 *   tests/helpers/workerBundles.ts, the same esbuild options as `npm start`'s bundle), when the
 *   layer has that globalSetup; from source otherwise. Saves booting tsx in every child (~1.5–2 s
 *   of CPU each).
 * - `source`: `node --import tsx server/main.ts`, as `npm run serve` runs it.
 * - `bundle`: the built dist/server/main.mjs, as `npm start` runs it (build it first: server/build.mjs).
 */
export type ServerEntry = 'run' | 'source' | 'bundle'

function entryArgs(entry: ServerEntry): string[] {
  const runBundle = process.env.WAR_ROOM_TEST_WORKER_BUNDLES
  if (entry === 'run' && runBundle) return ['--enable-source-maps', fileURLToPath(new URL('main.mjs', runBundle))]
  if (entry === 'bundle') return ['--enable-source-maps', path.join(root, 'dist/server/main.mjs')]
  return ['--import', 'tsx', path.join(root, 'server/main.ts')]
}

export function spawnServer(
  env: Record<string, string>,
  entry: ServerEntry = 'run',
): {
  proc: ChildProcess
  output: () => string
  exited: Promise<number | string>
} {
  const proc = spawn(process.execPath, entryArgs(entry), {
    cwd: root,
    // Cheaper password hashing than production, and no demo account, unless a test asks.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PASSWORD_SCRYPT_LOG_N: '14', SEED_DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  // A test that fails or times out before it stops its server must not leave it running.
  const kill = () => proc.kill('SIGKILL')
  process.once('exit', kill)
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => {
      process.off('exit', kill)
      resolve(code ?? signal ?? -1)
    }),
  )
  return { proc, output: () => out, exited }
}

export async function startChildServer(env: Record<string, string>, entry: ServerEntry = 'run'): Promise<ChildServer> {
  const child = spawnServer(env, entry)
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${child.output()}`)), 90_000)
    const check = () => {
      const m = /running at http:\/\/[^:]+:(\d+)/.exec(child.output())
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.proc.stdout!.on('data', check)
    void child.exited.then(() => reject(new Error(`server exited:\n${child.output()}`)))
  })
  return { ...child, port, signIn: (accounts = []) => signInAsAdmin({ url: `http://127.0.0.1:${port}` }, accounts) }
}
