/**
 * The plan worker thread: keeps a replica Y.Doc of each room it is told about (fed the room's
 * stored updates once, then every later update), derives plan records from the replicas, and
 * writes each derived plan to its file durably. None of this runs on the server's event loop, so
 * a 50,000-record room (a second or more per derivation) never delays another room's edits.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs'
import path from 'node:path'
import { parentPort, threadId } from 'node:worker_threads'
import * as Y from 'yjs'
import { derivePlanFromDoc } from '../../shared/plan/readDoc.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import { type PlanSummary, type PlanWorkerReply, type PlanWorkerRequest, summarize } from './planProtocol.ts'

const docs = new Map<string, Y.Doc>()

function apply(doc: Y.Doc, updates: Uint8Array[]) {
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u)
  })
}

function writeDurably(file: string, text: string) {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.${path.basename(file)}.tmp`)
  const fd = openSync(tmp, 'w')
  try {
    const buf = Buffer.from(text)
    let off = 0
    while (off < buf.length) off += writeSync(fd, buf, off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
  const dfd = openSync(dir, 'r')
  try {
    fsyncSync(dfd)
  } finally {
    closeSync(dfd)
  }
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
        if (msg.file) {
          writeDurably(
            msg.file,
            `{"format":"war-room-plan","version":1,"summary":${JSON.stringify(summary)},"plan":${json}}`,
          )
        }
        return {
          id: msg.id,
          ok: true,
          summary,
          json: msg.wantPlan ? json : undefined,
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

parentPort!.on('message', (msg: PlanWorkerRequest) => {
  const reply = handle(msg)
  if (reply) parentPort!.postMessage(reply)
})
