import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

/** Where `vite dev` forwards API and sync traffic (the server started with `npm run serve`). */
const devServer = process.env.WAR_ROOM_DEV_SERVER ?? 'http://127.0.0.1:8787'

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
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // Authorisation, accounts, reviews, plans, assets and viewers again on the PostgreSQL
          // stores (DATABASE_URL; tests/helpers/pgGlobalSetup.ts). The whole integration layer runs
          // there too (`WAR_ROOM_PG_SUITE=all`), but doubles its time and checks files on disk in places.
          name: 'integration-pg',
          include:
            process.env.WAR_ROOM_PG_SUITE === 'all'
              ? ['tests/integration/**/*.test.ts']
              : ['access', 'auth', 'reviews', 'plan', 'assets', 'viewer'].map((f) => `tests/integration/${f}.test.ts`),
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['tests/helpers/pgGlobalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Attacks and failures against a real server: disk full, corrupt logs, floods, races.
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Several server processes on real PostgreSQL and Redis (multi-node mode).
          name: 'scale',
          include: ['tests/scale/**/*.test.ts'],
          environment: 'node',
          // An ioredis error event nobody handles fails the test (ioredis only prints it).
          setupFiles: ['tests/helpers/redisErrorGuard.ts'],
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
          // A hang guard, not a timing check: a CI runner shared with other work (load 25–30 on two
          // cores) took 121 s for the two-language screenshot test that takes ~25 s on a quiet machine.
          testTimeout: 300_000,
          hookTimeout: 120_000,
          globalSetup: ['tests/browser/globalSetup.ts'],
        },
      },
    ],
  },
})
