/**
 * Reviews, assets, the audit log and votes in PostgreSQL (the multi-node mode; tables in
 * server/pg/migrations/003_content.sql), behind the interfaces their file stores implement. Every
 * write is one committed statement (or transaction) before the promise resolves, so any node
 * serves what another wrote; nothing is cached across requests.
 */
import path from 'node:path'
import type { ReviewListItem } from '../../shared/review/types.ts'
import type { AssetStore } from '../assets/AssetStore.ts'
import type { AuditEntry, AuditEvent, AuditQuery, AuditStatus, AuditStore } from '../audit/AuditLog.ts'
import type { StoredVote } from '../live/VoteService.ts'
import type { VoteStore } from '../live/VoteStore.ts'
import { isValidReviewId, listItem, type ReviewStore, type StoredReview } from '../reviews/ReviewStore.ts'
import { StorageUnavailableError } from '../storage/DocStore.ts'
import { isMissing, nodeFs, type StorageFs, writeFileDurably } from '../storage/fsLayer.ts'
import { type Pool, transaction } from './pool.ts'

/** SQLSTATE classes that mean "the database cannot take this now" (connection, resources, read-only, shutdown). */
function refused(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? ''
  return (
    !/^[0-9A-Z]{5}$/.test(code) || // a socket error (ECONNREFUSED, …)
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('57') ||
    code === '25006'
  )
}

/** Runs a store operation; a refused database becomes {@link StorageUnavailableError} (HTTP 503). */
export async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    if (refused(e)) throw new StorageUnavailableError(`PostgreSQL refused to ${what}`, e)
    throw e
  }
}

export class PgReviewStore implements ReviewStore {
  constructor(private readonly pool: Pool) {}

  list(accountId: string): Promise<ReviewListItem[]> {
    return guarded('list reviews', async () => {
      const { rows } = await this.pool.query<{ item: ReviewListItem }>(
        'SELECT item FROM reviews WHERE account_id = $1 ORDER BY at DESC, id DESC',
        [accountId],
      )
      return rows.map((r) => r.item)
    })
  }

  get(accountId: string, reviewId: string): Promise<StoredReview | null> {
    if (!isValidReviewId(reviewId)) return Promise.resolve(null)
    return guarded('read a review', async () => {
      const { rows } = await this.pool.query<{ review: Omit<StoredReview, 'state'>; state: Buffer }>(
        'SELECT review, state FROM reviews WHERE account_id = $1 AND id = $2',
        [accountId, reviewId],
      )
      if (rows.length === 0) return null
      return { ...rows[0].review, accountId, state: new Uint8Array(rows[0].state) }
    })
  }

  put(review: StoredReview): Promise<void> {
    if (!isValidReviewId(review.id)) return Promise.reject(new Error(`invalid review id ${review.id}`))
    const { state, ...rest } = review
    return guarded('store a review', async () => {
      const { rowCount } = await this.pool.query(
        `INSERT INTO reviews (account_id, id, at, item, review, state) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account_id, id) DO NOTHING`,
        [review.accountId, review.id, review.at, listItem(review), rest, Buffer.from(state)],
      )
      return rowCount === 1
    }).then((stored) => {
      if (!stored) throw new Error(`review ${review.id} exists`)
    })
  }

  delete(accountId: string, reviewId: string): Promise<boolean> {
    if (!isValidReviewId(reviewId)) return Promise.resolve(false)
    return guarded('delete a review', async () => {
      const { rowCount } = await this.pool.query('DELETE FROM reviews WHERE account_id = $1 AND id = $2', [
        accountId,
        reviewId,
      ])
      return (rowCount ?? 0) > 0
    })
  }

  removeAccount(accountId: string): Promise<void> {
    return guarded('delete reviews', async () => {
      await this.pool.query('DELETE FROM reviews WHERE account_id = $1', [accountId])
    })
  }

  async close(): Promise<void> {}
}

export class PgAssetStore implements AssetStore {
  constructor(private readonly pool: Pool) {}

  put(accountId: string, name: string, bytes: Buffer): Promise<void> {
    // The name is the content's hash: a second upload of the same file is the same row.
    return guarded('store an asset', async () => {
      await this.pool.query(
        'INSERT INTO assets (account_id, name, data) VALUES ($1, $2, $3) ON CONFLICT (account_id, name) DO NOTHING',
        [accountId, name, bytes],
      )
    })
  }

  get(accountId: string, name: string): Promise<Buffer | null> {
    return guarded('read an asset', async () => {
      const { rows } = await this.pool.query<{ data: Buffer }>(
        'SELECT data FROM assets WHERE account_id = $1 AND name = $2',
        [accountId, name],
      )
      return rows[0]?.data ?? null
    })
  }

