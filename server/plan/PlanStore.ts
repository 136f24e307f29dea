/**
 * Where derived plan records are kept, behind one small interface: files under
 * `<dataDir>/plans/` (the embedded default) or the `plans` table of the multi-node mode
 * (server/pg/PgPlanStore.ts, docs/scale-out.md). PlanService decides what to write and when; a
 * store only keeps what it is given.
 *
 * What is stored per account is the plan file's content as the plan worker encodes it:
 * `{"format":"war-room-plan","version":1,"summary":…,"plan":…}` (UTF-8 JSON bytes).
 */
import path from 'node:path'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import { nodeFs, type StorageFs, writeFileDurably } from '../storage/fsLayer.ts'
import type { PlanSummary } from './planProtocol.ts'

export interface StoredPlan {
  summary: PlanSummary
  plan: PlanRecord
}

/**
 * Several nodes holding one room: which of them derives its plan (server/pg/PlanLeases.ts, a
 * PostgreSQL advisory lock per account; docs/scale-out.md, "Plans"). The others read the stored plan.
 */
export interface PlanLeases {
  /**
   * Takes the lease of each of these rooms where no other node holds it; resolves with those this
   * node holds now (taken before or now). Rejects when the store cannot be asked (then this node
   * derives, as without leases).
   */
  take(rooms: string[]): Promise<Set<string>>
  /** Gives the room's lease back (this node stopped holding the room); no-op when not held. */
  release(room: string): void
  close(): Promise<void>
}

export interface PlanStore {
  /**
   * Whether other processes write this store too (several nodes on one database): then a node's
   * memory of other accounts' plans may be behind, and lists re-read the summaries
   * ({@link summaries}) and plans are read from the store.
   */
  readonly shared: boolean
  /** Several nodes: the plan-derivation leases (absent: every node derives the rooms it holds). */
  readonly leases?: PlanLeases | null
  /** How logs name one stored plan ("the plan file", "the plan row"). */
  readonly what: string
  /** Every stored plan's summary, read once at start (`plan` too where it had to be read anyway). */
  loadAll(log: (msg: string) => void): Promise<Map<string, { summary: PlanSummary; plan?: PlanRecord }>>
  /** The summaries of these accounts as stored now (accounts without a stored plan are absent). */
  summaries(ids: string[]): Promise<Map<string, PlanSummary>>
  /** One account's stored plan, or null. */
  read(accountId: string): Promise<StoredPlan | null>
  /**
   * Replaces the account's plan with `content` (the encoded file, see above) durably: after it
   * resolves, a restart (or another node) reads it. Rejects when the store refuses the write.
   */
  write(accountId: string, content: Uint8Array): Promise<void>
  /** Forgets the account's plan (nothing stored: no error). */
  remove(accountId: string): Promise<void>
  close(): Promise<void>
}

const FILE_NAME = /^([a-z0-9][a-z0-9-]{0,63})\.json$/

/** `<dataDir>/plans/<accountId>.json`, written durably (temp, fsync, rename, directory fsync). */
export class FilePlanStore implements PlanStore {
  readonly shared = false
  readonly what = 'the plan file'
  private readonly dir: string
  private made = false

  constructor(
    dataDir: string,
    private readonly fs: StorageFs = nodeFs,
  ) {
    this.dir = path.join(dataDir, 'plans')
  }

  private fileOf(accountId: string) {
    return path.join(this.dir, `${accountId}.json`)
  }

  private async ensureDir() {
    if (this.made) return
    await this.fs.mkdir(this.dir)
    this.made = true
  }

  async loadAll(log: (msg: string) => void) {
    await this.ensureDir()
    const out = new Map<string, { summary: PlanSummary; plan?: PlanRecord }>()
    for (const name of await this.fs.readdir(this.dir)) {
      const m = FILE_NAME.exec(name)
      if (!m) continue
      try {
        const stored = JSON.parse((await this.fs.readFile(path.join(this.dir, name))).toString('utf8')) as StoredPlan
        out.set(m[1], { summary: stored.summary, plan: stored.plan })
      } catch (e) {
        log(`[plan ${m[1]}] the stored plan cannot be read (derived again on the next change): ${String(e)}`)
      }
    }
    return out
  }

  async summaries(ids: string[]) {
    const out = new Map<string, PlanSummary>()
    for (const id of ids) {
      const stored = await this.read(id)
      if (stored) out.set(id, stored.summary)
    }
    return out
  }

  async read(accountId: string): Promise<StoredPlan | null> {
    if (!FILE_NAME.test(`${accountId}.json`)) return null
    let bytes: Buffer
    try {
      bytes = await this.fs.readFile(this.fileOf(accountId))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
    const stored = JSON.parse(bytes.toString('utf8')) as StoredPlan
    return { summary: stored.summary, plan: stored.plan }
  }

  async write(accountId: string, content: Uint8Array) {
    if (!FILE_NAME.test(`${accountId}.json`)) throw new Error(`invalid account id ${accountId}`)
    await this.ensureDir()
    await writeFileDurably(this.fs, this.fileOf(accountId), content)
  }

  async remove(accountId: string) {
    if (!FILE_NAME.test(`${accountId}.json`)) return
    await this.fs.rm(this.fileOf(accountId))
  }

  async close() {}
}
