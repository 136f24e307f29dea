/**
 * Who leads the spotlight, and who is in the room, read from awareness states (pure; the same
 * rule for War Room clients and outside tools, docs/document-format.md "Awareness").
 */
import type { AwarenessUser, Presenting, Spotlight } from './people'

export interface LiveState {
  user?: Partial<AwarenessUser> | null
  presence?: { userId?: string; currentPageId?: string; lastActivityTimestamp?: number | null } | null
  spotlight?: Partial<Spotlight> | null
  presenting?: Partial<Presenting> | null
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

export interface Presenter {
  clientId: number
  /** War Room user id. */
  userId: string
  name: string
  slide: number
  of: number
}

/**
 * The tabs in present mode (a `presenting` object with sane slide numbers), other than
 * `exceptUserId`'s, most recently changed last (by `order`, e.g. when each state last changed).
 */
export function presentersIn(
  states: ReadonlyMap<number, LiveState>,
  exceptUserId: string | null,
  order: (clientId: number) => number = () => 0,
): Presenter[] {
  const out: Presenter[] = []
  for (const [clientId, state] of states) {
    const p = state?.presenting
    const userId = state?.user?.id
    if (!p || typeof p !== 'object' || typeof userId !== 'string' || userId === exceptUserId) continue
    const { slide, of } = p
    if (!Number.isInteger(slide) || !Number.isInteger(of) || (of as number) < 1) continue
    if ((slide as number) < 1 || (slide as number) > (of as number)) continue
    const name = typeof state.user?.name === 'string' ? state.user.name : ''
    out.push({ clientId, userId, name, slide: slide as number, of: of as number })
  }
  return out.sort((a, b) => order(a.clientId) - order(b.clientId) || a.clientId - b.clientId)
}
