/**
 * A file-system layer that models what a power cut leaves behind, by POSIX's rules: a file's
 * content survives only as of its last fsync, and a created, renamed or removed name only as of
 * the last fsync of its directory. Calls go to the real disk (the "page cache"); `survivors()`
 * writes the state a power cut at this instant would leave into another directory.
 *
 * Simplifications, both in the store's favour: directories created with mkdir count as durable,
 * and files the layer never saw are ignored.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { nodeFs, type OpenFlags, type StorageFileHandle } from '../../server/storage/fsLayer.ts'
import { FaultFs } from './faultFs.ts'

interface Inode {
  id: number
  /** The content a power cut leaves (null: never fsynced, so empty). */
  durable: Buffer | null
}

export class PowerCutFs extends FaultFs {
  private nextInode = 1
  /** Current (volatile) names → inodes. */
  private readonly names = new Map<string, Inode>()
  /** Durable names per directory → inodes. */
  private readonly durableNames = new Map<string, Map<string, Inode>>()

  private inodeFor(file: string, create: boolean): Inode | undefined {
    let inode = this.names.get(file)
    if (!inode && create) {
      inode = { id: this.nextInode++, durable: null }
      this.names.set(file, inode)
    }
    return inode
  }

  private pathOf(inode: Inode): string | undefined {
    for (const [name, i] of this.names) if (i === inode) return name
    return undefined
  }

  override async open(file: string, flags: OpenFlags): Promise<StorageFileHandle> {
    const handle = await super.open(file, flags)
    const inode = this.inodeFor(file, true)!
    const capture = async () => {
      const current = this.pathOf(inode) ?? file
      inode.durable = await fs.readFile(current)
    }
    return {
      ...handle,
      // A durable append (`ad`, O_DSYNC) is on disk once it returns.
      async append(d) {
        await handle.append(d)
        if (flags === 'ad') await capture()
      },
      write: (d) => handle.write(d),
      truncate: (n) => handle.truncate(n),
      close: () => handle.close(),
      async datasync() {
        await handle.datasync()
        await capture()
      },
      async sync() {
        await handle.sync()
        await capture()
      },
    }
  }

  override async rename(from: string, to: string) {
    await super.rename(from, to)
    const inode = this.names.get(from)
    this.names.delete(from)
    if (inode) this.names.set(to, inode)
  }

  override async rm(file: string) {
    await super.rm(file)
    for (const name of [...this.names.keys()]) {
      if (name === file || name.startsWith(file + path.sep)) this.names.delete(name)
    }
  }

  override async syncDir(dir: string) {
    await super.syncDir(dir)
    const entries = new Map<string, Inode>()
    for (const [name, inode] of this.names) if (path.dirname(name) === dir) entries.set(path.basename(name), inode)
    this.durableNames.set(dir, entries)
  }

  /** Writes what a power cut now would leave under `root` into `target` (same relative paths). */
  async survivors(root: string, target: string) {
    for (const [dir, entries] of this.durableNames) {
      const rel = path.relative(root, dir)
      if (rel.startsWith('..')) continue
      await nodeFs.mkdir(path.join(target, rel))
      for (const [base, inode] of entries) {
        await fs.writeFile(path.join(target, rel, base), inode.durable ?? Buffer.alloc(0))
      }
    }
  }
}
