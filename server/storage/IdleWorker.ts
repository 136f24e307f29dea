/**
 * A worker thread for occasional heavy jobs (rebuilding a big room's state): started on first use,
 * stopped after 30 s without work, one reply per request id. A worker that fails or exits answers
 * every waiting request with `{ ok: false, error }`; the next request starts a new one.
 */
import { Worker } from 'node:worker_threads'

export type WorkerFailure = { id: number; ok: false; error: string }

export class IdleWorker<Request extends { id: number }, Reply extends { id: number }> {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<number, (reply: Reply | WorkerFailure) => void>()
  private idleTimer: NodeJS.Timeout | null = null

  /** `url`: the worker's boot file (`new URL('./…boot.mjs', import.meta.url)`, see server/build.mjs). */
  constructor(private readonly url: URL) {}

  private get(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (this.worker) return this.worker
    const worker = new Worker(this.url)
    worker.unref()
    worker.on('message', (reply: Reply) => {
      const resolve = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      resolve?.(reply)
      if (this.waiting.size === 0) {
        this.idleTimer = setTimeout(() => void this.terminate(), 30_000)
        this.idleTimer.unref()
      }
    })
    const lost = (why: string) => {
      if (this.worker !== worker) return
      this.worker = null
      for (const [id, resolve] of this.waiting) resolve({ id, ok: false, error: why })
      this.waiting.clear()
    }
    worker.on('error', (e) => lost(`compaction worker failed: ${String(e)}`))
    worker.on('exit', (code) => lost(`compaction worker exited (${code})`))
    this.worker = worker
    return worker
  }

  /** Sends one job (its id is added) and resolves with the worker's reply. */
  request(job: Omit<Request, 'id'>): Promise<Reply | WorkerFailure> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.get().postMessage({ ...job, id })
    })
  }

  async terminate() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }
}
