/**
 * The one lifecycle of the server's worker threads (compaction, PostgreSQL rebuilds, the plan
 * worker): started on first use, stopped `idleMs` after the last reply once nothing waits and
 * nothing else holds it ({@link IdleWorkerOptions.holds}), one reply per request id. A worker
 * that fails or exits answers every waiting request with `{ ok: false, error }` and tells
 * {@link IdleWorkerOptions.onLost}; the next message starts a new one.
 */
import { Worker } from 'node:worker_threads'

export type WorkerFailure = { id: number; ok: false; error: string }

export interface IdleWorkerOptions {
  /** How errors name it ("compaction worker"). */
  name?: string
  /** Stopped this long after it fell idle (default 30 s). */
  idleMs?: number
  /**
   * Whether something besides waiting requests still needs the thread (state it keeps, such as
   * the plan worker's replicas): it is not stopped while this answers true; call
   * {@link IdleWorker.idleCheck} once it may answer false.
   */
  holds?: () => boolean
  /**
   * Messages posted in one turn of the event loop go as one message, an array in order (one
   * structured clone and one wake-up of the thread for hundreds of small messages).
   */
  batch?: boolean
  /** The thread failed or exited while running (what it kept is gone). */
  onLost?: (why: string) => void
  /** Where a failing thread's error is logged (besides the answers to waiting requests). */
  log?: (msg: string) => void
}

export class IdleWorker<Request extends { id: number }, Reply extends { id: number }> {
  private worker: Worker | null = null
  private nextId = 1
  private readonly waiting = new Map<number, (reply: Reply | WorkerFailure) => void>()
  private idleTimer: NodeJS.Timeout | null = null
  private queue: unknown[] = []
  private queueTransfer: ArrayBuffer[] = []

  /** `url`: the worker's boot file (`new URL('./…boot.mjs', import.meta.url)`, see server/build.mjs). */
  constructor(
    private readonly url: URL,
    private readonly options: IdleWorkerOptions = {},
  ) {}

  private get name() {
    return this.options.name ?? 'compaction worker'
  }

  /** Whether a thread is running now (tests, diagnostics). */
  get running(): boolean {
    return this.worker !== null
  }

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
      this.idleCheck()
    })
    const lost = (why: string) => {
      if (this.worker !== worker) return
      this.worker = null
      if (this.idleTimer) clearTimeout(this.idleTimer)
      this.idleTimer = null
      for (const [id, resolve] of this.waiting) resolve({ id, ok: false, error: why })
      this.waiting.clear()
      this.options.onLost?.(why)
    }
    worker.on('error', (e) => {
      this.options.log?.(`[${this.name}] failed: ${e instanceof Error ? e.stack : String(e)}`)
      lost(`${this.name} failed: ${String(e)}`)
    })
    worker.on('exit', (code) => lost(`${this.name} exited (${code})`))
    this.worker = worker
    return worker
  }

  /** Starts the thread now (it loads its code while the caller prepares the first job). */
  warm() {
    this.get()
  }

  /** Sends one message that expects no reply (batched per turn with `batch`). */
  post(msg: unknown, transfer: ArrayBuffer[] = []) {
    const worker = this.get()
    if (!this.options.batch) {
      worker.postMessage(msg, transfer)
      return
    }
    if (this.queue.length === 0) queueMicrotask(this.sendQueue)
    this.queue.push(msg)
    this.queueTransfer.push(...transfer)
  }

  /** Sends one job (its id is added) and resolves with the worker's reply. */
  request(job: Omit<Request, 'id'>, transfer: ArrayBuffer[] = []): Promise<Reply | WorkerFailure> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.post({ ...job, id }, transfer)
    })
  }

  private readonly sendQueue = () => {
    const batch = this.queue
    const transfer = this.queueTransfer
    this.queue = []
    this.queueTransfer = []
    if (this.worker) {
      this.worker.postMessage(batch, transfer)
      return
    }
    // Stopped in this turn (closing): nobody is left to answer.
    for (const m of batch) {
      const id = (m as { id?: number }).id
      if (id === undefined) continue
      const resolve = this.waiting.get(id)
      this.waiting.delete(id)
      resolve?.({ id, ok: false, error: `${this.name} stopped` })
    }
  }

  /** Starts the idle countdown if nothing waits and nothing holds the thread. */
  idleCheck() {
    if (!this.worker || this.idleTimer || this.waiting.size > 0 || this.options.holds?.()) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.waiting.size === 0 && !this.options.holds?.()) void this.terminate()
    }, this.options.idleMs ?? 30_000)
    this.idleTimer.unref()
  }

  async terminate() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }
}
