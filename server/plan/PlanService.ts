import * as Y from 'yjs'
import { isoDateInTimeZone } from '../../shared/plan/dates.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import type { Records } from '../db/Records.ts'
import { isStorageFailure, StorageUnavailableError } from '../storage/DocStore.ts'
import type { StorageFs } from '../storage/fsLayer.ts'
import { IdleWorker } from '../storage/IdleWorker.ts'
import type { Room } from '../sync/Room.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import { FilePlanStore, type PlanLeases, type PlanStore } from './PlanStore.ts'
import { type PlanSummary, type PlanWorkerReply, type PlanWorkerRequest, summarize } from './planProtocol.ts'

export interface PlanServiceOptions {
  /**
   * Derive a changed room at most once per this interval, and only once it has been this long
   * since its first unsaved change (changes in between are coalesced).
   */
  deriveDelayMs: number
  /** The time zone whose calendar date decides what is overdue. */
  timeZone: string
  /** Freshness limit of the contact checks (STALE_CONTACT_DAYS). */
  staleContactDays?: number
  log: (msg: string) => void
  /** Where plan records are kept (`<dataDir>/plans/<accountId>.json`) unless `store` is given; none: in memory only. */
  dataDir?: string
  /** The plan store (server/plan/PlanStore.ts; PostgreSQL in multi-node mode); default: files under `dataDir`. */
  store?: PlanStore | null
  /** Injectable clock (tests). */
  now?: () => Date
  /** Injectable clock of the scheduler, ms (tests; default Date.now). */
  clock?: () => number
  /** A room is in a burst while its last change is this recent: no derivation then (default 250 ms). */
  quietMs?: number
  /** …unless it has waited this long (a room that never pauses still gets its plan; default 30 s). */
  maxStaleMs?: number
  /**
   * A room's plan file is rewritten at most once per this interval while it is edited (default
   * 10 s), and always when the room unloads: the plan is derived data (derived again from the
   * document on the next change), so its file need not follow every derivation; what lists show
   * (the summary) is kept in memory after every derivation.
   */
  writeIntervalMs?: number
  /**
   * …and all rooms together write at most this many plans per second (default 10; bursts of as
   * many pass at once; 0: no limit): with hundreds of rooms edited at once, one durable file write
   * per room every interval cost as many file operations as the update log itself. The rooms whose
   * file waited longest go first; an unloading room's plan is written at once.
   */
  writesPerSecond?: number
  /**
   * All rooms together start at most this many derivations per second from the scheduler (default
   * 50; 0: no limit); the rooms that changed longest ago go first. With 500 rooms edited at once,
   * one derivation per room every `deriveDelayMs` kept the plan worker at a tenth of the server's
   * core; a plan asked for (the plan route, an unload) is derived at once all the same.
   */
  derivationsPerSecond?: number
  /** After a failed plan write, try again after this long (default 3 s). */
  writeRetryMs?: number
  /** The file-system layer plan files are written through (tests inject faults; files only). */
  fs?: StorageFs
}

/** Per loaded room: what the worker's replica still lacks, and when the room last changed. */
interface RoomPlanState {
  room: Room
  /** The stored updates the room was loaded from, until the worker's replica is opened. */
  base: Uint8Array[] | null
  /** Updates since the replica was last fed (handed over right before a derivation). */
  pending: Uint8Array[]
  /** Their bytes (past {@link FEED_BYTES} they are handed over without waiting). */
  pendingBytes: number
  open: boolean
  dirty: boolean
  dirtySince: number
  lastChangeAt: number
  lastDerivedAt: number
  deriving: Promise<unknown> | null
  /** The plan file's content as last derived, while it is not written (the file lags it). */
  unwritten: Uint8Array | null
  lastFileAt: number
  /**
   * Several nodes (the store's leases): whether this node derives the room ('held'), another node
   * does ('other': this one keeps no replica and reads the stored plan), or not asked yet. A hint
   * only: every due derivation asks the lease again.
   */
  lease: 'held' | 'other' | 'unknown'
  /** Another node held the lease when asked since the last change (asked once more, then watched). */
  askedOnce: boolean
  /**
   * Another node held the lease at this node's last asks (clock ms; 0: not watching). The holder
   * derives the changes it sees, but it may unload the room, die or lose Redis before it derived
   * this node's last ones: the lease is asked again every {@link leaseWatchMs} while the room is
   * loaded here, and the node that gets it derives from its live document.
   */
  watching: number
}

