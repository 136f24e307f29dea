import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

/** Where `vite dev` forwards API and sync traffic (the server started with `npm run serve`). */
const devServer = process.env.WAR_ROOM_DEV_SERVER ?? 'http://127.0.0.1:8787'

/**
 * The server's worker threads bundled once per run instead of booting tsx in each (~1–2 s of CPU
 * per thread; tests/helpers/workerBundles.ts). Every layer that starts servers; not unit, which
 * keeps the tsx boot path tested.
 */
const workerBundles = 'tests/helpers/workerBundles.ts'

/**
 * The node layers that start servers run their files one after the other in the same vitest worker
 * (`isolate: false`), not each in a fresh one: importing a file's module graph (the server, yjs,
 * hono, pg, …) cost ~1.8 s of CPU per file, every file again. Their files share no global state:
 * each starts its own servers, data directories and engines and closes them after itself; nothing
 * mocks a module, stubs a global or sets process.env (fake timers are restored in the same test).
 */
const sharedWorker = { isolate: false }

export default defineConfig({
  root: 'client',
  envPrefix: ['VITE_', 'TLDRAW_'],
  plugins: [react()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    // tldraw fetch()es its translation files; inlined as data: URLs they would be refused by the
    // page's Content-Security-Policy (connect-src 'self'), so JSON assets always stay files.
    assetsInlineLimit: (file) => (file.endsWith('.json') ? false : undefined),
  },
  server: {
    proxy: {
      '/api': devServer,
      '/healthz': devServer,
      '/sync': { target: devServer.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    root: '.',
    // Two cores: keep files from starving each other of CPU (browser tests especially).
    fileParallelism: true,
    maxWorkers: 2,
    // A layer may be empty while it is being built (faults, scale); the others always have files.
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          ...sharedWorker,
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: [workerBundles],
        },
      },
      {
        extends: true,
        test: {
          // The whole integration layer again on the PostgreSQL stores (DATABASE_URL; one real
          // PostgreSQL for the run, a database per data directory: tests/helpers/pgGlobalSetup.ts).
          // Checks that look at what is stored ask tests/helpers/suiteStores.ts; the few that are
          // about files by nature (a torn log, a power cut) skip themselves there, naming their twin.
          name: 'integration-pg',
          ...sharedWorker,
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: [workerBundles, 'tests/helpers/pgGlobalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Attacks and failures against a real server: disk full, corrupt logs, floods, races.
          name: 'faults',
          ...sharedWorker,
          include: ['tests/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: [workerBundles],
        },
      },
      {
        extends: true,
        test: {
          // The faults about records, documents and sync again on the PostgreSQL stores. Left out:
          // the file system's own faults — db-durability (a power cut on db.json), disk-full (ENOSPC,
          // EIO, a full tmpfs), log-corruption (damaged log files), unload (snapshot renames counted
          // on the file layer); their PostgreSQL twins: tests/scale/pg-server.test.ts and
          // cluster.test.ts (a database refusing writes, kill -9), docstore.contract.test.ts. And the
          // faults that never reach a store (the same code on either): connections (socket caps at
          // the upgrade), awareness-flood (presence is not stored), web-hardening (hosts, headers,
          // body limits) — ~30 s of test time saved; all three passed on PostgreSQL once (faults-pg,
          // 1 Dec 2026).
          name: 'faults-pg',
          ...sharedWorker,
          include: ['tests/faults/**/*.test.ts'],
          exclude: [
            ...['db-durability', 'disk-full', 'log-corruption', 'unload'],
            ...['connections', 'awareness-flood', 'web-hardening'],
          ].map((f) => `tests/faults/${f}.test.ts`),
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: [workerBundles, 'tests/helpers/pgGlobalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Several server processes on real PostgreSQL and Redis (multi-node mode).
          name: 'scale',
          ...sharedWorker,
          include: ['tests/scale/**/*.test.ts'],
          environment: 'node',
          // An ioredis error event nobody handles fails the test (ioredis only prints it).
          setupFiles: ['tests/helpers/redisErrorGuard.ts'],
          globalSetup: [workerBundles],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          // The same as the node layers (sharedWorker above): a browser file imports the server and
          // playwright too, and its pages, servers and Chromium are its own, closed after it.
          ...sharedWorker,
          // A hang guard, not a timing check: a CI runner shared with other work (load 25–30 on two
          // cores) took 121 s for the two-language screenshot test that takes ~25 s on a quiet machine.
          testTimeout: 300_000,
          hookTimeout: 120_000,
          globalSetup: [workerBundles, 'tests/browser/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The browser files whose server path reads or writes a store beyond loading a room, again
          // on the PostgreSQL stores (the same mechanism as integration-pg: tests/helpers/pgGlobalSetup.ts
          // and startTestServer's database per data directory). Part of `npm test`; alone:
          // `npm run test:browser-pg`. Left out: cannot-save
          // (a disk failing through the file-system layer, FaultFs: files by nature; twin on
          // PostgreSQL: tests/scale/pg-server.test.ts's database refusing writes), and the files
          // whose store path is only a room's load and save, which sync and offline cover here:
          // live, present, shapes, export (drawing, presenting and exporting are the same code on
          // either store), language and forms (sign-in and set-up: integration-pg's auth).
          name: 'browser-pg',
          include: [
            ...['sync', 'offline', 'review', 'access', 'members', 'audit', 'assets', 'schema', 'refused'],
            ...['plan', 'contacts'],
          ].map((f) => `tests/browser/${f}.test.ts`),
          environment: 'node',
          ...sharedWorker,
          testTimeout: 300_000,
          hookTimeout: 120_000,
          globalSetup: [workerBundles, 'tests/browser/globalSetup.ts', 'tests/helpers/pgGlobalSetup.ts'],
        },
      },
    ],
  },
})
