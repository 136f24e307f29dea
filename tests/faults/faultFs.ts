/**
 * A file-system layer for the storage that passes every call to the real disk (a temp
 * directory) and fails the calls a test names, with the errno a full or failing disk gives
 * (ENOSPC, EIO). A failed append first writes part of its data for real, the way a disk that
 * fills up mid-write leaves a torn record.
 */
import { nodeFs, type OpenFlags, type StorageFileHandle, type StorageFs } from '../../server/storage/fsLayer.ts'

export type FsOp =
  | 'open'
  | 'append'
  | 'write'
  | 'datasync'
  | 'sync'
  | 'truncate'
  | 'close'
  | 'readFile'
  | 'readdir'
  | 'mkdir'
  | 'rename'
  | 'rm'
  | 'copyFile'
  | 'syncDir'

interface Rule {
  ops: FsOp[]
  code: string
  match: RegExp
  remaining: number
}

export function errno(code: string, op: string, file: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected fault, ${op} '${file}'`) as NodeJS.ErrnoException
  e.code = code
  e.syscall = op
  e.path = file
  return e
}

export class FaultFs implements StorageFs {
  /** Every call made, in order (file paths as given). */
  readonly calls: { op: FsOp; file: string }[] = []
  private rules: Rule[] = []

  /** Fails these operations on files matching `match` with `code`, `times` times (default: until healed). */
  fail(code: string, ops: FsOp[], opts: { match?: RegExp; times?: number } = {}) {
    this.rules.push({ ops, code, match: opts.match ?? /./, remaining: opts.times ?? Number.POSITIVE_INFINITY })
  }

  heal() {
    this.rules = []
  }

  /** Throws if a rule fails this call. */
  private check(op: FsOp, file: string) {
    this.calls.push({ op, file })
    const rule = this.rules.find((r) => r.remaining > 0 && r.ops.includes(op) && r.match.test(file))
    if (!rule) return
    rule.remaining--
    throw errno(rule.code, op, file)
  }

  async open(file: string, flags: OpenFlags): Promise<StorageFileHandle> {
    this.check('open', file)
    const real = await nodeFs.open(file, flags)
    const check = (op: FsOp) => this.check(op, file)
    return {
      async append(data) {
        try {
          check('append')
        } catch (e) {
          // Half the record reaches the file before the disk refuses the rest.
          await real.append(data.subarray(0, Math.floor(data.length / 2)))
          throw e
        }
        await real.append(data)
        // A durable append (`ad`) is a write and an fdatasync in one call: a fault named for
        // either fails it, the fsync's after the bytes reached the file (as a failing disk does).
        if (flags === 'ad') check('datasync')
      },
      async write(data) {
        try {
          check('write')
        } catch (e) {
          await real.write(data.subarray(0, Math.floor(data.length / 2)))
          throw e
        }
        await real.write(data)
      },
      async datasync() {
        check('datasync')
        await real.datasync()
      },
      async sync() {
        check('sync')
        await real.sync()
      },
      async truncate(length) {
        check('truncate')
        await real.truncate(length)
      },
      async close() {
        check('close')
        await real.close()
      },
    }
  }

  async readFile(file: string) {
    this.check('readFile', file)
    return nodeFs.readFile(file)
  }
  async readdir(dir: string) {
    this.check('readdir', dir)
    return nodeFs.readdir(dir)
  }
  async mkdir(dir: string) {
    this.check('mkdir', dir)
    return nodeFs.mkdir(dir)
  }
  async rename(from: string, to: string) {
    this.check('rename', to)
    return nodeFs.rename(from, to)
  }
  async rm(file: string) {
    this.check('rm', file)
    return nodeFs.rm(file)
  }
  async truncate(file: string, length: number) {
    this.check('truncate', file)
    return nodeFs.truncate(file, length)
  }
  async copyFile(from: string, to: string) {
    this.check('copyFile', to)
    return nodeFs.copyFile(from, to)
  }
  async syncDir(dir: string) {
    this.check('syncDir', dir)
    return nodeFs.syncDir(dir)
  }
}
