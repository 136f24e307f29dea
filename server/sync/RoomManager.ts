import type { DocStore } from '../storage/DocStore.ts'
import { Room, type RoomOptions } from './Room.ts'

interface Entry {
  /** Settles when the room is loaded (or fails to load). */
  loading: Promise<Room>
  room: Room | null
  holders: number
  unloadTimer: NodeJS.Timeout | null
}

export interface RoomManagerOptions extends Omit<RoomOptions, 'onDocChanged'> {
  /** How long an empty room stays in memory before it is persisted and unloaded. */
  unloadGraceMs: number
  onDocChanged?: (room: Room) => void
  /** Called before a room is unloaded (after its last connection left). */
  onUnload?: (room: Room) => void | Promise<void>
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

  constructor(
    private readonly store: DocStore,
    private readonly options: RoomManagerOptions,
  ) {}

  /** Takes a hold on a room, loading it if needed. Pair with {@link release}. */
  async acquire(name: string): Promise<Room> {
    await this.unloading.get(name)
    let entry = this.entries.get(name)
    if (!entry) {
      const created: Entry = { loading: null as unknown as Promise<Room>, room: null, holders: 0, unloadTimer: null }
      created.loading = Room.load(name, this.store, {
        compactLogBytes: this.options.compactLogBytes,
        log: this.options.log,
        onDocChanged: this.options.onDocChanged,
      }).then(
        (room) => {
          created.room = room
          return room
        },
        async (e) => {
          // A room that could not be read is not kept: the next attempt reads the disk again.
          if (this.entries.get(name) === created) this.entries.delete(name)
          await this.store.release(name)
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
      await room.compact()
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

  /** Persists and unloads every room (on shutdown). */
  async closeAll(): Promise<void> {
    const pending = [...this.entries.entries()].map(async ([name, entry]) => {
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
      entry.holders = 0
      await entry.loading.catch(() => {})
      await this.unload(name, entry)
    })
    await Promise.all([...pending, ...this.unloading.values()])
  }
}
