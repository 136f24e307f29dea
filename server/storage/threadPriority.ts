/**
 * Background threads (the plan worker, the compaction worker) run at a lower scheduling priority
 * (nice 10: about a tenth of the main thread's share of a contended core, never starved), so that on a busy core the event loop — every client's edits — always comes first:
 * under load the server's main thread was measured waiting for its core 6–15 % of the time while
 * its own worker threads ran there (bench/load, BENCH_DEBUG), and the reference server, with no
 * threads of its own, waited 0 %. Linux only (the thread's own id from /proc/thread-self); lowering
 * one's own priority needs no privilege. Elsewhere, or when refused, nothing changes.
 */
import { readlinkSync } from 'node:fs'
import { constants, setPriority } from 'node:os'

/** Lowers the calling thread's priority (nice 10); returns whether it did. */
export function runAtLowPriority(): boolean {
  if (process.platform !== 'linux') return false
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false
    setPriority(tid, constants.priority.PRIORITY_BELOW_NORMAL)
    return true
  } catch {
    return false
  }
}