interface IndexEntry {
  summary: PlanSummary
  /** The plan as JSON, as the worker sent it (parsed on first read). */
  json: string | null
  /** The plan file's content as derived, until the file holds it (parsed on first read). */
  bytes: Uint8Array | null
  parsed: PlanRecord | null
}

const TICK_MS = 100
/** The shortest period of a watched lease's asks (see {@link RoomPlanState.watching}). */
const LEASE_WATCH_MS = 5_000
/** Updates queued for a replica past this many bytes are handed over before the derivation. */
const FEED_BYTES = 256 * 1024
const WORKER_IDLE_MS = 60_000

/**
 * Plan writes to the store, off the event loop (async; files durably: temp, fsync, rename,
 * directory fsync; PostgreSQL one upsert). Only the latest content of each plan waits; a failed
 * write is logged once and tried again by itself until it succeeds (or newer content replaces it).
 */
class PlanWrites {
  private readonly waiting = new Map<string, Uint8Array>()
  private readonly writing = new Map<string, Promise<void>>()
  private readonly retry = new Map<string, NodeJS.Timeout>()
  /** Accounts whose last write failed (logged once per failure streak). */
  readonly failing = new Map<string, string>()
  private closed = false

  constructor(
    private readonly store: PlanStore,
    private readonly log: (msg: string) => void,
    private readonly retryMs: number,
  ) {}

  put(id: string, bytes: Uint8Array): Promise<void> {
    this.waiting.set(id, bytes)
    return this.kick(id)
  }

  private kick(id: string): Promise<void> {
    const running = this.writing.get(id)
    if (running) return running.then(() => this.settled(id))
    const timer = this.retry.get(id)
    if (timer) {
      clearTimeout(timer)
      this.retry.delete(id)
    }
    const run = (async () => {
      while (this.waiting.has(id)) {
        const bytes = this.waiting.get(id)!
        this.waiting.delete(id)
        try {
          await this.store.write(id, bytes)
          if (this.failing.delete(id)) this.log(`[plan ${id}] ${this.store.what} is written again`)
        } catch (e) {
          // Newer content may have arrived meanwhile; else this one is tried again.
          if (!this.waiting.has(id)) this.waiting.set(id, bytes)
          const why = (e as NodeJS.ErrnoException).code ?? String(e)
          if (!this.failing.has(id))
            this.log(`[plan ${id}] writing ${this.store.what} failed (${why}); trying again every ${this.retryMs} ms`)
          this.failing.set(id, why)
          if (!this.closed) {
            const t = setTimeout(() => {
              this.retry.delete(id)
              void this.kick(id)
            }, this.retryMs)
            t.unref()
            this.retry.set(id, t)
          }
          return
        }
      }
    })().finally(() => this.writing.delete(id))
    this.writing.set(id, run)
    return run
  }

  /** Resolves once nothing is being written for `id` (a failed write is not waited for). */
  private async settled(id: string): Promise<void> {
    await this.writing.get(id)
  }

  /** Forgets what waits for `id` (deleted account). */
  forget(id: string) {
    this.waiting.delete(id)
    this.failing.delete(id)
    const timer = this.retry.get(id)
    if (timer) clearTimeout(timer)
    this.retry.delete(id)
  }

  async close() {
    this.closed = true
    for (const t of this.retry.values()) clearTimeout(t)
    this.retry.clear()
    await Promise.all([...this.writing.values()])
  }
}

