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
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { serverBuildOptions } from './buildOptions.mjs'

const root = path.resolve(import.meta.dirname, '..')
const out = path.join(root, 'dist/server')

// Chunks of an earlier build would pile up beside the entries.
for (const f of existsSync(out) ? readdirSync(out) : [])
  if (/-[A-Z0-9]{8}\.mjs(\.map)?$/.test(f)) rmSync(path.join(out, f))

await build(serverBuildOptions(root))

// The PostgreSQL schema migrations, read beside the module that applies them (server/pg/migrate.ts).
cpSync(path.join(root, 'server/pg/migrations'), path.join(root, 'dist/server/migrations'), { recursive: true })
