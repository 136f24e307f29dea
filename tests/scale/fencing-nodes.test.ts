/**
 * Fencing with two real War Room processes (server/pg/stores.ts `NodeLock`, docs/scale-out.md):
 * node A (without Redis it holds the node lock exclusively; with Redis in shared mode) loses its
 * lock's connection, a second War Room node B without Redis starts on the same database in that
 * window and takes the lock (exclusively: the two would serve diverging rooms); A is then fenced
 * (every socket closed with 1013 TryAgainLater). Its y-websocket client, connected through the
 * cluster's TCP load balancer (tests/helpers/cluster.ts), reconnects through it to B and carries
 * on there, with every edit A had accepted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import { type ChildServer, startChildServer } from '../helpers/childServer.ts'
import { startLoadBalancer } from '../helpers/cluster.ts'
import { freePort } from '../helpers/engines.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually } from '../helpers/server.ts'
import { connectClient, whenSynced } from '../helpers/yclient.ts'

const engines = fileEngines({ redis: true })
process.setMaxListeners(100)

/** The database URL as another PostgreSQL role (each node its own: one can be kept from logging in). */
const as = (url: string, user: string) => {
  const u = new URL(url)
  u.username = user
  return u.toString()
}

describe('fencing with a second War Room node', () => {
  it.each([
    { a: 'without Redis', redis: false },
    { a: 'with Redis (the lock in shared mode)', redis: true },
  ])(
    'node B takes the lock A ($a) lost: A closes its sockets with 1013, its client reconnects through the load balancer to B and keeps every accepted edit',
    async ({ redis }) => {
      const url = await engines.database('fencing')
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      afterTest(() => admin.end())
      // Roles belong to the whole PostgreSQL (each case its own pair).
      const [nodeA, nodeB] = redis ? ['node_ra', 'node_rb'] : ['node_a', 'node_b']
      for (const role of [nodeA, nodeB]) await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`)
      afterTest(() => admin.query(`ALTER ROLE ${nodeA} LOGIN`))

      const dir = mkdtempSync(path.join(os.tmpdir(), 'warroom-fencing-'))
      afterTest(() => rmSync(dir, { recursive: true, force: true }))
      const children: ChildServer[] = []
      afterTest(async () => {
        for (const c of children) {
          c.proc.kill('SIGKILL')
          await c.exited
        }
      })
      const start = async (name: string, port: number, env: Record<string, string> = {}) => {
        const child = await startChildServer({
          ...env,
          DATA_DIR: path.join(dir, name),
          DATABASE_URL: as(url, name),
          NODE_ID: name,
          PORT: String(port),
          ROOM_UNLOAD_GRACE_MS: '1000',
          LOG_FORMAT: 'json',
        })
        children.push(child)
        return child
      }
      const ports = [await freePort(), await freePort()]
      const a = await start(nodeA, ports[0]!, redis ? { REDIS_URL: engines.redis.url } : {})
      expect((await (await fetch(`http://127.0.0.1:${a.port}/healthz`)).json()).fanout).toBe(redis ? 'up' : undefined)
      const cookie = await a.signIn(['acme'])
      // B is not running yet: the load balancer skips it (connection refused), as a dead node.
      const lb = await startLoadBalancer(() => ports)
      afterTest(() => lb.close())

      const editor = connectClient(`ws://127.0.0.1:${lb.port}/sync`, 'acme', new Y.Doc(), { cookie })
      afterTest(() => editor.destroy())
      const closes: number[] = []
      editor.provider.on('connection-close', (event) => event && closes.push(event.code))
      await whenSynced(editor.provider)
      expect(lb.placement()).toEqual([0])
      const witness = connectClient(`ws://127.0.0.1:${a.port}/sync`, 'acme', new Y.Doc(), { cookie })
      afterTest(() => witness.destroy())
      await whenSynced(witness.provider)
      const m = editor.doc.getMap('m')
      m.set('before', 1)
      // Accepted: node A applied it and relayed it to the other client.
      await eventually(() => expect(witness.doc.getMap('m').get('before')).toBe(1))

      // A loses its lock's connection and cannot reconnect (it goes on serving meanwhile)…
      await admin.query(`ALTER ROLE ${nodeA} NOLOGIN`)
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'war-room node lock' AND usename = '${nodeA}' AND datname = current_database()`,
      )
      m.set('while cut off', 2)
      await eventually(() => expect(witness.doc.getMap('m').get('while cut off')).toBe(2))
      // …and another War Room node without Redis starts on the database and takes the lock.
      const b = await start(nodeB, ports[1]!)
      await admin.query(`ALTER ROLE ${nodeA} LOGIN`)

      // A finds the lock taken: fenced. Its clients are told 1013 and reconnect through the load
      // balancer, which sends them on to B (A refuses sockets with 1013 meanwhile).
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${a.port}/healthz`)).status).toBe(503), 30_000)
      await eventually(() => expect(closes).toContain(CloseCode.TryAgainLater), 30_000)
      await eventually(() => {
        expect(editor.provider.wsconnected && editor.provider.synced).toBe(true)
        expect(lb.placement()).toContain(1)
      }, 60_000)
      m.set('after', 3)
      // A fresh client on B sees everything: what A accepted before and while cut off, and the edit made on B.
      const reader = connectClient(`ws://127.0.0.1:${b.port}/sync`, 'acme', new Y.Doc(), { cookie })
      afterTest(() => reader.destroy())
      await whenSynced(reader.provider)
      await eventually(() =>
        expect(reader.doc.getMap('m').toJSON()).toEqual({ before: 1, 'while cut off': 2, after: 3 }),
      )
    },
    180_000,
  )
})
