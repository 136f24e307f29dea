/**
 * The PostgreSQL store's compaction thread: rebuilds a room's state from the rows a compaction
 * read (server/pg/rebuild.ts), so a big room never blocks the server's event loop.
 */
import { parentPort } from 'node:worker_threads'
import { rebuildState } from './rebuild.ts'

export interface RebuildRequest {
  id: number
  parts: Uint8Array[]
}

export type RebuildReply = { id: number; ok: true; state: Uint8Array } | { id: number; ok: false; error: string }

parentPort?.on('message', (msg: RebuildRequest) => {
  try {
    const state = rebuildState(msg.parts)
    parentPort!.postMessage({ id: msg.id, ok: true, state } satisfies RebuildReply, [state.buffer as ArrayBuffer])
  } catch (e) {
    parentPort!.postMessage({
      id: msg.id,
      ok: false,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    } satisfies RebuildReply)
  }
})
