/**
 * Dot votes. Ballots are secret while a vote is open, so they never enter the document: the
 * service keeps votes and ballots in a {@link VoteStore} (`DATA_DIR/votes.json`, or PostgreSQL) and writes
 * only each vote's public part into the account's document (`doc.getMap('votes')`): the question
 * while open, the counts once closed. The stored votes are the source of truth; the document is
 * brought back in line with them whenever an account's votes are touched, so a crash between the
 * two writes heals itself.
 */
import { randomUUID } from 'node:crypto'
import { translate } from '../../shared/i18n/index.ts'
import {
  type DocVote,
  type OpenVoteBody,
  VOTES_MAP,
  type VotableType,
  type VotePerson,
} from '../../shared/live/votes.ts'
import { readDocRecords } from '../../shared/plan/readDoc.ts'
import type { Records } from '../db/Records.ts'
import { personError } from '../http/errors.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import type { VoteStore } from './VoteStore.ts'

/** A vote as stored on the server, with the ballots. */
export interface StoredVote extends Omit<DocVote, 'eligible' | 'voters' | 'counts'> {
  accountId: string
  /** The account's createdAt when the vote opened: a deleted and re-created account id starts afresh. */
  accountCreatedAt: string
  /** userId → shape ids (one dot each). */
  ballots: Record<string, string[]>
  /** Filled at close. */
  eligible: VotePerson[]
}

/** Votes one account may hold; older closed votes are kept in the plan record anyway. */
export const MAX_VOTES_PER_ACCOUNT = 200

/** Transaction origin of the service's document writes. */
const VOTES_ORIGIN = Symbol('votes')

export class VoteService {
  constructor(
    private readonly store: VoteStore,
    private readonly db: Records,
    private readonly rooms: RoomManager,
  ) {}

  /** A deleted account's votes and ballots leave the store (not only hidden from a later account of the id). */
  removeAccount(accountId: string): Promise<void> {
    return this.store.removeAccount(accountId)
  }

  private person(userId: string): VotePerson {
    return { id: userId, name: this.db.data.users[userId]?.name ?? '' }
  }