/**
 * Keeps each account's plan record (the checked projection of its canvas) derived and stored,
 * off the event loop: a worker thread keeps a replica of every changed room (fed the stored
 * updates once, then each update), derives there and writes `plans/<accountId>.json` durably.
 * One scheduler for all rooms: a room is derived only when it changed, at most once per
 * `deriveDelayMs`, never in the middle of a burst of changes, and when it unloads. The event
 * loop only hands over update bytes and keeps a small summary per account for the lists; the
 * full plan is parsed only when someone asks for it. `db.json` no longer holds plans.
 */
export class PlanService {
  private readonly states = new Map<string, RoomPlanState>()
  private readonly index = new Map<string, IndexEntry>()
  private readonly worker: IdleWorker<Extract<PlanWorkerRequest, { op: 'derive' }>, PlanWorkerReply>
  private readonly files: PlanWrites | null
  private readonly store: PlanStore | null
  private rooms: RoomManager | null = null
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly clock: () => number
  /** Thread and duration of the last derivation (tests: it is not the event loop's). */
  lastDerivation: { room: string; threadId: number; ms: number } | null = null
  /** Thread and duration of each room's last derivation (tests). */
  readonly lastDerivationOf = new Map<string, { room: string; threadId: number; ms: number }>()
  /** Rooms the worker is deriving right now (asked, no answer yet). */
  private readonly inWorker = new Set<string>()
  /** Whether the worker is deriving this room's plan right now (tests). */
  isDeriving(room: string): boolean {
    return this.inWorker.has(room)
  }
  /** Derivations started, by room (tests: none starts in the middle of a burst). */
  readonly derivations = new Map<string, number>()
  /** Several nodes: who derives which room (null: this node derives every room it holds). */
  private readonly leases: PlanLeases | null
  /** Whether asking the leases fails (logged once per streak; this node then derives). */
  private leasesFailing = false

  constructor(
    private readonly db: Records,
    private readonly options: PlanServiceOptions,
  ) {
    this.store =
      options.store !== undefined
        ? options.store
        : options.dataDir
          ? new FilePlanStore(options.dataDir, options.fs)
          : null
    this.files = this.store ? new PlanWrites(this.store, options.log, options.writeRetryMs ?? 3000) : null
    this.clock = options.clock ?? Date.now
    this.leases = this.store?.leases ?? null
    // A shared store (PostgreSQL, several nodes) stores each derivation at once: no budget.
    this.writeBudget = new WriteBudget(this.store?.shared ? 0 : (options.writesPerSecond ?? 10), this.clock)
    this.deriveBudget = new WriteBudget(options.derivationsPerSecond ?? 50, this.clock)
    // Started on first use; kept while any room has a replica in it, stopped a minute after the
    // last one unloaded (it costs memory while idle); messages of one turn go as one.
    this.worker = new IdleWorker(new URL('./planWorker.boot.mjs', import.meta.url), {
      name: 'plan worker',
      idleMs: WORKER_IDLE_MS,
      batch: true,
      holds: () => this.states.size > 0,
      log: (msg) => options.log(msg),
      onLost: () => {
        // The worker died with its replicas: every room is fed its full state again.
        for (const s of this.states.values()) s.open = false
      },
    })
  }

  /**
   * Reads the stored plans' summaries (and moves plans an older version kept in db.json to the
   * store). Call once before serving.
   */
  async load(): Promise<void> {
    const store = this.store
    if (!store) return
    for (const [id, stored] of await store.loadAll(this.options.log))
      this.index.set(id, { summary: stored.summary, json: null, bytes: null, parsed: stored.plan ?? null })
    const legacy = this.db.data.plans
    const moved = Object.keys(legacy)
    if (moved.length === 0) return
    for (const id of moved) {
      const plan = legacy[id] as PlanRecord
      const account = this.db.data.accounts[id]
      if (!account || !plan) continue
      const summary = summarize(plan, account.lastActivityAt)
      await store.write(id, Buffer.from(JSON.stringify({ format: 'war-room-plan', version: 1, summary, plan })))
      this.index.set(id, { summary, json: null, bytes: null, parsed: plan })
    }
    await this.db.update((d) => {
      d.plans = {}
    })
    this.options.log(`[plan] moved ${moved.length} plan records from db.json to plans/`)
  }

