import { CloseCode } from '../../shared/protocol.ts'
import { type DocStore, isStorageFailure, StorageUnavailableError } from '../storage/DocStore.ts'
import { Room, type RoomOptions } from './Room.ts'

interface Entry {
  /** Settles when the room is loaded (or fails to load). */
  loading: Promise<Room>
  room: Room | null
  holders: number
  unloadTimer: NodeJS.Timeout | null
}

export interface RoomManagerOptions extends RoomOptions {
  /** How long an empty room stays in memory before it is persisted and unloaded. */
  unloadGraceMs: number
  /** Called before a room is unloaded (after its last connection left). */
  onUnload?: (room: Room) => void | Promise<void>
  /** How often a room whose storage failed checks whether it can save again (default 3 s). */
  storageRetryMs?: number
}

/** A room whose stored copy lacks edits because the disk refused them (see {@link RoomManager}). */
interface FailingRoom {
  error: Error
  since: Date
  timer: NodeJS.Timeout | null
}

/**
 * The live rooms of this server: every connection to an account shares one Room,
 * loaded once (connections that arrive during the load wait for the same load) and
 * unloaded a grace period after its last connection leaves.
 */
export class RoomManager {
  private readonly entries = new Map<string, Entry>()
  /** Rooms being persisted and unloaded; a new acquire waits for this to finish. */
  private readonly unloading = new Map<string, Promise<void>>()
  /** Rooms that cannot save right now: refused until a probe write succeeds, then reloaded from disk. */
  private readonly failing = new Map<string, FailingRoom>()
  private closed = false

  constructor(
    private readonly store: DocStore,
    private readonly options: RoomManagerOptions,
  ) {
    store.onFailure?.((room, error) => this.storageFailed(room, error))
  }

  /**
   * Takes a hold on a room, loading it if needed. Pair with {@link release}. Rejects with
   * {@link StorageUnavailableError} while the room cannot save.
   */
  async acquire(name: string): Promise<Room> {
    await this.unloading.get(name)
    const failing = this.failing.get(name)
    if (failing) throw new StorageUnavailableError(`room ${name}: cannot save right now`, failing.error)
    let entry = this.entries.get(name)
    if (!entry) {
      const created: Entry = { loading: null as unknown as Promise<Room>, room: null, holders: 0, unloadTimer: null }
      created.loading = Room.load(name, this.store, {
        compactLogBytes: this.options.compactLogBytes,
        log: this.options.log,
        onDocChanged: this.options.onDocChanged,
        limits: this.options.limits,
        onLoaded: this.options.onLoaded,
        fanout: this.options.fanout,
        onUnreadable: (room) => {
          // Dropped without the unload hook or a compaction; the next join reads the store again.
          if (this.entries.get(name) !== created) return
          this.entries.delete(name)
          if (created.unloadTimer) clearTimeout(created.unloadTimer)
          // Destroyed as a room dropped for a storage failure is: it leaves the fan-out (it stayed
          // subscribed to the other nodes' frames and announced itself in their rooms), its
          // presence and, through `destroyed`, its plan state and lease.
          room.destroy()
          void this.store.release(name)
        },
      }).then(
        (room) => {
          created.room = room
          return room
        },
        async (e) => {
          // A room that could not be read is not kept: the next attempt reads the disk again.
          if (this.entries.get(name) === created) this.entries.delete(name)
          await this.store.release(name)
          if (isStorageFailure(e)) this.storageFailed(name, e as Error)
          throw e
        },
      )
      this.entries.set(name, created)
      entry = created
    }
    entry.holders++
    if (entry.unloadTimer) {
      clearTimeout(entry.unloadTimer)
      entry.unloadTimer = null
    }
    try {
      return await entry.loading
    } catch (e) {
      entry.holders--
      throw e
    }
  }

  release(name: string) {
    const entry = this.entries.get(name)
    if (!entry) return
    entry.holders--
    if (entry.holders > 0) return
    entry.unloadTimer = setTimeout(() => void this.unload(name, entry), this.options.unloadGraceMs)
  }

  /** Resolves once the room's unload, if one is under way (hook, snapshot, store release), has finished. */
  async unloaded(name: string): Promise<void> {
    await this.unloading.get(name)?.catch(() => {})
  }

  /** The room if it is loaded now (no load is started). */
  peek(name: string): Room | null {
    return this.entries.get(name)?.room ?? null
  }

  get loadedRooms(): Room[] {
    return [...this.entries.values()].flatMap((e) => (e.room ? [e.room] : []))
  }