  /** The account's votes, oldest first (only those of the account as it exists now). */
  async votesOf(accountId: string): Promise<StoredVote[]> {
    const createdAt = this.db.data.accounts[accountId]?.createdAt
    return (await this.store.list(accountId))
      .filter((v) => v.accountCreatedAt === createdAt)
      .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id))
  }

  async find(accountId: string, voteId: string): Promise<StoredVote> {
    const vote = (await this.votesOf(accountId)).find((v) => v.id === voteId)
    if (!vote) throw personError(404, 'error.vote.notFound')
    return vote
  }

  async openVote(accountId: string, userId: string, body: OpenVoteBody): Promise<StoredVote> {
    const votes = await this.votesOf(accountId)
    if (votes.some((v) => v.status === 'open')) throw personError(409, 'error.vote.alreadyOpen')
    if (votes.length >= MAX_VOTES_PER_ACCOUNT)
      throw personError(409, 'error.vote.tooMany', { max: MAX_VOTES_PER_ACCOUNT })
    const vote: StoredVote = {
      id: `vote-${randomUUID()}`,
      accountId,
      accountCreatedAt: this.db.data.accounts[accountId].createdAt,
      question: body.question,
      shapeTypes: body.shapeTypes,
      votesPerPerson: body.votesPerPerson,
      status: 'open',
      openedAt: new Date().toISOString(),
      openedBy: this.person(userId),
      closedAt: null,
      closedBy: null,
      ballots: {},
      eligible: [],
    }
    await this.store.put(vote)
    await this.reconcile(accountId)
    return vote
  }

  /** Replaces the caller's ballot. Every shape must exist in the document and be of a counted type. */
  async castBallot(accountId: string, voteId: string, userId: string, shapeIds: string[]): Promise<string[]> {
    const vote = await this.find(accountId, voteId)
    if (vote.status !== 'open') throw personError(409, 'error.vote.closed')
    if (shapeIds.length > vote.votesPerPerson)
      throw personError(400, 'error.vote.tooManyDots', { max: vote.votesPerPerson })
    const types = await this.shapeTypes(accountId)
    const wrong = shapeIds.filter((id) => !vote.shapeTypes.includes(types.get(id) as VotableType))
    if (wrong.length > 0)
      throw personError(400, 'error.vote.wrongCards', {
        types: {
          zh: vote.shapeTypes.map((t) => translate('zh', `label.shapeType.${t}`)).join('/'),
          en: vote.shapeTypes.join('/'),
        },
        ids: wrong.join(', '),
      })
    // Checked again after the document was read: the vote may have closed meanwhile.
    if (vote.status !== 'open') throw personError(409, 'error.vote.closed')
    if (!(await this.store.setBallot(vote.id, userId, shapeIds))) throw personError(409, 'error.vote.closed')
    vote.ballots[userId] = shapeIds
    return shapeIds
  }

  async closeVote(accountId: string, voteId: string, userId: string): Promise<StoredVote> {
    const vote = await this.find(accountId, voteId)
    if (vote.status !== 'open') throw personError(409, 'error.vote.alreadyClosed')
    vote.status = 'closed'
    vote.closedAt = new Date().toISOString()
    vote.closedBy = this.person(userId)
    const members = this.db.data.memberships[accountId] ?? {}
    const eligible = new Set(Object.entries(members).flatMap(([id, role]) => (role === 'viewer' ? [] : [id])))
    for (const id of Object.keys(vote.ballots)) eligible.add(id)
    vote.eligible = [...eligible].map((id) => this.person(id)).sort((a, b) => a.name.localeCompare(b.name))
    await this.store.put(vote)
    await this.reconcile(accountId)
    return vote
  }

  /** The public part of a vote: counts only once closed. */
  publicVote(vote: StoredVote): DocVote {
    const closed = vote.status === 'closed'
    const counts: Record<string, number> = {}
    if (closed) for (const ids of Object.values(vote.ballots)) for (const id of ids) counts[id] = (counts[id] ?? 0) + 1
    return {
      id: vote.id,
      question: vote.question,
      shapeTypes: vote.shapeTypes,
      votesPerPerson: vote.votesPerPerson,
      status: vote.status,
      openedAt: vote.openedAt,
      openedBy: vote.openedBy,
      closedAt: vote.closedAt,
      closedBy: vote.closedBy,
      eligible: closed ? vote.eligible : [],
      voters: closed ? Object.values(vote.ballots).filter((b) => b.length > 0).length : 0,
      counts,
    }
  }

  /** Writes every vote's public part into the document where it differs. */
  async reconcile(accountId: string): Promise<void> {
    const votes = await this.votesOf(accountId)
    const room = await this.rooms.acquire(accountId)
    try {
      const map = room.doc.getMap<unknown>(VOTES_MAP)
      const stale = votes
        .map((v) => this.publicVote(v))
        .filter((v) => JSON.stringify(map.get(v.id)) !== JSON.stringify(v))
      if (stale.length === 0) return
      room.doc.transact(() => {
        for (const v of stale) map.set(v.id, v)
      }, VOTES_ORIGIN)
    } finally {
      this.rooms.release(accountId)
    }
  }

  private async shapeTypes(accountId: string): Promise<Map<string, string>> {
    const room = await this.rooms.acquire(accountId)
    try {
      const types = new Map<string, string>()
      const { records } = readDocRecords(room.doc)
      for (const r of records as { id?: unknown; typeName?: unknown; type?: unknown }[]) {
        if (r && r.typeName === 'shape' && typeof r.id === 'string' && typeof r.type === 'string')
          types.set(r.id, r.type)
      }
      return types
    } finally {
      this.rooms.release(accountId)
    }
  }
}
