/**
 * Snapshots compacted before migration 004 carry no digest (server/pg/PgDocStore.ts `load`): on
 * first load they are decoded once — bytes that are not a Yjs update make the room unreadable,
 * as a failed digest does — and the digest is stored then, so later damage is found as for any
 * other row.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PgDocStore } from '../../server/pg/PgDocStore.ts'
import { RoomDataError } from '../../server/storage/DocStore.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { afterTest } from '../helpers/fixtures.ts'

const engines = fileEngines()

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest()

async function database() {
  const { admin, pool } = await engines.migrated('legacy')
  const store = () => {
    const s = new PgDocStore(pool(), { flushIntervalMs: 5, log: () => {} })
    afterTest(() => s.close())
    return s
  }
  /** A snapshot row as compaction wrote it before migration 004: no digest. */
  const putLegacy = (room: string, data: Uint8Array) =>
    admin.query('INSERT INTO doc_snapshots (room, data, digest) VALUES ($1, $2, NULL)', [room, Buffer.from(data)])
  const digestOf = async (room: string) =>
    (await admin.query<{ digest: Buffer | null }>('SELECT digest FROM doc_snapshots WHERE room = $1', [room])).rows[0]
      ?.digest
  return { admin, store, putLegacy, digestOf }
}

describe('snapshots stored before digests (migration 004)', () => {
  it('a readable one loads, gets its digest stored, and damage after that is refused', async () => {
    const db = await database()
    const doc = new Y.Doc()
    doc.getMap('account').set('name', '测试客户'.repeat(20))
    const snapshot = Y.encodeStateAsUpdate(doc)
    await db.putLegacy('acme', snapshot)
    const loaded = await db.store().load('acme')
    const back = new Y.Doc()
    for (const u of loaded) Y.applyUpdate(back, u)
    expect(back.getMap('account').get('name')).toBe('测试客户'.repeat(20))
    // Before: the digest stayed NULL, and the snapshot was never checked.
    expect(await db.digestOf('acme')).toEqual(sha1(snapshot))
    // One byte changed inside a string: still decodes, but the stored digest now says it is not what was written.
    await db.admin.query(
      "UPDATE doc_snapshots SET data = overlay(data placing '\\x41'::bytea from length(data) - 3) WHERE room = 'acme'",
    )
    await expect(db.store().load('acme')).rejects.toBeInstanceOf(RoomDataError)
  })

  it('one that is not a Yjs update is refused (RoomDataError, 4503 for its room) and left as it is', async () => {
    const db = await database()
    const garbage = Buffer.from('WRS1 this is not a snapshot at all')
    await db.putLegacy('acme', garbage)
    // Before: handed on unchecked (the room failed later, while building its document).
    await expect(db.store().load('acme')).rejects.toBeInstanceOf(RoomDataError)
    const { rows } = await db.admin.query<{ data: Buffer; digest: Buffer | null }>(
      "SELECT data, digest FROM doc_snapshots WHERE room = 'acme'",
    )
    expect(rows[0]?.data).toEqual(garbage)
    expect(rows[0]?.digest).toBeNull()
  })
})
