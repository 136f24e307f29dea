/**
 * The PostgreSQL pool (server/pg/pool.ts): a connection PostgreSQL terminates while it is checked
 * out — between two statements of a transaction — is reported through onError, not thrown as an
 * unhandled 'error' event (which crashes a node).
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createPool } from '../../server/pg/pool.ts'
import { fileEngines } from '../helpers/fileEngines.ts'

const engines = fileEngines()

describe('the PostgreSQL pool', () => {
  it('a checked-out connection terminated between statements is reported, not thrown', async () => {
    const errors: string[] = []
    const pool = createPool(engines.pg.url, { onError: (e) => errors.push((e as { code?: string }).code ?? e.message) })
    const client = await pool.connect()
    await client.query('BEGIN')
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    const ended = new Promise((resolve) => client.once('end', resolve))
    const admin = new pg.Client({ connectionString: engines.pg.url })
    await admin.connect()
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid])
    await admin.end()
    await ended
    expect(errors).toContain('57P01')
    await expect(client.query('COMMIT')).rejects.toThrow()
    client.release(true)
    // The pool goes on with a new connection.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1)
    await pool.end()
  })
})
