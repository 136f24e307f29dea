/**
 * esbuild's options for the server bundle (server/build.mjs), apart so that a test can build the
 * same graph in memory (server/build.test.ts: what an embedded server loads at start).
 *
 * @param {string} root the repository
 * @returns {import('esbuild').BuildOptions}
 */
export function serverBuildOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: {
      main: 'server/main.ts',
      'planWorker.boot': 'server/plan/planWorker.ts',
      'compactWorker.boot': 'server/storage/compactWorker.ts',
      'rebuildWorker.boot': 'server/pg/rebuildWorker.ts',
    },
    outdir: 'dist/server',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Modules behind a dynamic import (PostgreSQL, Redis: server/backend.ts, server/server.ts) become
    // chunks loaded when first used, so the embedded server never loads pg, ioredis or immer.
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    define: { 'import.meta.dirname': '__warRoomServerDir' },
    banner: {
      js: "import { fileURLToPath as __warRoomFileURLToPath } from 'node:url'; const __warRoomServerDir = __warRoomFileURLToPath(new URL('../../server', import.meta.url));",
    },
  }
}
