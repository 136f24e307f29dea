/**
 * The server's rewrite of one awareness state before it is stored and relayed
 * (contract: docs/document-format.md, "Awareness"). Pure: the caller supplies who the
 * connection is, the server time and the state it relayed last for this client id.
 *
 * - `user` is replaced by the connection's War Room identity and role;
 * - `presence.userId` / `presence.userName` / `presence.color` are set from it, so nobody can
 *   show up under another person's name or colour;
 * - `spotlight` is stripped from viewers; for others it becomes `{ since }`, set when this
 *   client's state first carries it and kept while it stays: the client's proposed `since` when
 *   that is a server time not after now and at most {@link SPOTLIGHT_PROPOSAL_WINDOW_MS} before
 *   it, the server's now otherwise. A proposal can only make a spotlight older (so it loses to a
 *   later one), never newer than the server's clock; and a client that proposed a lower bound of
 *   the server time knows its own `since` exactly, so two people turning it on at once agree on
 *   who leads (a client never receives its own relayed state).
 */
import type { MemberRole } from '../../shared/accounts.ts'
import {
  type AwarenessUser,
  type Department,
  departmentColor,
  type Spotlight,
  tlUserId,
} from '../../shared/live/people.ts'

export interface PresenceContext {
  user: { id: string; name: string; department?: Department | null }
  /** The connection's effective role on the account. */
  role: MemberRole
  /** Viewers may not lead a spotlight. */
  viewer: boolean
  /** Server time, ms since the epoch. */
  now: number
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** How far before the server's now a client's proposed spotlight `since` may lie (ms). */
export const SPOTLIGHT_PROPOSAL_WINDOW_MS = 10_000

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Returns the state to store and relay. `null` (a client leaving) stays `null`; a state that is
 * not an object becomes `{ user }`. `previous` is the state this function returned last for the
 * same awareness client id (or null/undefined for the first).
 */
export function rewritePresence(state: unknown, ctx: PresenceContext, previous?: unknown): JsonObject | null {
  if (state === null || state === undefined) return null
  const out: JsonObject = isObject(state) ? { ...state } : {}

  const department = ctx.user.department ?? null
  const user: AwarenessUser = {
    id: ctx.user.id,
    name: ctx.user.name,
    department,
    color: departmentColor(department),
    role: ctx.role,
  }
  out.user = user as unknown as JsonObject

  if ('presence' in out) {
    const presence = out.presence
    if (isObject(presence)) {
      out.presence = { ...presence, userId: tlUserId(user.id), userName: user.name, color: user.color }
    } else if (presence !== null) {
      // Not a presence record at all: nothing of it can be relayed under this person's name.
      delete out.presence
    }
  }

  const wanted = out.spotlight
  delete out.spotlight
  if (isObject(wanted) && !ctx.viewer) {
    const before = isObject(previous) ? previous.spotlight : undefined
    const proposed = wanted.since
    const since =
      isObject(before) && typeof before.since === 'number' && Number.isFinite(before.since)
        ? before.since
        : typeof proposed === 'number' &&
            Number.isInteger(proposed) &&
            proposed <= ctx.now &&
            proposed >= ctx.now - SPOTLIGHT_PROPOSAL_WINDOW_MS
          ? proposed
          : ctx.now
    const spotlight: Spotlight = { since }
    out.spotlight = spotlight as unknown as JsonObject
  }
  return out
}
