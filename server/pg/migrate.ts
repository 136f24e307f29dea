/**
 * Versioned schema migrations for the PostgreSQL mode: `server/pg/migrations/NNN_name.sql`, applied
 * in order, each in its own transaction, each recorded in `schema_migrations`. Nodes that start at
 * the same time take an advisory lock, so one applies and the others find the work done. A
 * migration is never edited once it has landed: a change is a new file.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pool } from './pool.ts'

// Beside this module: server/pg/migrations from source, dist/server/migrations in the bundle
// (server/build.mjs copies them; the bundle's import.meta.dirname is server/, not server/pg/).
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url))
/** Advisory lock key of the migration run (any constant shared by every node). */
const MIGRATION_LOCK = 7_347_001

export interface Migration {
  version: number
  name: string
  sql: string
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: readFileSync(path.join(dir, f), 'utf8'),
    }))
  for (let i = 1; i < migrations.length; i++)
    if (migrations[i].version === migrations[i - 1].version)
      throw new Error(`two migrations have version ${migrations[i].version}`)
  return migrations
}

/** Applies the migrations this database lacks; returns the versions applied now. */
export async function migrate(pool: Pool, migrations = readMigrations()): Promise<number[]> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      )
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      )
      const applied: number[] = []
      for (const m of migrations) {
        if (done.has(m.version)) continue
        await client.query('BEGIN')
        try {
          await client.query(m.sql)
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
          await client.query('COMMIT')
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {})
          throw new Error(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`, { cause: e })
        }
        applied.push(m.version)
      }
      return applied
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
    }
  } finally {
    client.release()
  }
}
