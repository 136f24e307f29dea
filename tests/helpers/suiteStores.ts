/**
 * Which stores this test run's servers use: the embedded files, or PostgreSQL in the
 * `integration-pg` and `faults-pg` projects (tests/helpers/pgGlobalSetup.ts). The checks that
 * look behind a server's back (what is stored, a second reader, a child process on the same
 * data) go through these helpers, which read either; everything else runs the same on both.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { inject } from 'vitest'
import { AuditLog, type AuditStore } from '../../server/audit/AuditLog.ts'
import { PgAuditLog } from '../../server/pg/PgContentStores.ts'
import { PgDocStore } from '../../server/pg/PgDocStore.ts'
import { createPool } from '../../server/pg/pool.ts'
import type { DocStore } from '../../server/storage/DocStore.ts'
import { FileDocStore } from '../../server/storage/FileDocStore.ts'
import { suiteDatabaseFor, type TestServer } from './server.ts'

export const onPostgres: boolean = Boolean(inject('warRoomPostgres'))

/**
 * The environment of a child server process (server/main.ts, tests/helpers/childServer.ts) on
 * `dataDir`: DATA_DIR, and on PostgreSQL the database every in-process server on that directory
 * uses too.
 */
export async function serverEnv(dataDir: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
  const databaseUrl = await suiteDatabaseFor(dataDir)
  return { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env }
}

/**
 * A second handle on where a server on `dataDir` keeps its documents (the files, or its
 * database), to read them behind its back or to hand a wrapped one to a server (`store`). The
 * caller closes it (which ends its own connection pool on PostgreSQL).
 */
export async function suiteDocStore(dataDir: string): Promise<DocStore> {
  const databaseUrl = await suiteDatabaseFor(dataDir)
  if (!databaseUrl) return new FileDocStore(dataDir)
  const pool = createPool(databaseUrl)
  const store = new PgDocStore(pool)
  const close = store.close.bind(store)
  store.close = async () => {
    try {
      await close()
    } finally {
      await pool.end()
    }
  }
  return store
}

/**
 * Damages a stopped server's stored room with these bytes: DATA_DIR/rooms/<room>/snapshot is
 * replaced, or every row of the room (`doc_updates`, `doc_snapshots`) gets them in place of its
 * data — bytes that are no longer what was written (bit rot, an edit by hand).
 */
export async function damageStoredRoom(dataDir: string, room: string, bytes: Buffer): Promise<void> {
  await withDatabase(dataDir, {
    files: async () => {
      const { mkdir, writeFile } = await import('node:fs/promises')
      const dir = path.join(dataDir, 'rooms', room)
      await mkdir(dir, { recursive: true })
      await writeFile(path.join(dir, 'snapshot'), bytes)
    },
    postgres: async (query) => {
      const rows = [
        ...(await query('UPDATE doc_updates SET data = $2 WHERE room = $1 RETURNING id', [room, bytes])),
        ...(await query('UPDATE doc_snapshots SET data = $2 WHERE room = $1 RETURNING room', [room, bytes])),
      ]
      if (rows.length === 0) throw new Error(`room ${room} has nothing stored to damage`)
    },
  })
}

/** What is stored of a room, byte for byte: the snapshot file, or the data of every row. */
export async function storedRoomBytes(dataDir: string, room: string): Promise<Buffer[]> {
  return withDatabase(dataDir, {
    files: async () => {
      const { readFile } = await import('node:fs/promises')
      const snapshot = await readFile(path.join(dataDir, 'rooms', room, 'snapshot')).catch(() => null)
      return snapshot ? [snapshot] : []
    },
    postgres: async (query) => {
      const rows = await query(
        `SELECT data FROM doc_snapshots WHERE room = $1 UNION ALL SELECT data FROM doc_updates WHERE room = $1`,
        [room],
      )
      return rows.map((r) => r.data as Buffer)
    },
  })
}

/**
 * Everything stored about dot votes, as text, to check that a deleted account's votes and ballots
 * are gone and not only hidden: DATA_DIR/votes.json, or the `votes` and `vote_ballots` rows.
 */
export async function storedVotesText(server: TestServer): Promise<string> {
  const pool = server.backend.pool
  if (!pool) return readFileSync(path.join(server.config.dataDir, 'votes.json'), 'utf8')
  const { rows } = await pool.query(
    `SELECT v.id, v.account_id, v.vote, b.user_id, b.shapes
       FROM votes v LEFT JOIN vote_ballots b ON b.vote_id = v.id`,
  )
  return JSON.stringify(rows)
}

/**
 * The stored audit entries of a server, one JSON text per entry, oldest first: the lines of
 * DATA_DIR/audit.log, or the `audit_log` rows.
 */
export async function storedAuditLines(server: TestServer): Promise<string[]> {
  const pool = server.backend.pool
  if (!pool) {
    const text = readFileSync(path.join(server.config.dataDir, 'audit.log'), 'utf8')
    return text.trim() === '' ? [] : text.trim().split('\n')
  }
  const { rows } = await pool.query<{ entry: string }>('SELECT entry::text AS entry FROM audit_log ORDER BY seq')
  return rows.map((r) => r.entry)
}

/**
 * An audit store of its own on `dataDir`'s storage (AuditLog on DATA_DIR/audit.log, or PgAuditLog
 * on its database), with what it stored, as {@link storedAuditLines}. `close` ends it (and its pool).
 */
export async function suiteAuditLog(
  dataDir: string,
): Promise<{ audit: AuditStore; storedLines(): Promise<string[]>; close(): Promise<void> }> {
  const databaseUrl = await suiteDatabaseFor(dataDir)
  if (!databaseUrl) {
    const audit = new AuditLog(dataDir)
    return {
      audit,
      storedLines: async () => readFileSync(path.join(dataDir, 'audit.log'), 'utf8').trim().split('\n'),
      close: () => audit.close(),
    }
  }
  const pool = createPool(databaseUrl)
  const audit = new PgAuditLog(pool)
  return {
    audit,
    storedLines: async () =>
      (await pool.query<{ entry: string }>('SELECT entry::text AS entry FROM audit_log ORDER BY seq')).rows.map(
        (r) => r.entry,
      ),
    close: async () => {
      await audit.close()
      await pool.end()
    },
  }
}

/**
 * Whether anything of an account's room and of its uploaded assets is still stored:
 * DATA_DIR/rooms/<id> and DATA_DIR/assets/<id>, or rows of `doc_updates`/`doc_snapshots` and `assets`.
 */
export async function storedOf(server: TestServer, accountId: string): Promise<{ room: boolean; assets: boolean }> {
  const pool = server.backend.pool
  if (!pool) {
    const dir = (kind: string) => existsSync(path.join(server.config.dataDir, kind, accountId))
    return { room: dir('rooms'), assets: dir('assets') }
  }
  const { rows } = await pool.query<{ room: boolean; assets: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM doc_updates WHERE room = $1)
            OR EXISTS (SELECT 1 FROM doc_snapshots WHERE room = $1) AS room,
            EXISTS (SELECT 1 FROM assets WHERE account_id = $1) AS assets`,
    [accountId],
  )
  return rows[0]
}

type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>

async function withDatabase<T>(
  dataDir: string,
  how: { files: () => Promise<T>; postgres: (query: Query) => Promise<T> },
): Promise<T> {
  const databaseUrl = await suiteDatabaseFor(dataDir)
  if (!databaseUrl) return how.files()
  const pool = createPool(databaseUrl)
  try {
    return await how.postgres(async (sql, params) => (await pool.query(sql, params)).rows)
  } finally {
    await pool.end()
  }
}
