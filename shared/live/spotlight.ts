/**
 * Who leads the spotlight, and who is in the room, read from awareness states (pure; the same
 * rule for War Room clients and outside tools, docs/document-format.md "Awareness").
 */
import type { AwarenessUser, Spotlight } from './people'

export interface LiveState {
  user?: Partial<AwarenessUser> | null
  presence?: { userId?: string; currentPageId?: string; lastActivityTimestamp?: number | null } | null
  spotlight?: Partial<Spotlight> | null
}

export interface SpotlightLeader {
  clientId: number
  /** War Room user id. */
  userId: string
  name: string
  since: number
}

const validSince = (s: LiveState | undefined): number | null => {
  const since = s?.spotlight?.since
  return typeof since === 'number' && Number.isFinite(since) ? since : null
}

/** The state with the largest `spotlight.since` (ties: the larger client id), or null. */
export function spotlightLeader(states: ReadonlyMap<number, LiveState>): SpotlightLeader | null {
  let best: SpotlightLeader | null = null
  for (const [clientId, state] of states) {
    const since = validSince(state)
    const userId = state?.user?.id
    if (since === null || typeof userId !== 'string') continue
    if (!best || since > best.since || (since === best.since && clientId > best.clientId)) {
      best = { clientId, userId, name: typeof state.user?.name === 'string' ? state.user.name : '', since }
    }
  }
  return best
}