  /**
   * Several nodes on one store: other nodes derive and store plans of rooms this node does not
   * hold, so before a list this node re-reads those accounts' summaries (one query). A room this
   * node has derived since it loaded keeps its own (newer, or the same: derived from the same
   * converged document). One store (files): nothing to do.
   */
  async refresh(ids: string[]): Promise<void> {
    const store = this.store
    if (!store?.shared) return
    const others = ids.filter((id) => !this.newerHere(id))
    let rows: Map<string, PlanSummary>
    try {
      rows = await store.summaries(others)
    } catch (e) {
      // The list is served from what this node knows (as lists are while records cannot be read).
      this.options.log(`[plan] reading the stored summaries failed (lists show this node's): ${String(e)}`)
      return
    }
    for (const id of others) {
      if (this.newerHere(id)) continue
      const summary = rows.get(id)
      const entry = this.index.get(id)
      if (!summary) this.index.delete(id)
      else if (!entry || JSON.stringify(entry.summary) !== JSON.stringify(summary))
        this.index.set(id, { summary, json: null, bytes: null, parsed: null })
    }
  }

  /**
   * Whether this node's memory of the plan is at least as new as the store's: it holds the room
   * and derived it since loading it, or its last derivation is not stored yet.
   */
  private newerHere(id: string): boolean {
    const s = this.states.get(id)
    // A room another node derives: the stored plan is that node's, newer than this node's.
    if (s && !s.room.destroyed && s.lastDerivedAt > 0 && s.lease !== 'other') return true
    return Boolean(this.index.get(id)?.bytes)
  }

  /** The room manager is built with this service's hooks, so it is attached afterwards. */
  attach(rooms: RoomManager) {
    this.rooms = rooms
  }

