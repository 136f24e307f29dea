/**
 * Where dot votes and their ballots are kept (server/live/VoteService.ts): `DATA_DIR/votes.json`
 * (lowdb) in the embedded default, PostgreSQL in the multi-node mode (server/pg/PgContentStores.ts).
 */
import path from 'node:path'
import { Low } from 'lowdb'
import { DurableJsonFile } from '../db/DurableJsonFile.ts'
import type { StorageFs } from '../storage/fsLayer.ts'
import type { StoredVote } from './VoteService.ts'

export interface VoteStore {
  /** Every vote stored under this account id (older incarnations of the id too), with its ballots. */
  list(accountId: string): Promise<StoredVote[]>
  /** Stores a new vote, or a vote's new state (closed). Its ballots are NOT written: see {@link setBallot}. */
  put(vote: StoredVote): Promise<void>
  /** Replaces one person's ballot on a vote that is still open; false when it is not (closed, gone). */
  setBallot(voteId: string, userId: string, shapeIds: string[]): Promise<boolean>
  /** Removes every vote and ballot of a deleted account (all incarnations of the id). */
  removeAccount(accountId: string): Promise<void>
}

interface VoteData {
  votes: Record<string, StoredVote>
}

export class FileVoteStore implements VoteStore {
  private readonly low: Low<VoteData>
  private loaded: Promise<void> | null = null

  /**
   * Written durably before each call resolves (temp file, fsync, rename, directory fsync, like
   * db.json): an answered ballot survives a power cut.
   */
  constructor(dataDir: string, fs?: StorageFs) {
    this.low = new Low<VoteData>(new DurableJsonFile<VoteData>(path.join(dataDir, 'votes.json'), fs), { votes: {} })
  }

  /** Reads the file on first use. */
  private load(): Promise<void> {
    this.loaded ??= this.low.read().then(() => {
      this.low.data = { ...this.low.data, votes: this.low.data?.votes ?? {} }
    })
    return this.loaded
  }

  async list(accountId: string): Promise<StoredVote[]> {
    await this.load()
    return Object.values(this.low.data.votes).filter((v) => v.accountId === accountId)
  }

  async put(vote: StoredVote): Promise<void> {
    await this.load()
    const ballots = this.low.data.votes[vote.id]?.ballots ?? {}
    this.low.data.votes[vote.id] = { ...vote, ballots }
    await this.low.write()
  }

  async setBallot(voteId: string, userId: string, shapeIds: string[]): Promise<boolean> {
    await this.load()
    const vote = this.low.data.votes[voteId]
    if (vote?.status !== 'open') return false
    vote.ballots[userId] = shapeIds
    await this.low.write()
    return true
  }

  async removeAccount(accountId: string): Promise<void> {
    await this.load()
    const votes = this.low.data.votes
    const ids = Object.keys(votes).filter((id) => votes[id]?.accountId === accountId)
    if (ids.length === 0) return
    for (const id of ids) delete votes[id]
    await this.low.write()
  }
}
