/**
 * The embedded review store: one file per review, `DATA_DIR/reviews/<accountId>/<reviewId>.json`,
 * holding `{ format: "war-room-review", version: 1, …review, state: <base64 Yjs update> }`.
 *
 * A review is written to a temp file in the same folder, fsynced, renamed into place, and the
 * folder fsynced: a crash leaves either no review or the whole review, never a torn one (a
 * leftover `*.tmp` is ignored and removed on the next load). Files are never rewritten, so reading
 * needs no lock. The list of an account's reviews (without their plans and states) is kept in
 * memory after the first read of that account's folder.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ReviewListItem } from '../../shared/review/types.ts'
import { isValidReviewId, listItem, newestFirst, type ReviewStore, type StoredReview } from './ReviewStore.ts'

const FORMAT = 'war-room-review'
const VERSION = 1

interface ReviewFile extends Omit<StoredReview, 'state'> {
  format: typeof FORMAT
  version: typeof VERSION
  state: string
}

export class FileReviewStore implements ReviewStore {
  /** accountId → reviewId → list item, for accounts whose folder was read. */
  private readonly index = new Map<string, Promise<Map<string, ReviewListItem>>>()

  constructor(
    private readonly dataDir: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  private dir(accountId: string) {
    return path.join(this.dataDir, 'reviews', accountId)
  }

  private file(accountId: string, reviewId: string) {
    return path.join(this.dir(accountId), `${reviewId}.json`)
  }

  private indexOf(accountId: string): Promise<Map<string, ReviewListItem>> {
    let loading = this.index.get(accountId)
    if (!loading) {
      loading = this.scan(accountId)
      // A failed scan is not remembered: the next call reads the folder again.
      loading.catch(() => this.index.delete(accountId))
      this.index.set(accountId, loading)
    }
    return loading
  }

  private async scan(accountId: string): Promise<Map<string, ReviewListItem>> {
    const dir = this.dir(accountId)
    const items = new Map<string, ReviewListItem>()
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return items
      throw e
    }
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await fs.rm(path.join(dir, name), { force: true })
        continue
      }
      const id = name.replace(/\.json$/, '')
      if (!name.endsWith('.json') || !isValidReviewId(id)) continue
      const review = await this.read(accountId, id)
      if (review) items.set(id, listItem(review))
    }
    return items
  }

  private async read(accountId: string, reviewId: string): Promise<StoredReview | null> {
    let text: string
    try {
      text = await fs.readFile(this.file(accountId, reviewId), 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw e
    }
    try {
      const parsed = JSON.parse(text) as ReviewFile
      if (parsed.format !== FORMAT || parsed.version !== VERSION || parsed.id !== reviewId) {
        throw new Error('not a review file of this version')
      }
      const { format: _f, version: _v, state, ...review } = parsed
      return { ...review, accountId, state: new Uint8Array(Buffer.from(state, 'base64')) }
    } catch (e) {
      // Never served as something else: an unreadable review is left on disk and reported.
      this.log(`[reviews] ${accountId}/${reviewId} is unreadable and was skipped: ${String(e)}`)
      return null
    }
  }

  async list(accountId: string): Promise<ReviewListItem[]> {
    return [...(await this.indexOf(accountId)).values()].sort(newestFirst)
  }

  async get(accountId: string, reviewId: string): Promise<StoredReview | null> {
    if (!isValidReviewId(reviewId)) return null
    if (!(await this.indexOf(accountId)).has(reviewId)) return null
    return this.read(accountId, reviewId)
  }

  async put(review: StoredReview): Promise<void> {
    if (!isValidReviewId(review.id)) throw new Error(`invalid review id ${review.id}`)
    const index = await this.indexOf(review.accountId)
    if (index.has(review.id)) throw new Error(`review ${review.id} exists`)
    const dir = this.dir(review.accountId)
    await fs.mkdir(dir, { recursive: true })
    const { state, ...rest } = review
    const body: ReviewFile = { format: FORMAT, version: VERSION, ...rest, state: Buffer.from(state).toString('base64') }
    const tmp = path.join(dir, `${review.id}.${randomBytes(4).toString('hex')}.tmp`)
    const handle = await fs.open(tmp, 'wx')
    try {
      await handle.writeFile(JSON.stringify(body))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(tmp, this.file(review.accountId, review.id))
    await fsyncDir(dir)
    index.set(review.id, listItem(review))
  }

  async delete(accountId: string, reviewId: string): Promise<boolean> {
    if (!isValidReviewId(reviewId)) return false
    const index = await this.indexOf(accountId)
    if (!index.has(reviewId)) return false
    await fs.rm(this.file(accountId, reviewId), { force: true })
    await fsyncDir(this.dir(accountId))
    index.delete(reviewId)
    return true
  }

  async removeAccount(accountId: string): Promise<void> {
    this.index.delete(accountId)
    await fs.rm(this.dir(accountId), { recursive: true, force: true })
  }

  async close(): Promise<void> {
    this.index.clear()
  }
}

async function fsyncDir(dir: string) {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
