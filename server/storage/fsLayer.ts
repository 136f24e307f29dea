/**
 * The file-system calls the embedded storage makes, behind one small interface so tests can
 * inject faults (ENOSPC, EIO on write and fsync) between the store and the real disk. The
 * default implementation is `node:fs/promises`, nothing more.
 */
import { promises as fs, constants as fsc } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'

export interface StorageFileHandle {
  /**
   * Writes the whole buffer at the end of the file (handles are opened for appending). On a
   * handle opened with `ad` it resolves only once the bytes are durable (see {@link StorageFs.open}).
   */
  append(data: Uint8Array): Promise<void>
  /** Writes the whole buffer at the current position (handles opened with `w`). */
  write(data: Uint8Array): Promise<void>
  datasync(): Promise<void>
  sync(): Promise<void>
  truncate(length: number): Promise<void>
  close(): Promise<void>
}

/**
 * `a`: append; `w`: write from the start; `ad`: append durably — every write returns once its
 * bytes and the metadata needed to read them back are on disk (`O_DSYNC`: one call doing what a
 * write followed by an fdatasync does, so one thread-pool round trip instead of two).
 */
export type OpenFlags = 'a' | 'w' | 'ad'

export interface StorageFs {
  open(file: string, flags: OpenFlags): Promise<StorageFileHandle>
  readFile(file: string): Promise<Buffer>
  readdir(dir: string): Promise<string[]>
  mkdir(dir: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  rm(file: string): Promise<void>
  truncate(file: string, length: number): Promise<void>
  copyFile(from: string, to: string): Promise<void>
  /** fsync of a directory, so that created, renamed and removed entries are durable. */
  syncDir(dir: string): Promise<void>
}

class NodeFileHandle implements StorageFileHandle {
  constructor(private readonly handle: FileHandle) {}

  async append(data: Uint8Array) {
    // A short write (disk nearly full) is continued; the next call then fails with ENOSPC.
    let off = 0
    while (off < data.length) {
      const { bytesWritten } = await this.handle.write(data, off, data.length - off)
      off += bytesWritten
    }
  }

  write(data: Uint8Array) {
    return this.append(data)
  }

  datasync() {
    return this.handle.datasync()
  }

  sync() {
    return this.handle.sync()
  }

  truncate(length: number) {
    return this.handle.truncate(length)
  }

  close() {
    return this.handle.close()
  }
}

/** The real disk. */
export const nodeFs: StorageFs = {
  async open(file, flags) {
    const mode = flags === 'ad' ? fsc.O_WRONLY | fsc.O_APPEND | fsc.O_CREAT | fsc.O_DSYNC : flags
    return new NodeFileHandle(await fs.open(file, mode, 0o666))
  },
  // open, fstat, one read of the whole file, close: fs/promises' readFile reads in 512-KiB
  // chunks, one thread-pool round trip each (a megabyte snapshot: six instead of four). Like it,
  // this reads the size fstat reported. The close is not waited for (a read-only descriptor: the
  // bytes are read; nothing of the caller's depends on it), so the caller has them a round trip
  // sooner.
  async readFile(file) {
    const handle = await fs.open(file, 'r')
    try {
      const { size } = await handle.stat()
      const buf = Buffer.allocUnsafeSlow(size)
      let off = 0
      while (off < size) {
        const { bytesRead } = await handle.read(buf, off, size - off, off)
        if (bytesRead === 0) break
        off += bytesRead
      }
      return off < size ? buf.subarray(0, off) : buf
    } finally {
      handle.close().catch(() => {})
    }
  },
  readdir: (dir) => fs.readdir(dir),
  mkdir: async (dir) => {
    await fs.mkdir(dir, { recursive: true })
  },
  rename: (from, to) => fs.rename(from, to),
  rm: (file) => fs.rm(file, { force: true, recursive: true }),
  truncate: (file, length) => fs.truncate(file, length),
  copyFile: (from, to) => fs.copyFile(from, to),
  async syncDir(dir) {
    const handle = await fs.open(dir, fsc.O_RDONLY)
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  },
}

export function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT'
}

export async function readIfExists(fsl: StorageFs, file: string): Promise<Buffer | null> {
  try {
    return await fsl.readFile(file)
  } catch (e) {
    if (isMissing(e)) return null
    throw e
  }
}

/**
 * Replaces `file` durably: the bytes go to a temp file that is fsynced, renamed over the
 * target, and the directory is fsynced. After it resolves the new content survives a power
 * cut; a failure anywhere leaves the old content in place.
 */
export async function writeFileDurably(fsl: StorageFs, file: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.${path.basename(file)}.tmp`)
  const handle = await fsl.open(tmp, 'w')
  try {
    await handle.write(data)
    await handle.sync()
  } catch (e) {
    await handle.close().catch(() => {})
    await fsl.rm(tmp).catch(() => {})
    throw e
  }
  await handle.close()
  await fsl.rename(tmp, file)
  await fsl.syncDir(dir)
}
