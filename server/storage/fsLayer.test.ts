import { constants as fsc, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeFs } from './fsLayer.ts'

/** The open-file flags the kernel holds for this process's descriptors of `file` (Linux: /proc). */
function kernelFlags(file: string): number[] {
  const flags: number[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      continue
    }
    if (target !== file) continue
    const m = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))
    if (m) flags.push(Number.parseInt(m[1]!, 8))
  }
  return flags
}

describe('nodeFs', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it.skipIf(process.platform !== 'linux')(
    "opens 'ad' (the update log) O_DSYNC and appending, 'a' without O_DSYNC",
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'fslayer-'))
      const durable = path.join(dir, 'log-0000000000')
      const plain = path.join(dir, 'probe')
      const d = await nodeFs.open(durable, 'ad')
      const p = await nodeFs.open(plain, 'a')
      try {
        const [df] = kernelFlags(durable)
        const [pf] = kernelFlags(plain)
        expect(df! & fsc.O_DSYNC).toBe(fsc.O_DSYNC)
        expect(df! & fsc.O_APPEND).toBe(fsc.O_APPEND)
        expect(pf! & fsc.O_DSYNC).toBe(0)
        // Appends, and creates the file.
        await d.append(Buffer.from('ab'))
        await d.append(Buffer.from('cd'))
        expect(readFileSync(durable, 'utf8')).toBe('abcd')
      } finally {
        await d.close()
        await p.close()
      }
    },
  )
})