  removeAccount(accountId: string): Promise<void> {
    return guarded('delete assets', async () => {
      await this.pool.query('DELETE FROM assets WHERE account_id = $1', [accountId])
    })
  }
}

/** Options of {@link PgAuditLog}. */
export interface PgAuditLogOptions {
  /**
   * Where entries PostgreSQL refused are also kept, durably, until it takes them (one file per
   * node: `auditSpillFile(<DATA_DIR>/pg, AUDIT_SPILL_DIR)`); the next start inserts what an earlier
   * run left there. None: refused entries wait in memory only (the admin command).
   */
  spillFile?: string
  /** After a refused insert, try again this often (default 3 s). */
  retryMs?: number
  /** The file-system layer of the spill file (tests inject faults). */
  fs?: StorageFs
}

/**
 * The audit log in one table; `seq` is the row's id (increasing, never reused), so paging with
 * `before` works as with the file's line numbers. Appends from every node go to the same table.
 *
 * As the file log (server/audit/AuditLog.ts): a refused insert never locks people out and loses
 * nothing — the entry waits in memory with those after it, in order, and is also written to the
 * node's spill file before `record` resolves; every `retryMs` the waiting entries are inserted
 * again, and /healthz reports the audit log failing meanwhile. An entry inserted again after an
 * ambiguous failure (the connection dropped after the commit) or replayed from a spill file is
 * skipped when the table has it already (the same entry: same time to the millisecond, actor,
 * action, target).
 */
export class PgAuditLog implements AuditStore {
  private tail: Promise<void> = Promise.resolve()
  /** Entries not yet in the table, oldest first; `retried`: how many of the first may be in it already. */
  private waiting: AuditEntry[] = []
  private retried = 0
  private failure: { error: string; since: string } | null = null
  private spilled = 0
  private spillError: string | null = null
  private retryTimer: NodeJS.Timeout | null = null
  private closed = false
  private readonly fs: StorageFs

  constructor(
    private readonly pool: Pool,
    private readonly log: (msg: string) => void = () => {},
    private readonly options: PgAuditLogOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs
    if (options.spillFile) this.tail = this.readSpill(options.spillFile).then(() => this.insertWaiting())
  }

  /** What an earlier run left in the spill file goes first (inserted unless the table has it). */
  private async readSpill(file: string) {
    let text: string
    try {
      text = (await this.fs.readFile(file)).toString('utf8')
    } catch (e) {
      if (!isMissing(e)) this.log(`[audit] cannot read the spill file ${file}: ${String(e)}`)
      return
    }
    const entries: AuditEntry[] = []
    for (const line of text.split('\n')) {
      if (!line) continue
      try {
        entries.push(JSON.parse(line) as AuditEntry)
      } catch {
        // A spill file is replaced whole (temp file, fsync, rename): a bad line is not ours.
        this.log(`[audit] a line of the spill file ${file} is not an entry; skipped`)
      }
    }
    if (entries.length === 0) return
    this.log(`[audit] ${entries.length} entries an earlier run could not insert are inserted from ${file}`)
    this.waiting = [...entries, ...this.waiting]
    this.retried = entries.length
    this.spilled = entries.length
  }

  record(event: AuditEvent): Promise<void> {
    this.waiting.push({ at: new Date().toISOString(), ...event })
    // One after another, so this node's entries keep their order.
    const done = this.tail.then(() => this.insertWaiting())
    this.tail = done
    return done
  }

  private async insertWaiting() {
    if (this.waiting.length === 0) return
    const batch = this.waiting.slice()
    const again = this.retried
    try {
      // In order (the ordinality), one statement; entries that may be in already are skipped if so.
      await this.pool.query(
        `INSERT INTO audit_log (action, entry)
         SELECT e->>'action', e FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, i)
         WHERE i > $2 OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entry = t.e)
         ORDER BY i`,
        [JSON.stringify(batch), again],
      )
      this.waiting = this.waiting.slice(batch.length)
      this.retried = 0
      if (this.failure) {
        this.log(`[audit] the audit_log table takes entries again (${batch.length} waiting entries inserted)`)
        this.failure = null
      }
      if (this.spilled > 0) await this.writeSpill()
    } catch (e) {
      // The insert may have committed before the error reached us: the retry skips what is in.
      this.retried = batch.length
      const error = (e as { code?: string }).code ?? String(e)
      if (!this.failure) {
        this.failure = { error, since: new Date().toISOString() }
        this.log(
          `[audit] could not insert into the audit_log table: ${String(e)}; ${this.waiting.length} entries wait${this.options.spillFile ? ` in memory and in ${this.options.spillFile}` : ' in memory'}, and are inserted once PostgreSQL takes them`,
        )
      }
      // Before `record` resolves, the waiting entries are durable on the spill path.
      await this.writeSpill()
      this.scheduleRetry()
    }
  }

