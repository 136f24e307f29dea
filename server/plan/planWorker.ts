/**
 * The plan worker thread: keeps a replica Y.Doc of each room it is told about (fed the room's
 * stored updates once, then every later update), derives plan records from the replicas, and
 * encodes the plan file's content when asked (the event loop writes it, asynchronously, through
 * the injectable file-system layer). None of the derivation runs on the server's event loop, so
 * a 50,000-record room (a second or more per derivation) never delays another room's edits.
 */
import { parentPort, threadId } from 'node:worker_threads'
import * as Y from 'yjs'
import { derivePlanFromDoc } from '../../shared/plan/readDoc.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import { runAtLowPriority } from '../storage/threadPriority.ts'
import { type PlanSummary, type PlanWorkerReply, type PlanWorkerRequest, summarize } from './planProtocol.ts'

// Derivations give way to the event loop on a contended core (server/storage/threadPriority.ts).
runAtLowPriority()

const docs = new Map<string, Y.Doc>()

function apply(doc: Y.Doc, updates: Uint8Array[]) {
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u)
  })
}

function handle(msg: PlanWorkerRequest): PlanWorkerReply | null {
  switch (msg.op) {
    case 'open': {
      docs.get(msg.room)?.destroy()
      const doc = new Y.Doc()
      apply(doc, msg.updates)
      docs.set(msg.room, doc)
      return null
    }
    case 'apply': {
      const doc = docs.get(msg.room)
      if (doc) apply(doc, msg.updates)
      return null
    }
    case 'close':
      docs.get(msg.room)?.destroy()
      docs.delete(msg.room)
      return null
    case 'derive': {
      const started = performance.now()
      try {
        const doc = docs.get(msg.room)
        if (!doc) throw new Error(`room ${msg.room} is not open in the plan worker`)
        const bugs: string[] = []
        const plan: PlanRecord = derivePlanFromDoc(doc, {
          today: msg.today,
          staleContactDays: msg.staleContactDays,
          onError: (e) => bugs.push(e instanceof Error ? (e.stack ?? e.message) : String(e)),
        })
        const json = JSON.stringify(plan)
        const summary: PlanSummary = summarize(plan, msg.lastActivityAt)
        const file = msg.wantFile
          ? new TextEncoder().encode(
              `{"format":"war-room-plan","version":1,"summary":${JSON.stringify(summary)},"plan":${json}}`,
            )
          : undefined
        return {
          id: msg.id,
          ok: true,
          summary,
          json: msg.wantPlan ? json : undefined,
          file,
          ms: performance.now() - started,
          threadId,
          bugs,
        }
      } catch (e) {
        return { id: msg.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), threadId }
      }
    }
  }
}

// The service sends what it queued in one turn of its event loop as one message, in order.
parentPort!.on('message', (batch: PlanWorkerRequest[]) => {
  for (const msg of batch) {
    const reply = handle(msg)
    if (reply) parentPort!.postMessage(reply, reply.ok && reply.file ? [reply.file.buffer as ArrayBuffer] : [])
  }
})
