import fs from 'node:fs'
import path from 'node:path'

/** Data directories locked by this process (a second server in the same process is refused too). */
const heldHere = new Set<string>()

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `DATA_DIR ${dataDir} is in use by another War Room server (pid ${pid}). ` +
        'Only one server may run per data directory: stop it, or set DATA_DIR to another folder.',
    )
    this.name = 'DataDirLockedError'
  }
}

/** Whether a process with this id exists (EPERM: it exists, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes `DATA_DIR/server.lock` (holding our pid) so that two servers never write the
 * same files. A lock left by a process that no longer runs (after `kill -9`) is taken over.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const dir = path.resolve(dataDir)
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'server.lock')
  if (heldHere.has(dir)) throw new DataDirLockedError(dir, process.pid)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx')
      fs.writeSync(fd, String(process.pid))
      fs.fsyncSync(fd)
      fs.closeSync(fd)
      heldHere.add(dir)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          heldHere.delete(dir)
          fs.rmSync(file, { force: true })
        },
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(fs.readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(dir, pid)
      }
      // Stale: its owner is gone.
      fs.rmSync(file, { force: true })
    }
  }
  throw new Error(`could not take the lock ${file}`)
}
