/**
 * The compaction worker thread: rebuilds a room's state from what is durable on disk (its
 * snapshot and the log generations being retired), so that encoding a big room's state never
 * runs on the server's event loop. Reads only; the store writes the new snapshot.
 */
import { readFileSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import * as Y from 'yjs'
import { decodeLog, decodeSnapshot } from './FileDocStore.ts'
import { runAtLowPriority } from './threadPriority.ts'

// Rebuilding a big room's state gives way to the event loop (see threadPriority.ts).
runAtLowPriority()

export interface CompactRequest {
  id: number
  room: string
  snapshot: string
  logs: string[]
}

export type CompactReply =
  | { id: number; ok: true; state: Uint8Array; ms: number }
  | { id: number; ok: false; error: string; code?: string }

function read(file: string): Buffer | null {
  try {
    return readFileSync(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

parentPort?.on('message', (msg: CompactRequest) => {
  const started = performance.now()
  try {
    const doc = new Y.Doc()
    doc.transact(() => {
      const snapshot = read(msg.snapshot)
      if (snapshot) Y.applyUpdate(doc, decodeSnapshot(msg.room, snapshot))
      for (const file of msg.logs) {
        const log = read(file)
        if (log) for (const u of decodeLog(log).records) Y.applyUpdate(doc, u)
      }
    })
    const state = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    const reply: CompactReply = { id: msg.id, ok: true, state, ms: performance.now() - started }
    parentPort!.postMessage(reply, [state.buffer as ArrayBuffer])
  } catch (e) {
    const reply: CompactReply = {
      id: msg.id,
      ok: false,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      code: (e as NodeJS.ErrnoException).code,
    }
    parentPort!.postMessage(reply)
  }
})
