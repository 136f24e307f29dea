/**
 * What the bundled embedded server (`npm start`) loads before it serves: the modules of the
 * multi-node mode (pg, ioredis, immer) and the sheet readers and writer of the import route
 * (papaparse, read-excel-file, write-excel-file, fflate) stay out of its start-up graph and load
 * when first used (issue 11: an idle server's memory). Builds the same graph as server/build.mjs
 * in memory and follows the static imports from the entry.
 */
import path from 'node:path'
import { build, type Metafile } from 'esbuild'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs without types (it runs before anything is built)
import { serverBuildOptions } from './buildOptions.mjs'

const root = path.resolve(import.meta.dirname, '..')
const LAZY = ['pg', 'ioredis', 'immer', 'papaparse', 'read-excel-file', 'write-excel-file', 'fflate']
const pkg = (spec: string) =>
  (spec.startsWith('@') ? spec.split('/').slice(0, 2) : spec.split('/').slice(0, 1)).join('/')

async function graph() {
  const result = await build({ ...serverBuildOptions(root), write: false, metafile: true, logLevel: 'silent' })
  return (result.metafile as Metafile).outputs
}

/** Packages an output loads before it runs, following `import` statements only (not `import()`). */
function packagesAtStart(outputs: Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const imp of outputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue
      if (imp.external) packages.add(pkg(imp.path))
      else visit(imp.path)
    }
  }
  visit(entry)
  return packages
}

describe('the bundled server', () => {
  it('starts without the multi-node and sheet modules, and loads them on first use', async () => {
    const outputs = await graph()
    const atStart = packagesAtStart(outputs, 'dist/server/main.mjs')
    expect(atStart.has('yjs')).toBe(true)
    expect(LAZY.filter((p) => atStart.has(p))).toEqual([])
    // Still in the bundle, behind a dynamic import: the PostgreSQL mode and the import route work.
    const everywhere = new Set(
      Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => pkg(i.path))),
    )
    expect(LAZY.filter((p) => !everywhere.has(p))).toEqual([])
  }, 60_000)
})
