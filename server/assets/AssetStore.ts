/**
 * Where uploaded assets (pasted images, videos) are kept, by content hash: `<sha256>.<ext>` per
 * account. The embedded default keeps files under `DATA_DIR/assets/<account>/`; the multi-node
 * mode keeps them in PostgreSQL (server/pg/PgContentStores.ts), so every node serves them.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'

export interface AssetStore {
  /** Stores an asset; resolves once it is stored (the same name twice is the same bytes: a no-op). */
  put(accountId: string, name: string, bytes: Buffer): Promise<void>
  /** The asset's bytes, or null when the account has no such asset. */
  get(accountId: string, name: string): Promise<Buffer | null>
  /** Deletes every asset of an account (the account is being deleted). */
  removeAccount(accountId: string): Promise<void>
}

export class FileAssetStore implements AssetStore {
  constructor(private readonly dataDir: string) {}

  private dir(accountId: string) {
    return path.join(this.dataDir, 'assets', accountId)
  }

  async put(accountId: string, name: string, bytes: Buffer): Promise<void> {
    const dir = this.dir(accountId)
    await fs.mkdir(dir, { recursive: true })
    const target = path.join(dir, name)
    const tmp = `${target}.${process.pid}.tmp`
    await fs.writeFile(tmp, bytes)
    await fs.rename(tmp, target)
  }

  async get(accountId: string, name: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(path.join(this.dir(accountId), name))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
  }

  async removeAccount(accountId: string): Promise<void> {
    await fs.rm(this.dir(accountId), { recursive: true, force: true })
  }
}
