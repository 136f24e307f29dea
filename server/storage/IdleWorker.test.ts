import { afterEach, describe, expect, it, vi } from 'vitest'
import { IdleWorker } from './IdleWorker.ts'

// A real worker thread: answers each job with how many messages its batch held; `crash` exits.
const ECHO = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads'
    parentPort.on('message', (msg) => {
      const batch = Array.isArray(msg) ? msg : [msg]
      for (const m of batch) {
        if (m.op === 'crash') process.exit(3)
        if (m.id !== undefined) parentPort.postMessage({ id: m.id, ok: true, batch: Array.isArray(msg) ? batch.length : 0, op: m.op })
      }
    })
  `)}`,
)

type Job = { id: number; op: string }
type Reply = { id: number; ok: true; batch: number; op: string }

const workers: IdleWorker<Job, Reply>[] = []
const make = (options: ConstructorParameters<typeof IdleWorker>[1] = {}) => {
  const w = new IdleWorker<Job, Reply>(ECHO, options)
  workers.push(w)
  return w
}

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(workers.splice(0).map((w) => w.terminate()))
})

describe('IdleWorker (the one lifecycle of the worker threads)', () => {
  it('sends what one turn posted as one message, in order, and answers each request', async () => {
    const w = make({ batch: true })
    w.post({ op: 'open' })
    const a = w.request({ op: 'a' })
    const b = w.request({ op: 'b' })
    expect(await a).toMatchObject({ ok: true, op: 'a', batch: 3 })
    expect(await b).toMatchObject({ ok: true, op: 'b', batch: 3 })
  })

  it('is kept while something holds it, and stopped an idle period after nothing does', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let held = true
    const w = make({ idleMs: 1000, holds: () => held })
    expect(await w.request({ op: 'a' })).toMatchObject({ ok: true })
    expect(w.running).toBe(true)
    // Nothing waits, but the holder still needs it (the plan worker's replicas): not stopped.
    vi.advanceTimersByTime(5000)
    expect(w.running).toBe(true)
    held = false
    w.idleCheck()
    vi.advanceTimersByTime(999)
    expect(w.running).toBe(true)
    vi.advanceTimersByTime(1)
    expect(w.running).toBe(false)
    // The next job starts a new thread.
    expect(await w.request({ op: 'b' })).toMatchObject({ ok: true, op: 'b' })
  })

  it('is stopped an idle period after its last reply when nothing holds it (the compaction worker)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const w = make({ idleMs: 30_000 })
    await w.request({ op: 'a' })
    vi.advanceTimersByTime(29_999)
    expect(w.running).toBe(true)
    vi.advanceTimersByTime(1)
    expect(w.running).toBe(false)
  })

  it('answers every waiting request when the thread dies, tells the owner, and starts anew', async () => {
    const lost: string[] = []
    const w = make({ name: 'test worker', batch: true, onLost: (why) => lost.push(why) })
    // One batch: 'a' is answered, then the thread exits while 'crash' waits.
    const a = w.request({ op: 'a' })
    const crash = w.request({ op: 'crash' })
    expect(await a).toMatchObject({ ok: true, op: 'a' })
    expect(await crash).toEqual({ id: expect.any(Number), ok: false, error: 'test worker exited (3)' })
    expect(lost).toEqual(['test worker exited (3)'])
    expect(w.running).toBe(false)
    expect(await w.request({ op: 'b' })).toMatchObject({ ok: true, op: 'b' })
  })
})
