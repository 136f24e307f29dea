/**
 * `npm run build:server`: bundles the server into dist/server/ so that `npm start` runs plain
 * JavaScript on node, without the tsx loader (its hooks thread costs ~34 MB of an idle server's
 * memory, and every worker thread started through it boots tsx again: ~1 s of CPU, ~60 MB).
 *
 * - dist/server/main.mjs: server/main.ts and everything it imports from this repository;
 *   packages stay in node_modules (imported at run time, as before).
 * - dist/server/planWorker.boot.mjs, compactWorker.boot.mjs, rebuildWorker.boot.mjs: the worker threads,
 *   under the names the source starts them by (`new URL('./…boot.mjs', import.meta.url)`), so the
 *   same code starts the tsx boot files from source and these from the bundle.
 * - `import.meta.dirname` of the bundled code is the source's `server/` directory, so paths
 *   derived from it (the built client in dist/client) stay what they are from source.
 *
 * Plain .mjs (no TypeScript), so it runs before anything is built.
 */
import { cpSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')

await build({
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
})

// The PostgreSQL schema migrations, read beside the module that applies them (server/pg/migrate.ts).
cpSync(path.join(root, 'server/pg/migrations'), path.join(root, 'dist/server/migrations'), { recursive: true })
