/**
 * globalSetup of the layers that start servers (integration, faults, scale, browser and their
 * PostgreSQL twins): the server bundled once per test run from the current source, as `npm start`
 * runs it (server/buildOptions.mjs) — its entry (main.mjs, for child server processes) and its
 * worker threads (plan, compaction, PostgreSQL rebuild) — instead of booting tsx again in every
 * thread and every child process.
 *
 * Why: a server started from source runs its workers through their tsx boot files
 * (server/plan/planWorker.boot.mjs, …), and every thread booting tsx costs ~1–2 s of CPU (tsx's
 * loader hooks thread, every module transformed and resolved through it). The suite starts
 * servers by the hundred — one integration file started 26 worker threads, two thirds of its
 * CPU — on a machine whose two cores the suite keeps busy. The boot files load these bundles
 * when WAR_ROOM_TEST_WORKER_BUNDLES names their directory (set here, inherited by vitest's
 * workers, their worker threads and child server processes); the unit layer does not set it,
 * so the tsx boot path stays tested there (server/plan/PlanService.test.ts starts real workers).
 *
 * Child server processes (tests/helpers/childServer.ts) run this directory's main.mjs the same
 * way: `node --import tsx server/main.ts` cost ~1.5–2 s of CPU per child (tsx's hooks, the whole
 * server transformed), and the crash, restart and multi-node tests start dozens. The source path
 * (`npm run serve`) stays tested by the children that ask for it (tests/integration/logs.test.ts).
 * The admin command's admin.mjs likewise (tests/faults/invariants.test.ts runs it eight times per
 * store; its first run goes through tsx, as `npm run admin` does).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
// @ts-expect-error plain .mjs without types (it runs before anything is built)
import { serverBuildOptions } from '../../server/buildOptions.mjs'

const root = path.resolve(import.meta.dirname, '../..')

/** The entries of the server bundle: main.mjs and the workers under the names their boot files import. */
const ENTRIES = ['main', 'planWorker.boot', 'compactWorker.boot', 'rebuildWorker.boot']
/** And the admin command (`npm run admin` runs it through tsx), for the tests that run it many times. */
const ADMIN = { admin: 'server/admin.ts' }

export default async function setup(): Promise<(() => void) | undefined> {
  // One build per run: every project lists this setup, and they all run in vitest's main process.
  if (process.env.WAR_ROOM_TEST_WORKER_BUNDLES) return undefined
  // Inside node_modules so the bundles' bare imports (yjs, pg, …) resolve from the repository's
  // node_modules; one directory per run, so two runs in one worktree do not overwrite each other.
  const outdir = path.join(root, 'node_modules/.cache/war-room-test-workers', String(process.pid))
  mkdirSync(outdir, { recursive: true })
  const options = serverBuildOptions(root)
  await build({
    ...options,
    entryPoints: { ...Object.fromEntries(ENTRIES.map((w) => [w, options.entryPoints[w]])), ...ADMIN },
    outdir,
    // The bundle stands in server/'s place (import.meta.dirname), wherever it is written.
    banner: { js: `const __warRoomServerDir = ${JSON.stringify(path.join(root, 'server'))};` },
  })
  // The PostgreSQL migrations beside the bundle, as server/build.mjs copies them into dist/server.
  cpSync(path.join(root, 'server/pg/migrations'), path.join(outdir, 'migrations'), { recursive: true })
  process.env.WAR_ROOM_TEST_WORKER_BUNDLES = pathToFileURL(`${outdir}/`).href
  return () => {
    delete process.env.WAR_ROOM_TEST_WORKER_BUNDLES
    rmSync(outdir, { recursive: true, force: true })
  }
}
