import { isoDateInTimeZone } from '../../shared/plan/dates.ts'
import { derivePlanFromDoc } from '../../shared/plan/readDoc.ts'
import type { PlanRecord } from '../../shared/plan/schema.ts'
import type { Database } from '../db/Database.ts'
import type { Room } from '../sync/Room.ts'
import type { RoomManager } from '../sync/RoomManager.ts'

export interface PlanServiceOptions {
  /** Derive this long after the last change (changes in between are coalesced). */
  deriveDelayMs: number
  /** The time zone whose calendar date decides what is overdue. */
  timeZone: string
  /** Freshness limit of the contact checks (STALE_CONTACT_DAYS). */
  staleContactDays?: number
  log: (msg: string) => void
  /** Injectable clock (tests). */
  now?: () => Date
}

/**
 * Keeps each account's plan record (the checked projection of its canvas) derived and stored
 * in lowdb about a second after the last change and when the room unloads, so that lists and
 * reports never need the canvas open.
 */
export class PlanService {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private rooms: RoomManager | null = null

  constructor(
    private readonly db: Database,
    private readonly options: PlanServiceOptions,
  ) {}

  /** The room manager is built with this service's hooks, so it is attached afterwards. */
  attach(rooms: RoomManager) {
    this.rooms = rooms
  }

  today(): string {
    return isoDateInTimeZone(this.options.now?.() ?? new Date(), this.options.timeZone)
  }

  /** Room hook: a document changed. */
  readonly onDocChanged = (room: Room) => {
    if (this.timers.has(room.name)) return
    const timer = setTimeout(() => {
      this.timers.delete(room.name)
      void this.store(room)
    }, this.options.deriveDelayMs)
    timer.unref()
    this.timers.set(room.name, timer)
  }

  /** Room hook: the room is about to unload; store its final plan now. */
  readonly onUnload = async (room: Room) => {
    const timer = this.timers.get(room.name)
    if (timer) {
      clearTimeout(timer)
      this.timers.delete(room.name)
      await this.store(room)
    }
  }

  private derive(room: Room): PlanRecord {
    return derivePlanFromDoc(room.doc, {
      today: this.today(),
      staleContactDays: this.options.staleContactDays,
      onError: (e) =>
        this.options.log(`[plan ${room.name}] derivation failed (a bug): ${e instanceof Error ? e.stack : String(e)}`),
    })
  }

  private async store(room: Room): Promise<PlanRecord | null> {
    try {
      const plan = this.derive(room)
      const now = (this.options.now?.() ?? new Date()).toISOString()
      await this.db.update((d) => {
        // Plans belong to accounts; a room whose account was deleted meanwhile leaves no trace.
        const account = d.accounts[room.name]
        if (!account) return
        d.plans[room.name] = plan
        account.lastActivityAt = now
      })
      return plan
    } catch (e) {
      this.options.log(`[plan ${room.name}] derivation failed: ${e instanceof Error ? e.stack : String(e)}`)
      return null
    }
  }

  /** The stored plan record as last derived, without loading anything. */
  stored(accountId: string): PlanRecord | null {
    return (this.db.data.plans[accountId] as PlanRecord | undefined) ?? null
  }

  /**
   * The plan as of today: fresh from memory when the room is open; the stored record when it
   * was derived today; otherwise the room is loaded from storage and derived again (dates move
   * even when nobody edits: yesterday's due date is overdue today).
   */
  async current(accountId: string): Promise<PlanRecord> {
    const rooms = this.rooms
    if (!rooms) throw new Error('PlanService is not attached to a RoomManager')
    const open = rooms.peek(accountId)
    if (open) return this.derive(open)
    const stored = this.stored(accountId)
    if (stored && stored.asOf === this.today()) return stored
    const room = await rooms.acquire(accountId)
    try {
      return (await this.store(room)) ?? this.derive(room)
    } finally {
      rooms.release(accountId)
    }
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
