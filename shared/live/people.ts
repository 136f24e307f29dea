/**
 * Who a person is in a live session: their War Room identity and their department's colour.
 * The palette is the one the action cards use (client/shapes/shapes.css `.wr-dept--*`), so a
 * glance at the cursors shows which departments are in the room.
 */
import type { MemberRole } from '../accounts'
import { DEPARTMENTS, type Department } from '../shapes/types'

export { DEPARTMENTS, type Department }

export const DEPARTMENT_COLORS: Record<Department, string> = {
  sales: '#1565c0',
  presales: '#00897b',
  delivery: '#6d4c41',
  product: '#8e24aa',
  marketing: '#f4511e',
  management: '#37474f',
}

/** The colour of someone who has not set a department. */
export const NO_DEPARTMENT_COLOR = '#9e9e9e'

export function isDepartment(value: unknown): value is Department {
  return typeof value === 'string' && (DEPARTMENTS as readonly string[]).includes(value)
}

export function departmentColor(department: Department | null | undefined): string {
  return department ? DEPARTMENT_COLORS[department] : NO_DEPARTMENT_COLOR
}

/** tldraw's user-id form of a War Room user id (`user:<id>`), as in `presence.userId`. */
export const tlUserId = (warRoomUserId: string) => `user:${warRoomUserId}`

/** The War Room user id inside tldraw's `user:<id>` form, or null for anything else. */
export function warRoomUserIdOf(tlId: string | null | undefined): string | null {
  return typeof tlId === 'string' && tlId.startsWith('user:') && tlId.length > 5 ? tlId.slice(5) : null
}

/** `user` in every awareness state (docs/document-format.md, "Awareness"); set by the server. */
export interface AwarenessUser {
  /** The War Room user id, as in `GET /api/me`. */
  id: string
  name: string
  department: Department | null
  color: string
  /** The person's effective role on this account. */
  role: MemberRole
}

/** `spotlight` on a leader's awareness state; `since` is server time (ms since the epoch). */
export interface Spotlight {
  since: number
}

/**
 * `presenting` on the state of a tab in present mode (client-written, relayed as it is): which
 * slide it shows, 1-based, of how many. Others may follow the presenter.
 */
export interface Presenting {
  slide: number
  of: number
}

/** Top-level awareness fields (the rest of a state is passed through untouched). */
export const AwarenessKeys = {
  user: 'user',
  presence: 'presence',
  spotlight: 'spotlight',
  presenting: 'presenting',
} as const
