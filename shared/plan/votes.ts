/**
 * The plan record's `votes`: every dot vote of the account (from the document's `votes` map),
 * with counts and ranks once closed, so a vote's outcome is kept with the plan.
 */
import { z } from 'zod'
import { rankCounts, readDocVotes, VOTABLE_TYPES } from '../live/votes'

export const planVoteSchema = z.object({
  id: z.string(),
  question: z.string(),
  status: z.enum(['open', 'closed']),
  shapeTypes: z.array(z.enum(VOTABLE_TYPES)),
  votesPerPerson: z.number().int(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  openedBy: z.string(),
  /** Names of who could vote. */
  eligible: z.array(z.string()),
  voters: z.number().int(),
  /** Closed votes: shapes with dots, most first; `title` is the card's main text, `missing` when it is gone. */
  results: z.array(
    z.object({
      shapeId: z.string(),
      type: z.string(),
      title: z.string(),
      count: z.number().int(),
      rank: z.number().int(),
    }),
  ),
})
export type PlanVote = z.infer<typeof planVoteSchema>

function titleOf(record: Record<string, unknown> | undefined): string {
  const props = record?.props as Record<string, unknown> | undefined
  const text = props?.title ?? props?.name
  return typeof text === 'string' ? text : ''
}

/** `votesMap` is `doc.getMap('votes').toJSON()`; `recordOf` finds a shape record by id. */
export function planVotes(
  votesMap: unknown,
  recordOf: (id: string) => Record<string, unknown> | undefined,
): PlanVote[] {
  return readDocVotes(votesMap).map((v) => ({
    id: v.id,
    question: v.question,
    status: v.status,
    shapeTypes: v.shapeTypes,
    votesPerPerson: v.votesPerPerson,
    openedAt: v.openedAt,
    closedAt: v.closedAt,
    openedBy: v.openedBy.name,
    eligible: v.eligible.map((p) => p.name),
    voters: v.voters,
    results:
      v.status === 'closed'
        ? rankCounts(v.counts).map((r) => {
            const record = recordOf(r.shapeId)
            return { ...r, type: typeof record?.type === 'string' ? record.type : 'missing', title: titleOf(record) }
          })
        : [],
  }))
}
