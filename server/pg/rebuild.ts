import * as Y from 'yjs'

/**
 * One state update equivalent to these updates (a snapshot, then log rows): applied to a fresh
 * document and encoded again. Not `Y.mergeUpdates`: that keeps the content of every deleted or
 * overwritten item forever (a tldraw record moved 1000 times: ~96 KB merged, ~130 bytes rebuilt),
 * while a document garbage-collects it. Updates still waiting for a missing dependency are kept
 * (`encodeStateAsUpdate` includes the pending structs and deletes).
 */
export function rebuildState(parts: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      for (const part of parts) Y.applyUpdate(doc, part)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
