/**
 * Where dot votes and their ballots are kept (server/live/VoteService.ts): `DATA_DIR/votes.json`
 * (lowdb) in the embedded default, PostgreSQL in the multi-node mode (server/pg/PgContentStores.ts).
 */
import path from 'node:path'
import { Low } from 'lowdb'
import { JSONFile } from 'lowdb/node'
import type { StoredVote } from './VoteService.ts'

export interface VoteStore {
  /** Every vote stored under this account id (older incarnations of the id too), with its ballots. */
  list(accountId: string): Promise<StoredVote[]>
  /** Stores a new vote, or a vote's new state (closed). Its ballots are NOT written: see {@link setBallot}. */
  put(vote: StoredVote): Promise<void>
  /** Replaces one person's ballot on a vote that is still open; false when it is not (closed, gone). */
  setBallot(voteId: string, userId: string, shapeIds: string[]): Promise<boolean>
}

interface VoteData {
  votes: Record<string, StoredVote>
}

export class FileVoteStore implements VoteStore {
  private readonly low: Low<VoteData>
  private loaded: Promise<void> | null = null

  constructor(dataDir: string) {
    this.low = new Low<VoteData>(new JSONFile(path.join(dataDir, 'votes.json')), { votes: {} })
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
}