  /** The spill file holds exactly the waiting entries (replaced durably, whole; removed when none). Never throws. */
  private async writeSpill() {
    const file = this.options.spillFile
    if (!file) return
    try {
      if (this.waiting.length === 0) {
        try {
          await this.fs.rm(file)
        } catch (e) {
          if (!isMissing(e)) throw e
        }
        await this.fs.syncDir(path.dirname(file))
      } else {
        await this.fs.mkdir(path.dirname(file))
        await writeFileDurably(this.fs, file, Buffer.from(this.waiting.map((e) => `${JSON.stringify(e)}\n`).join('')))
      }
      this.spilled = this.waiting.length
      this.spillError = null
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? String(e)
      if (!this.spillError)
        this.log(
          `[audit] cannot keep the waiting entries in the spill file ${file} (${String(e)}); a crash would lose them`,
        )
      this.spillError = why
    }
  }

  private scheduleRetry() {
    if (this.retryTimer || this.closed) return
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      const done = this.tail.then(() => this.insertWaiting())
      this.tail = done
    }, this.options.retryMs ?? 3000)
    this.retryTimer.unref()
  }

  /** What /healthz reports: ok unless entries wait because PostgreSQL refused them. */
  status(): AuditStatus {
    if (!this.failure) return { ok: true, waiting: this.waiting.length }
    return {
      ok: false,
      waiting: this.waiting.length,
      ...(this.options.spillFile && { spilled: this.spilled }),
      ...this.failure,
      ...(this.spillError && { spillError: this.spillError }),
    }
  }

  async read(options: AuditQuery = {}): Promise<{ entries: (AuditEntry & { seq: number })[]; more: boolean }> {
    await this.tail
    const limit = Math.max(1, Math.min(options.limit ?? 100, 1000))
    return guarded('read the audit log', async () => {
      const { rows } = await this.pool.query<{ seq: string; entry: AuditEntry }>(
        `SELECT seq, entry FROM audit_log
         WHERE ($1::bigint IS NULL OR seq < $1) AND ($2::text IS NULL OR action = $2)
         ORDER BY seq DESC LIMIT $3`,
        [options.before ?? null, options.action ?? null, limit + 1],
      )
      return {
        entries: rows.slice(0, limit).map((r) => ({ ...r.entry, seq: Number(r.seq) })),
        more: rows.length > limit,
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    await this.tail
    if (this.waiting.length && !this.spilled)
      this.log(
        `[audit] closing with ${this.waiting.length} entries PostgreSQL refused and no spill file: they are lost`,
      )
  }
}

/**
 * Votes, with one row per ballot: two people voting on two nodes at once never overwrite each
 * other, and a ballot takes a share lock on its vote, so it is never stored on a vote another
 * node has just closed.
 */
export class PgVoteStore implements VoteStore {
  constructor(private readonly pool: Pool) {}

  list(accountId: string): Promise<StoredVote[]> {
    return guarded('read votes', async () => {
      const { rows } = await this.pool.query<{ vote: StoredVote; ballots: Record<string, string[]> | null }>(
        `SELECT v.vote, (SELECT jsonb_object_agg(b.user_id, b.shapes) FROM vote_ballots b WHERE b.vote_id = v.id) AS ballots
         FROM votes v WHERE v.account_id = $1`,
        [accountId],
      )
      return rows.map((r) => ({ ...r.vote, ballots: r.ballots ?? {} }))
    })
  }

  put(vote: StoredVote): Promise<void> {
    const { ballots: _ballots, ...rest } = vote
    return guarded('store a vote', async () => {
      await this.pool.query(
        `INSERT INTO votes (id, account_id, vote) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET vote = excluded.vote`,
        [vote.id, vote.accountId, rest],
      )
    })
  }

  setBallot(voteId: string, userId: string, shapeIds: string[]): Promise<boolean> {
    return guarded('store a ballot', () =>
      transaction(this.pool, async (client) => {
        const { rows } = await client.query<{ status: string }>(
          "SELECT vote->>'status' AS status FROM votes WHERE id = $1 FOR SHARE",
          [voteId],
        )
        if (rows[0]?.status !== 'open') return false
        await client.query(
          `INSERT INTO vote_ballots (vote_id, user_id, shapes) VALUES ($1, $2, $3)
           ON CONFLICT (vote_id, user_id) DO UPDATE SET shapes = excluded.shapes`,
          [voteId, userId, JSON.stringify(shapeIds)],
        )
        return true
      }),
    )
  }

  removeAccount(accountId: string): Promise<void> {
    return guarded('remove votes', async () => {
      // Ballots go with their votes (ON DELETE CASCADE).
      await this.pool.query('DELETE FROM votes WHERE account_id = $1', [accountId])
    })
  }
}
