/**
 * One node derives a room's plan when several nodes hold the room (server/pg/PlanLeases.ts, a
 * PostgreSQL advisory lock per account; docs/scale-out.md, "Plans"): the others read the stored
 * plan. The lease goes with a node killed with kill -9, and the next node holding the room takes
 * it and derives.
 */
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { PgPlanLeases } from '../../server/pg/PlanLeases.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { api, createAccount, setupAdmin, signInAsAdmin } from '../helpers/auth.ts'
import { type ClusterNode, startCluster, startNodes } from '../helpers/cluster.ts'
import { redisClient } from '../helpers/engines.ts'
import { fileEngines } from '../helpers/fileEngines.ts'
import { afterTest } from '../helpers/fixtures.ts'
import { eventually, type TestServer, wsUrl } from '../helpers/server.ts'
import { type Client, connectClient, whenSynced } from '../helpers/yclient.ts'

const engines = fileEngines({ redis: true })
process.setMaxListeners(100)

async function client(url: string, cookie: string): Promise<Client> {
  const c = connectClient(url, 'acme', new Y.Doc(), { cookie })
  afterTest(() => c.destroy())
  await whenSynced(c.provider)
  return c
}

const rename = (c: Client, name: string) => c.doc.getMap(DocKeys.account).set('name', name)

/** The account's stored plan's name, read from the `plans` table. */
async function storedName(db: pg.Client): Promise<string | undefined> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT plan -> 'account' ->> 'name' AS name FROM plans WHERE account_id = 'acme'",
  )
  return rows[0]?.name
}

