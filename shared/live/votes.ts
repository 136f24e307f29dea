/**
 * Dot voting ("先打哪个卡点?"): what a vote is, what the document keeps of it and how results rank.
 * Ballots travel through the server (server/http/votes.ts) and stay secret until the vote
 * closes; the document's `votes` map holds each vote's question while open and its counts once
 * closed (docs/document-format.md, "Votes").
 */
import { z } from 'zod'

export const VOTES_MAP = 'votes'

/** The shape types a vote may count. */
export const VOTABLE_TYPES = ['blocker', 'action', 'stakeholder'] as const
export type VotableType = (typeof VOTABLE_TYPES)[number]

export const MAX_VOTES_PER_PERSON = 10
export const MAX_QUESTION_LENGTH = 200

export const openVoteBody = z.strictObject({
  question: z.string().trim().min(1, 'required').max(MAX_QUESTION_LENGTH),
  shapeTypes: z
    .array(z.enum(VOTABLE_TYPES))
    .min(1, 'at least one shape type')
    .refine((a) => new Set(a).size === a.length, 'each shape type once'),
  votesPerPerson: z.number().int().min(1).max(MAX_VOTES_PER_PERSON),
})
export type OpenVoteBody = z.infer<typeof openVoteBody>

export const ballotBody = z.strictObject({
  shapeIds: z
    .array(z.string().regex(/^shape:/, 'a shape id'))
    .max(MAX_VOTES_PER_PERSON)
    .refine((a) => new Set(a).size === a.length, 'one dot per card'),
})

export interface VotePerson {
  id: string
  name: string
}

/** One entry of `doc.getMap('votes')`, keyed by the vote id. */
export interface DocVote {
  id: string
  question: string
  shapeTypes: VotableType[]
  votesPerPerson: number
  status: 'open' | 'closed'
  openedAt: string
  openedBy: VotePerson
  closedAt: string | null
  closedBy: VotePerson | null
  /** Who could vote (editors and owners of the account when it closed, and everyone who voted). */
  eligible: VotePerson[]
  /** How many people cast a ballot (closed votes). */
  voters: number
  /** Dots per shape id (closed votes; shapes without dots are absent). */
  counts: Record<string, number>
}

export const docVoteSchema = z.object({
  id: z.string(),
  question: z.string(),
  shapeTypes: z.array(z.enum(VOTABLE_TYPES)),
  votesPerPerson: z.number(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  openedBy: z.object({ id: z.string(), name: z.string() }),
  closedAt: z.string().nullable(),
  closedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  eligible: z.array(z.object({ id: z.string(), name: z.string() })),
  voters: z.number().int().min(0),
  counts: z.record(z.string(), z.number().int().min(0)),
})

/** Valid votes of a `votes` map's JSON, oldest first; malformed entries are skipped. */
export function readDocVotes(map: unknown): DocVote[] {
  if (typeof map !== 'object' || map === null) return []
  const votes: DocVote[] = []
  for (const value of Object.values(map)) {
    const parsed = docVoteSchema.safeParse(value)
    if (parsed.success) votes.push(parsed.data as DocVote)
  }
  return votes.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id))
}

/** Standard competition ranking (1, 2, 2, 4) of the shapes that got dots. */
export function rankCounts(counts: Record<string, number>): { shapeId: string; count: number; rank: number }[] {
  const sorted = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
  let rank = 0
  let previous = Number.NaN
  return sorted.map(([shapeId, count], i) => {
    if (count !== previous) rank = i + 1
    previous = count
    return { shapeId, count, rank }
  })
}

/**
 * Each shape's rank in the last closed vote that counted its type (shapes of that type that got no
 * dots have none). `typeOf` tells a shape id's type.
 */
export function lastVoteRanks(
  votes: DocVote[],
  typeOf: (shapeId: string) => string | undefined,
): Map<string, { rank: number; count: number; voteId: string; question: string }> {
  const result = new Map<string, { rank: number; count: number; voteId: string; question: string }>()
  const closed = votes
    .filter((v) => v.status === 'closed')
    .sort((a, b) => (a.closedAt ?? '').localeCompare(b.closedAt ?? ''))
  const latestForType = new Map<string, DocVote>()
  for (const v of closed) for (const t of v.shapeTypes) latestForType.set(t, v)
  for (const [type, vote] of latestForType) {
    for (const r of rankCounts(vote.counts)) {
      if (typeOf(r.shapeId) === type) result.set(r.shapeId, { ...r, voteId: vote.id, question: vote.question })
    }
  }
  return result
}
