import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CloseCode, closeCodeFor } from './protocol'

const root = path.resolve(import.meta.dirname, '..')

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (/\.tsx?$/.test(name)) out.push(full)
  }
  return out
}

describe('close codes', () => {
  it('every CloseCode is in the one table of docs/api.md, and the table names no other', () => {
    const doc = readFileSync(path.join(root, 'docs/api.md'), 'utf8')
    const section = doc.slice(doc.indexOf('### Close codes'))
    const rows = [...section.matchAll(/^\| (\d{4}) \| `(\w+)`/gm)].map((m) => [m[2], Number(m[1])])
    expect(Object.fromEntries(rows)).toEqual(CloseCode)
  })

  it('no code closes a socket with a number instead of a CloseCode name', () => {
    const offenders: string[] = []
    for (const dir of ['client', 'server', 'shared', 'tests', 'bench']) {
      for (const file of sourceFiles(path.join(root, dir))) {
        if (file === import.meta.filename) continue
        const text = readFileSync(file, 'utf8')
        // close(4401, …), closeUser(id, 1012, …), toBe(4403) on a close code, code: 4000 + …
        const pattern = /\bclose\w*\([^)]*\b(1\d{3}|4\d{3})\b|(ended|code)\)\.toBe\(\d{4}\)|\b4000 \+/g
        for (const m of text.matchAll(pattern)) offenders.push(`${path.relative(root, file)}: ${m[0]}`)
      }
    }
    expect(offenders).toEqual([])
  })

  it('maps HTTP refusals onto their close codes', () => {
    expect([401, 403, 404].map(closeCodeFor)).toEqual([CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.NotFound])
  })
})