  today(): string {
    return isoDateInTimeZone(this.now(), this.options.timeZone)
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  /** Room hook: the room's stored state was applied. */
  readonly onLoaded = (room: Room, updates: Uint8Array[]) => {
    const previous = this.states.get(room.name)
    if (previous?.open) this.worker.post({ op: 'close', room: room.name })
    this.states.set(room.name, {
      room,
      base: updates,
      pending: [],
      pendingBytes: 0,
      open: false,
      dirty: false,
      dirtySince: 0,
      lastChangeAt: 0,
      lastDerivedAt: 0,
      deriving: null,
      unwritten: null,
      // The first write waits an interval too (the plan on disk is as current as at load).
      lastFileAt: this.clock(),
      lease: 'unknown',
      askedOnce: false,
      watching: 0,
    })
  }

  /** Room hook: a document changed. Only bookkeeping here: the update is queued for the worker. */
  readonly onDocChanged = (room: Room, update: Uint8Array) => {
    const s = this.states.get(room.name)
    if (!s || s.room !== room) return
    const now = this.clock()
    // Another node derives this room: no replica here, so nothing to queue for one (a replica
    // opened later, when this node takes the lease, starts from the live document).
    const follower = s.lease === 'other' && !s.open
    if (!follower) {
      s.pending.push(update)
      s.pendingBytes += update.length
    }
    s.lastChangeAt = now
    s.askedOnce = false
    if (!s.dirty) {
      // Start the worker now: by the time this change is due for derivation it has loaded its code.
      if (!follower) this.worker.warm()
      s.dirty = true
      s.dirtySince = now
    }
    this.schedule()
  }

  private schedule() {
    if (this.timer || this.closed) return
    this.timer = setTimeout(this.tick, TICK_MS)
    this.timer.unref()
  }

  /** The one scheduler for all rooms. */
  private readonly tick = () => {
    this.timer = null
    const now = this.clock()
    const quiet = this.options.quietMs ?? 250
    const maxStale = this.options.maxStaleMs ?? 30_000
    const delay = this.options.deriveDelayMs
    let more = false
    const fileDue: RoomPlanState[] = []
    const deriveDue: RoomPlanState[] = []
    const watchDue: RoomPlanState[] = []
    for (const [name, s] of this.states) {
      if (s.room.destroyed) {
        // Dropped without an unload (storage failure): forget its replica.
        this.states.delete(name)
        if (s.open) this.worker.post({ op: 'close', room: name })
        this.leases?.release(name)
        continue
      }
      // The replica is fed right before a derivation (one message per derivation, not one per
      // tick and edited room), or once a long burst has queued much.
      if (s.pendingBytes >= FEED_BYTES) this.feed(s)
      if (s.watching > 0 && !s.dirty && !s.deriving) {
        more = true
        if (now - s.watching >= this.leaseWatchMs) watchDue.push(s)
      }
      if (!s.dirty && !s.unwritten) continue
      more = true
      if (s.deriving) continue
      if (s.dirty) {
        const due = now - s.dirtySince >= delay && now - s.lastDerivedAt >= delay
        const inBurst = now - s.lastChangeAt < quiet
        if (due && (!inBurst || now - s.dirtySince >= maxStale)) {
          deriveDue.push(s)
          continue
        }
      }
      // Derived since its file was written: the file catches up, within the global budget.
      if (s.unwritten && now - s.lastFileAt >= this.writeInterval) fileDue.push(s)
    }
    const ask: RoomPlanState[] = watchDue
    if (deriveDue.length > 0) {
      // The rooms that changed longest ago first, as many as the budget allows now.
      if (deriveDue.length > 1) deriveDue.sort((a, b) => a.dirtySince - b.dirtySince)
      for (const s of deriveDue) {
        // Rooms another node derived when last asked cost no derivation here: asked outside the budget.
        if (this.leases && s.lease === 'other') {
          ask.push(s)
          continue
        }
        if (!this.deriveBudget.take()) break
        if (this.leases) ask.push(s)
        else void this.derive(s, false).catch(() => {})
      }
    }
    if (ask.length > 0) this.askLeases(ask)
    if (fileDue.length > 0) {
      // The longest-waiting files first, as many as the budget allows now.
      fileDue.sort((a, b) => a.lastFileAt - b.lastFileAt)
      for (const s of fileDue) {
        if (!this.writeBudget.take()) break
        void this.writeFile(s)
      }
    }
    if (more) this.schedule()
  }

  /**
   * Several nodes: derives the due rooms whose lease this node holds (or takes now); the others
   * are derived by the node holding their lease, and this node drops their replica. A room
   * another node derives is asked once more a derivation delay later (that node may have died
   * before deriving the last change: its lease is then free), then every {@link leaseWatchMs}
   * while it stays loaded here (the holder may go later without having derived this node's last
   * changes: cut off from Redis, it never saw them; behind its derivation budget, it had not yet).
   * When the leases cannot be asked (PostgreSQL unreachable) this node derives, as without them.
   */
  private askLeases(list: RoomPlanState[]) {
    const leases = this.leases!
    const asked = leases.take(list.map((s) => s.room.name)).then(
      (held) => {
        if (this.leasesFailing) this.options.log('[plan] the plan leases answer again')
        this.leasesFailing = false
        return held
      },
      (e) => {
        if (!this.leasesFailing) this.options.log(`[plan] asking the plan leases failed (deriving here): ${String(e)}`)
        this.leasesFailing = true
        return null
      },
    )
    for (const s of list) s.deriving = asked
    void asked.then((held) => {
      const now = this.clock()
      for (const s of list) {
        if (s.deriving === asked) s.deriving = null
        if (s.room.destroyed || this.states.get(s.room.name) !== s || this.closed) continue
        if (!held || held.has(s.room.name)) {
          if (held) s.lease = 'held'
          s.watching = 0
          void this.derive(s, false).catch(() => {})
          continue
        }
        s.lease = 'other'
        this.dropReplica(s)
        if (s.askedOnce || !s.dirty) {
          s.dirty = false
          s.watching = now
        } else {
          s.askedOnce = true
          s.dirtySince = now
        }
      }
      this.schedule()
    })
  }

  /** How often a room another node derives is asked for again while nothing changes (see {@link askLeases}). */
  private get leaseWatchMs() {
    return Math.max(LEASE_WATCH_MS, 2 * this.options.deriveDelayMs)
  }

  /** Another node derives this room: its replica and queued updates go (this node reads the stored plan). */
  private dropReplica(s: RoomPlanState) {
    if (s.open) this.worker.post({ op: 'close', room: s.room.name })
    s.open = false
    s.base = null
    s.pending = []
    s.pendingBytes = 0
  }

  /** Whether this node derives the room (no leases: yes; the leases cannot be asked: yes). */
  private async leads(s: RoomPlanState): Promise<boolean> {
    if (!this.leases) return true
    try {
      const held = (await this.leases.take([s.room.name])).has(s.room.name)
      s.lease = held ? 'held' : 'other'
      return held
    } catch {
      return true
    }
  }

  /** Opens the worker's replica (once) and hands it the updates it lacks. */
  private feed(s: RoomPlanState) {
    const room = s.room.name
    if (!s.open) {
      let updates = s.base
      if (!updates) {
        // The replica was lost (worker restart): the full state, once, from the live document.
        updates = [Y.encodeStateAsUpdate(s.room.doc)]
        s.pending = []
        s.pendingBytes = 0
      }
      s.base = null
      // Copied, not transferred: the room keeps its stored bytes to answer cold joins with.
      this.worker.post({ op: 'open', room, updates })
      s.open = true
    }
    if (s.pending.length > 0) {
      const updates = s.pending
      s.pending = []
      s.pendingBytes = 0
      this.worker.post({ op: 'apply', room, updates })
    }
  }

  private get writeInterval() {
    // Several nodes on one store (PostgreSQL): the others read this node's plans from it, so each
    // derivation is stored at once (one upsert) — waiting for the interval kept their lists and
    // plan routes up to 10 s behind (docs/scale-out.md, "Plans"; tests/scale/plans-nodes.test.ts).
    if (this.store?.shared) return 0
    return this.options.writeIntervalMs ?? 10_000
  }

  /** The global budget of plan writes (see {@link PlanServiceOptions.writesPerSecond}). */
  private readonly writeBudget: WriteBudget
  /** The global budget of scheduled derivations (see {@link PlanServiceOptions.derivationsPerSecond}). */
  private readonly deriveBudget: WriteBudget

  /**
   * Derives in the worker. With `writeFile` the plan file is rewritten too (on unload); the
   * returned promise then settles once the write did (or failed).
   */
  private async derive(s: RoomPlanState, wantPlan: boolean, writeFile = false): Promise<PlanRecord | null> {
    const name = s.room.name
    this.feed(s)
    s.dirty = false
    const lastActivityAt = new Date(s.lastChangeAt || Date.now()).toISOString()
    const account = Boolean(this.db.data.accounts[name])
    const wantFile = account && this.files !== null
    const run = this.worker.request({
      op: 'derive',
      room: name,
      today: this.today(),
      staleContactDays: this.options.staleContactDays,
      lastActivityAt,
      wantFile,
      wantPlan,
    })
    s.deriving = run
    this.derivations.set(name, (this.derivations.get(name) ?? 0) + 1)
    this.inWorker.add(name)
    try {
      const reply = await run.finally(() => this.inWorker.delete(name))
      s.lastDerivedAt = this.clock()
      if (!reply.ok) {
        this.options.log(`[plan ${name}] derivation failed: ${reply.error}`)
        return null
      }
      this.lastDerivation = { room: name, threadId: reply.threadId, ms: reply.ms }
      this.lastDerivationOf.set(name, this.lastDerivation)
      for (const bug of reply.bugs) this.options.log(`[plan ${name}] derivation failed (a bug): ${bug}`)
      // Plans belong to accounts; a room whose account was deleted meanwhile leaves no trace.
      if (!this.db.data.accounts[name]) {
        void this.removeFile(name)
        return reply.json ? (JSON.parse(reply.json) as PlanRecord) : null
      }
      const entry: IndexEntry = {
        summary: reply.summary,
        json: reply.json ?? null,
        bytes: reply.file ?? null,
        parsed: null,
      }
      this.index.set(name, entry)
      // The file follows at most once per writeIntervalMs (a file whose last write failed takes
      // the newest content into its retry at once); until then reads use the bytes in memory.
      s.unwritten = reply.file ?? null
      if (writeFile || this.files?.failing.has(name) || this.store?.shared) await this.writeFile(s, false)
      // The scheduler writes the file once it is due (it may have stopped while nothing waited).
      else if (s.unwritten) this.schedule()
      return reply.json ? await this.parse(name, entry) : null
    } catch (e) {
      this.options.log(`[plan ${name}] derivation failed: ${e instanceof Error ? e.stack : String(e)}`)
      return null
    } finally {
      if (s.deriving === run) s.deriving = null
      // Asked for on a node that does not derive the room (the plan route): no replica kept.
      if (s.lease === 'other') this.dropReplica(s)
    }
  }

  /**
   * Writes the room's plan with the content last derived to the store (files: through the
   * file-system layer, durably; a failure is logged and retried by {@link PlanWrites}). With `track`, the write counts
   * as the room's work in progress (no derivation starts meanwhile).
   */
  private writeFile(s: RoomPlanState, track = true): Promise<void> {
    const name = s.room.name
    const bytes = s.unwritten
    const files = this.files
    if (!bytes || !files) return Promise.resolve()
    s.unwritten = null
    s.lastFileAt = this.clock()
    const done = files.put(name, bytes).then(() => {
      const entry = this.index.get(name)
      // The store holds it now: reads go to the store again, the copy in memory goes.
      if (entry?.bytes === bytes && !files.failing.has(name)) entry.bytes = null
    })
    if (!track) return done
    const settled = done.finally(() => {
      if (s.deriving === settled) s.deriving = null
    })
    s.deriving = settled
    return settled
  }

  /** Room hook: the room is about to unload; store its final plan now. */
  readonly onUnload = async (room: Room) => {
    const s = this.states.get(room.name)
    if (!s || s.room !== room) return
    await s.deriving?.catch(() => {})
    // Several nodes: the last node holding the room stores its final plan (the others' leases
    // are given back as they unload, so the last one takes it).
    if (s.dirty && (await this.leads(s))) await this.derive(s, false, true)
    else if (s.unwritten) await this.writeFile(s)
    this.states.delete(room.name)
    if (s.open) this.worker.post({ op: 'close', room: room.name })
    this.leases?.release(room.name)
    this.worker.idleCheck()
  }

  private async parse(id: string, entry: IndexEntry): Promise<PlanRecord | null> {
    if (entry.parsed) return entry.parsed
    try {
      if (entry.json) entry.parsed = JSON.parse(entry.json) as PlanRecord
      else if (entry.bytes)
        entry.parsed = (JSON.parse(new TextDecoder().decode(entry.bytes)) as { plan: PlanRecord }).plan
      else {
        let stored: Awaited<ReturnType<PlanStore['read']>> | undefined
        try {
          stored = await this.store?.read(id)
        } catch (e) {
          // A store that refuses the read (EIO, …): a clear 503; nothing is derived or written in
          // its place, the entry stays, and the next read tries again.
          if (!isStorageFailure(e)) throw e
          this.options.log(`[plan ${id}] reading ${this.store?.what} failed: ${String(e)}`)
          throw new StorageUnavailableError(`the stored plan of ${id} cannot be read`, e)
        }
        if (!stored) return null
        // Read while another write may have replaced the entry: keep only what belongs to it.
        if (this.index.get(id) !== entry) return stored.plan
        entry.parsed = stored.plan
      }
      entry.json = null
      return entry.parsed
    } catch (e) {
      if (e instanceof StorageUnavailableError) throw e
      this.options.log(`[plan ${id}] the stored plan cannot be read: ${String(e)}`)
      return null
    }
  }

  /** What account lists show of the stored plan (no room is loaded, nothing is parsed). */
  summaryOf(accountId: string): PlanSummary | null {
    return this.index.get(accountId)?.summary ?? null
  }

  /**
   * The plan record as last derived, without loading any room: from memory while the store lags
   * this node's last derivation, else from the store. With a shared store (several nodes) a plan
   * this node did not derive itself is read from the store every time: another node may have
   * stored a newer one.
   */
  async stored(accountId: string): Promise<PlanRecord | null> {
    const entry = this.index.get(accountId)
    if (this.store?.shared && !this.newerHere(accountId)) {
      try {
        const stored = await this.store.read(accountId)
        if (!stored) {
          if (this.index.get(accountId) === entry) this.index.delete(accountId)
          return null
        }
        if (!this.newerHere(accountId))
          this.index.set(accountId, { summary: stored.summary, json: null, bytes: null, parsed: stored.plan })
        return stored.plan
      } catch (e) {
        this.options.log(`[plan ${accountId}] reading the stored plan failed (served from memory): ${String(e)}`)
      }
    }
    return entry ? this.parse(accountId, entry) : null
  }

  /**
   * The plan as of today: derived now (in the worker) when the open room changed since; the
   * stored record when it was derived today; otherwise the room is loaded from storage and
   * derived again (dates move even when nobody edits: yesterday's due date is overdue today).
   */
  async current(accountId: string): Promise<PlanRecord> {
    const rooms = this.rooms
    if (!rooms) throw new Error('PlanService is not attached to a RoomManager')
    const today = this.today()
    const open = rooms.peek(accountId)
    const state = open ? this.states.get(accountId) : undefined
    if (state && state.room === open) {
      await state.deriving?.catch(() => {})
      const stored = await this.stored(accountId)
      if (!state.dirty && stored && stored.asOf === today) return stored
      const plan = await this.derive(state, true)
      if (plan) return plan
      throw new Error(`the plan of ${accountId} could not be derived`)
    }
    const stored = await this.stored(accountId)
    if (stored && stored.asOf === today) return stored
    const room = await rooms.acquire(accountId)
    try {
      const s = this.states.get(accountId)
      const plan = s && s.room === room ? await this.derive(s, true) : null
      if (plan) return plan
      throw new Error(`the plan of ${accountId} could not be derived`)
    } finally {
      rooms.release(accountId)
    }
  }

  /** Forgets a deleted account's plan (in the store too). */
  async remove(accountId: string): Promise<void> {
    this.index.delete(accountId)
    await this.removeFile(accountId)
  }

  private async removeFile(accountId: string) {
    this.files?.forget(accountId)
    await this.store
      ?.remove(accountId)
      .catch((e) => this.options.log(`[plan ${accountId}] removing ${this.store?.what} failed: ${String(e)}`))
  }

  /** Plans whose last write failed (they are tried again by themselves). */
  get failingFiles(): number {
    return this.files?.failing.size ?? 0
  }

  async close() {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.files?.close()
    await this.worker.terminate()
  }
}

/** A token bucket (plan writes, derivations) per second (0: unlimited); a second's worth may pass at once. */
class WriteBudget {
  private tokens: number
  private last: number
  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {
    this.tokens = Math.max(1, perSecond)
    this.last = clock()
  }
  take(): boolean {
    if (this.perSecond <= 0) return true
    const now = this.clock()
    const burst = Math.max(1, this.perSecond)
    this.tokens = Math.min(burst, this.tokens + ((now - this.last) * this.perSecond) / 1000)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
