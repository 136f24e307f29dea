/**
 * globalSetup of the `integration-pg` test project: the integration suite again, on the
 * PostgreSQL stores (docs/scale-out.md). Starts one real PostgreSQL (tests/helpers/engines.ts)
 * with a migrated template database; `startTestServer` (tests/helpers/server.ts) then gives every
 * data directory a database of its own, made from the template, and starts its server on it
 * (`DATABASE_URL`), so a test that restarts a server on the same directory finds its data again.
 */
import type { TestProject } from 'vitest/node'
import { migrate } from '../../server/pg/migrate.ts'
import { createPool } from '../../server/pg/pool.ts'
import { startPostgres } from './engines.ts'

/** The template every test database is copied from (migrations already applied). */
export const TEMPLATE_DATABASE = 'warroom_template'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://warroom@127.0.0.1:<port>` of the suite's PostgreSQL (integration-pg only). */
    warRoomPostgres: string
  }
}

export default async function setup(project: TestProject) {
  const postgres = await startPostgres({ database: TEMPLATE_DATABASE })
  const pool = createPool(postgres.url)
  try {
    await migrate(pool)
  } finally {
    await pool.end()
  }
  project.provide('warRoomPostgres', postgres.url.slice(0, postgres.url.lastIndexOf('/')))
  return async () => {
    await postgres.destroy()
  }
}