  private unload(name: string, entry: Entry): Promise<void> {
    if (this.entries.get(name) !== entry || entry.holders > 0) return Promise.resolve()
    this.entries.delete(name)
    const done = (async () => {
      const room = entry.room
      if (!room) return
      try {
        await this.options.onUnload?.(room)
      } catch (e) {
        this.options.log(`[room ${name}] unload hook failed: ${String(e)}`)
      }
      // A room nobody changed is already on disk as it is: no snapshot to write.
      if (room.changedSinceLoad) await room.compact()
      room.destroy()
      await this.store.release(name)
    })().finally(() => this.unloading.delete(name))
    this.unloading.set(name, done)
    return done
  }

  /**
   * Deletes a room for good (account deletion): closes its connections, unloads it without
   * persisting, and removes its stored data. An acquire arriving meanwhile waits for the end.
   */
  remove(name: string, closeCode: number, reason: string): Promise<void> {
    const previous = this.unloading.get(name) ?? Promise.resolve()
    const done = (async () => {
      await previous
      const entry = this.entries.get(name)
      if (entry) {
        this.entries.delete(name)
        if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
        const room = await entry.loading.catch(() => null)
        if (room) {
          for (const conn of [...room.connections]) conn.close(closeCode, reason)
          try {
            await this.options.onUnload?.(room)
          } catch (e) {
            this.options.log(`[room ${name}] unload hook failed: ${String(e)}`)
          }
          room.destroy()
        }
      }
      await this.store.release(name)
      await this.store.remove(name)
    })().finally(() => {
      if (this.unloading.get(name) === done) this.unloading.delete(name)
    })
    this.unloading.set(name, done)
    return done
  }

  /**
   * The store could not persist a room's updates. The room stops accepting edits at once: its
   * connections are closed with {@link CloseCode.StorageUnavailable} (y-websocket reconnects on
   * it, and the browsers keep their unsaved edits), and its in-memory document is dropped. A
   * room kept in memory would already "have" the clients' edits, so on reconnect they would
   * never be sent again; reloaded from disk, the sync exchange sends back what the disk lacks.
   * New connections are refused the same way until the store proves it can write again
   * (checked every few seconds).
   */
  private storageFailed(name: string, error: Error) {
    if (this.closed) return
    const known = this.failing.get(name)
    if (known) known.error = error
    else {
      this.options.log(`[room ${name}] cannot save (${String(error)}): closing the room until storage works again`)
      const failing: FailingRoom = { error, since: new Date(), timer: null }
      this.failing.set(name, failing)
      this.scheduleStorageCheck(name, failing)
    }
    const entry = this.entries.get(name)
    if (!entry) return
    this.entries.delete(name)
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
    const previous = this.unloading.get(name) ?? Promise.resolve()
    const done = (async () => {
      await previous
      const room = await entry.loading.catch(() => null)
      if (room) {
        for (const conn of [...room.connections])
          conn.close(CloseCode.StorageUnavailable, 'cannot save: storage failing')
        room.destroy()
      }
      await this.store.release(name).catch(() => {})
    })().finally(() => {
      if (this.unloading.get(name) === done) this.unloading.delete(name)
    })
    this.unloading.set(name, done)
  }

  private scheduleStorageCheck(name: string, failing: FailingRoom) {
    failing.timer = setTimeout(async () => {
      failing.timer = null
      if (this.closed || this.failing.get(name) !== failing) return
      try {
        await this.unloading.get(name)
        await this.store.checkWritable?.(name)
        this.failing.delete(name)
        this.options.log(`[room ${name}] storage works again: the room reloads from disk on the next connection`)
      } catch (e) {
        failing.error = e instanceof Error ? e : new Error(String(e))
        if (!this.closed) this.scheduleStorageCheck(name, failing)
      }
    }, this.options.storageRetryMs ?? 3000)
    failing.timer.unref()
  }

  /** What `/healthz` reports about storage: `ok` unless some room cannot save. */
  storageStatus(): { ok: boolean; failingRooms: number; error?: string; since?: string } {
    if (this.failing.size === 0) return { ok: true, failingRooms: 0 }
    const first = [...this.failing.values()].sort((a, b) => a.since.getTime() - b.since.getTime())[0]
    return {
      ok: false,
      failingRooms: this.failing.size,
      error: (first.error as NodeJS.ErrnoException).code ?? first.error.name,
      since: first.since.toISOString(),
    }
  }

  /** Persists and unloads every room (on shutdown). */
  async closeAll(): Promise<void> {
    this.closed = true
    for (const f of this.failing.values()) if (f.timer) clearTimeout(f.timer)
    const pending = [...this.entries.entries()].map(async ([name, entry]) => {
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
      entry.holders = 0
      await entry.loading.catch(() => {})
      await this.unload(name, entry)
    })
    await Promise.all([...pending, ...this.unloading.values()])
  }
}
