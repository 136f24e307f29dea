import path from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'

/** An account known to this server. */
export interface AccountRecord {
  id: string
  createdAt: string
  lastActivityAt: string
}

export interface DbData {
  accounts: Record<string, AccountRecord>
  /** Derived plan records by account id (plan record issue). */
  plans: Record<string, unknown>
}

const empty = (): DbData => ({ accounts: {}, plans: {} })

/**
 * The server's records (accounts, and later plans, users, reviews) in
 * `DATA_DIR/db.json` through lowdb, which writes atomically (temp file + rename).
 */
export class Database {
  private constructor(private readonly low: Low<DbData>) {}

  static async open(dataDir: string): Promise<Database> {
    const low = new Low<DbData>(new JSONFile(path.join(dataDir, 'db.json')), empty())
    await low.read()
    low.data = { ...empty(), ...low.data }
    return new Database(low)
  }

  get data(): DbData {
    return this.low.data
  }

  /** Applies a change and writes it; writes are serialised by lowdb's writer. */
  async update(change: (data: DbData) => void): Promise<void> {
    change(this.low.data)
    await this.low.write()
  }

  async touchAccount(id: string, when = new Date()): Promise<void> {
    await this.update((d) => {
      const now = when.toISOString()
      d.accounts[id] ??= { id, createdAt: now, lastActivityAt: now }
      d.accounts[id].lastActivityAt = now
    })
  }
}
