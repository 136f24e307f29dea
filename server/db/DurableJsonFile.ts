import type { Adapter } from 'lowdb'
import { nodeFs, readIfExists, type StorageFs, writeFileDurably } from '../storage/fsLayer.ts'

/**
 * A lowdb adapter that writes its JSON file **durably**: temp file, fsync, rename, fsync of the
 * directory (lowdb's own JSONFile renames without fsync: atomic, but a power cut can still lose
 * the write after the request answered). Writes are serialised and coalesced: a write asked
 * for while another is in flight is folded into the next one, which serialises the data as it
 * is when that write starts, so every caller's change is on disk when its promise resolves.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  private writing = false
  private next: { data: T; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | null = null

  constructor(
    private readonly file: string,
    private readonly fs: StorageFs = nodeFs,
  ) {}

  async read(): Promise<T | null> {
    const buf = await readIfExists(this.fs, this.file)
    if (!buf) return null
    return JSON.parse(buf.toString('utf8')) as T
  }

  write(data: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.next ??= { data, waiters: [] }
      this.next.data = data
      this.next.waiters.push({ resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain() {
    this.writing = true
    while (this.next) {
      const job = this.next
      this.next = null
      try {
        await writeFileDurably(this.fs, this.file, Buffer.from(JSON.stringify(job.data)))
        for (const w of job.waiters) w.resolve()
      } catch (e) {
        for (const w of job.waiters) w.reject(e)
      }
    }
    this.writing = false
  }
}
