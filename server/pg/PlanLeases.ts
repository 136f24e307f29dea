/**
 * Which node derives a room's plan when several nodes hold the room (multi-node mode, REDIS_URL +
 * DATABASE_URL; docs/scale-out.md, "Plans"): a session-level PostgreSQL advisory lock per account,
 * taken with `pg_try_advisory_lock` on a connection of this node's own. The holder derives and
 * stores the plan; the other nodes holding the room read the stored row (they already do for
 * every list, account and plan request). The lock goes with its connection, so a node killed with
 * `kill -9` frees its leases at once (PostgreSQL sees the socket close) and the next node that
 * asks takes them; a lost connection (PostgreSQL restarted) loses every lease of this node: it
 * forgets them and asks again (two nodes deriving the same room meanwhile is harmless: they
 * derive converged documents, as before leases).
 *
 * The key is 64 bits of md5('warroom:plan:' || account id) (a 32-bit hash would let two accounts
 * share a lease: a node holding one could keep the other's only node from deriving it).
 */
import pg from 'pg'
import type { PlanLeases } from '../plan/PlanStore.ts'

const KEY = `('x' || substr(md5('warroom:plan:' || r), 1, 16))::bit(64)::bigint`

export class PgPlanLeases implements PlanLeases {
  private client: pg.Client | null = null
  private connecting: Promise<pg.Client> | null = null
  private readonly held = new Set<string>()
  /** One statement at a time on the one connection. */
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(
    private readonly url: string,
    private readonly log: (msg: string) => void,
    /** Names the connection (`war-room plan leases <nodeId>` in pg_stat_activity). */
    private readonly nodeId = '',
  ) {}

  /** The rooms whose lease this node holds (tests, /healthz-style checks). */
  holds(room: string): boolean {
    return this.held.has(room)
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client)
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: `war-room plan leases ${this.nodeId}`.trim(),
      })
      client.on('error', (e) => this.log(`[postgres] the plan leases' connection failed: ${e.message}`))
      client.once('end', () => {
        if (this.client !== client) return
        this.client = null
        if (this.held.size > 0 && !this.closed)
          this.log(`[postgres] the plan leases' connection ended: ${this.held.size} leases lost, asked again`)
        this.held.clear()
      })
      try {
        await client.connect()
      } catch (e) {
        await client.end().catch(() => {})
        throw e
      }
      this.client = client
      return client
    })().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private run<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.closed) throw new Error('the plan leases are closed')
      return work(await this.connection())
    })
    this.queue = next.catch(() => {})
    return next
  }

  /**
   * Advisory locks stack within a session: two asks for one room in flight at once would both
   * take it, and one unlock would leave it held for good (seen: an unload's ask beside the
   * scheduler's). So a room being asked for is asked once, and the other callers wait for that.
   */
  private readonly asking = new Map<string, Promise<unknown>>()
  /** Rooms given back while their ask was in flight: unlocked as soon as it returns. */
  private readonly givenBack = new Set<string>()

  async take(rooms: string[]): Promise<Set<string>> {
    const waits = new Set<Promise<unknown>>()
    const ask: string[] = []
    for (const r of rooms) {
      if (this.held.has(r)) continue
      const flying = this.asking.get(r)
      if (flying) waits.add(flying)
      else ask.push(r)
    }
    if (ask.length > 0) {
      const query = this.run(async (c) => {
        const { rows } = await c.query<{ r: string }>(
          `SELECT r FROM unnest($1::text[]) r WHERE pg_try_advisory_lock(${KEY})`,
          [ask],
        )
        return { c, taken: rows.map((row) => row.r) }
      })
      const settled = query.then(
        ({ c, taken }) => {
          for (const r of ask) this.asking.delete(r)
          // Taken on a connection that has ended meanwhile: those leases are gone with it.
          if (c !== this.client) return
          for (const r of taken) {
            this.held.add(r)
            if (this.givenBack.has(r)) this.release(r)
          }
          for (const r of ask) this.givenBack.delete(r)
        },
        () => {
          for (const r of ask) {
            this.asking.delete(r)
            this.givenBack.delete(r)
          }
        },
      )
      for (const r of ask) this.asking.set(r, settled)
      waits.add(settled)
      await query
    }
    await Promise.all(waits)
    return new Set(rooms.filter((r) => this.held.has(r)))
  }

  release(room: string): void {
    if (this.asking.has(room)) this.givenBack.add(room)
    if (!this.held.delete(room)) return
    void this.run((c) => c.query(`SELECT pg_advisory_unlock(${KEY}) FROM (SELECT $1::text AS r) s`, [room])).catch(
      (e) =>
        this.log(`[postgres] releasing the plan lease of ${room} failed (it goes with the connection): ${String(e)}`),
    )
  }

  async close(): Promise<void> {
    await this.queue
    this.closed = true
    this.held.clear()
    const client = this.client ?? (await this.connecting?.catch(() => null))
    this.client = null
    await client?.end().catch(() => {})
  }
}