/** The nodes holding a plan lease (their leases' connections' names). */
async function leaseHolders(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
       AND a.application_name LIKE 'war-room plan leases%'`,
  )
  return rows.map((r) => r.name.replace('war-room plan leases ', ''))
}

/** Two nodes (derivation delay 50 ms) on one database and one Redis, and an administrator's cookie. */
async function clusterWithAdmin() {
  let admin = ''
  const c = await startCluster({
    engines,
    env: { DERIVE_DELAY_MS: '50' },
    setup: async (first) => {
      admin = await signInAsAdmin(first, ['acme'])
    },
  })
  afterTest(() => c.destroy())
  return { c, admin }
}

async function database(url: string): Promise<pg.Client> {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  afterTest(() => db.end())
  return db
}

describe('plan-derivation leases', () => {
  it('two asks for one room at once take its lease once: giving it back frees it for another node', async () => {
    const url = await engines.database('plan_leases')
    const [a, b] = [new PgPlanLeases(url, () => {}, 'a'), new PgPlanLeases(url, () => {}, 'b')]
    afterTest(() => Promise.all([a.close(), b.close()]))
    // The scheduler's ask and an unload's ask in flight together (advisory locks stack per session).
    const both = await Promise.all([a.take(['acme']), a.take(['acme', 'beta'])])
    expect(both.map((held) => [...held].sort())).toEqual([['acme'], ['acme', 'beta']])
    expect(await b.take(['acme'])).toEqual(new Set())
    a.release('acme')
    // Before: the lock had been taken twice and one unlock left it held; b never got it.
    await eventually(async () => expect(await b.take(['acme'])).toEqual(new Set(['acme'])))
    expect(await b.take(['beta'])).toEqual(new Set())
    // Given back while its ask is in flight: released as soon as the ask returns.
    const asked = a.take(['gamma'])
    a.release('gamma')
    expect(await asked).toEqual(new Set())
    await eventually(async () => expect(await b.take(['gamma'])).toEqual(new Set(['gamma'])))
  })

  it('two nodes holding one room: only one of them derives its plan, and the other shows it', async () => {
    const url = await engines.database('plan_leases')
    const { nodes } = await startNodes({
      databaseUrl: url,
      redisUrl: engines.redis.url,
      cleanup: afterTest,
      server: { deriveDelayMs: 50 },
    })
    const [a, b] = nodes as [TestServer, TestServer]
    const cookie = await setupAdmin(a)
    await createAccount(a, cookie, { id: 'acme', name: '测试客户' })
    const onA = await client(wsUrl(a), cookie)
    const onB = await client(wsUrl(b), cookie)
    const db = await database(url)
    // Edits on both nodes, each one stored as a plan before the next.
    for (const [i, c] of [onA, onB, onA, onB].entries()) {
      rename(c, `第${i + 1}版`)
      await eventually(async () => expect(await storedName(db)).toBe(`第${i + 1}版`), 30_000)
    }
    // Before: both nodes derived every version (each holding the room did all its work).
    const derived = nodes.map((n) => n.plans.derivations.get('acme') ?? 0)
    expect(derived.filter((n) => n > 0)).toHaveLength(1)
    expect(await leaseHolders(db)).toEqual([`node-${derived.findIndex((n) => n > 0)}`])
    // The node that did not derive lists and serves the stored plan.
    for (const node of nodes) {
      const plan = (await (await api(node, 'GET', '/api/accounts/acme/plan', { cookie })).json()) as {
        account: { name: string }
      }
      expect(plan.account.name).toBe('第4版')
    }
    expect(derived.filter((n) => n > 0)).toHaveLength(1)
  })

  it('the lease goes with a node killed with kill -9: the other node takes it and derives the plans', async () => {
    const { c, admin } = await clusterWithAdmin()
    const db = await database(c.databaseUrl)
    const clients = [await client(c.nodes[0]!.wsUrl, admin), await client(c.nodes[1]!.wsUrl, admin)]
    rename(clients[0]!, '第一版')
    await eventually(async () => expect(await storedName(db)).toBe('第一版'), 30_000)
    const [holder] = await leaseHolders(db)
    const dead = c.nodes.findIndex((n) => n.nodeId === holder)
    expect(dead).toBeGreaterThanOrEqual(0)
    const survivor = 1 - dead
    await c.nodes[dead]!.kill()
    // PostgreSQL ends the killed node's connections (and so its leases) when their sockets close
    // (the survivor may take the lease at once: it asks again a derivation delay after its last refusal).
    await eventually(async () => expect(await leaseHolders(db)).not.toContain(holder), 30_000)
    rename(clients[survivor]!, '第二版')
    await eventually(async () => expect(await storedName(db)).toBe('第二版'), 30_000)
    expect(await leaseHolders(db)).toEqual([c.nodes[survivor]!.nodeId])
  }, 120_000)
  it('a holder that never saw the other node’s last edits (cut off from Redis) and is then killed: the other node takes the lease and derives them', async () => {
    const { c, admin } = await clusterWithAdmin()
    const [a, b] = c.nodes as [ClusterNode, ClusterNode]
    const db = await database(c.databaseUrl)
    rename(await client(a.wsUrl, admin), '第一版')
    await eventually(async () => expect(await storedName(db)).toBe('第一版'), 30_000)
    expect(await leaseHolders(db)).toEqual([a.nodeId])
    // Node A loses its Redis connections and cannot make new ones (Redis asks for a password now):
    // what node B accepts from here on never reaches A, which still holds the lease.
    const redis = redisClient(engines.redis.url)
    afterTest(() => redis.disconnect())
    await redis.config('SET', 'requirepass', 'cut-off')
    afterTest(() => redis.config('SET', 'requirepass', ''))
    const list = (await redis.client('LIST')) as string
    for (const line of list
      .split('\n')
      .filter((l) => l.includes(`name=warroom-pub-${a.nodeId}`) || l.includes(`name=warroom-sub-${a.nodeId}`)))
      await redis.client('KILL', 'ID', /id=(\d+)/.exec(line)![1]!)
    await eventually(async () => expect((await (await fetch(`${a.url}/healthz`)).json()).fanout).toBe('down'))
    rename(await client(b.wsUrl, admin), '第二版')
    // Node B asks for the lease (its connection for leases opens with its first ask) and is refused:
    // A holds it. B then asked once more and, before, never again until its next change.
    await eventually(async () => {
      const { rows } = await db.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
        `war-room plan leases ${b.nodeId}`,
      ])
      expect(rows).toHaveLength(1)
    })
    await new Promise((r) => setTimeout(r, 1000))
    expect(await storedName(db)).toBe('第一版')
    await a.kill()
    // Before: the plan stayed at 第一版 (A had not derived 第二版, and B had stopped asking).
    await eventually(async () => expect(await storedName(db)).toBe('第二版'), 30_000)
    expect(await leaseHolders(db)).toEqual([b.nodeId])
  }, 120_000)
})
