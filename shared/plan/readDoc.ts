/**
 * Reads a room's Y.Doc into a PlanInput without touching it. The records array is a y-utility
 * YKeyValue log of `{ key, val }` entries; constructing a YKeyValue would rewrite the array
 * (it deletes shadowed duplicates), so the log is read directly: the rightmost entry for a key
 * wins, exactly as YKeyValue resolves it.
 */
import * as Y from 'yjs'
import { VOTES_MAP } from '../live/votes'
import { DocKeys } from '../protocol'
import { type DeriveOptions, derivePlan, type PlanInput } from './derive'
import type { PlanRecord } from './schema'

function toPlain(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value
}

/**
 * The account fields and tldraw records of a room's document. Top-level types that were never
 * created read as empty, and are not created by reading. Malformed log entries are passed
 * through as they are so that derivePlan reports them.
 */
export function readDocRecords(doc: Y.Doc): PlanInput {
  const records: unknown[] = []
  if (doc.share.has(DocKeys.records)) {
    const byKey = new Map<string, unknown>()
    for (const entry of doc.getArray<unknown>(DocKeys.records).toArray()) {
      const plain = toPlain(entry)
      if (typeof plain === 'object' && plain !== null && typeof (plain as { key?: unknown }).key === 'string') {
        const { key, val } = plain as { key: string; val: unknown }
        // Delete first so that Map order follows the log's order of latest writes.
        byKey.delete(key)
        byKey.set(key, toPlain(val))
      } else {
        records.push(plain)
      }
    }
    records.push(...byKey.values())
  }
  const account = doc.share.has(DocKeys.account) ? doc.getMap<unknown>(DocKeys.account).toJSON() : {}
  if (!doc.share.has(VOTES_MAP)) return { account, records }
  return { account, records, votes: doc.getMap<unknown>(VOTES_MAP).toJSON() }
}

/** derivePlan(readDocRecords(doc), options): the plan of a room's document as it is now. */
export function derivePlanFromDoc(doc: Y.Doc, options: DeriveOptions): PlanRecord {
  return derivePlan(readDocRecords(doc), options)
}
