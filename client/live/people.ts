/**
 * Who is in the room, from the awareness states: one entry per person however many tabs they
 * have open, with their department colour, role, activity and page.
 */
import type { MemberRole } from '../../shared/accounts'
import { type Department, departmentColor, isDepartment } from '../../shared/live/people'
import type { LiveState } from '../../shared/live/spotlight'

/** No pointer or camera change for this long: shown as idle (tldraw hides such cursors too). */
export const IDLE_AFTER_MS = 60_000

export interface Person {
  /** War Room user id. */
  id: string
  name: string
  department: Department | null
  color: string
  role: MemberRole
  /** This is the signed-in person (in this or another tab). */
  isMe: boolean
  /** Awareness client ids of the person's tabs (this tab excluded). */
  clientIds: number[]
  tabs: number
  active: boolean
  /** The page of their most recently active tab. */
  pageId: string | null
  leading: boolean
  /** One of their tabs is in present mode. */
  presenting: boolean
}

const ROLES: MemberRole[] = ['owner', 'editor', 'viewer']

/**
 * `lastChange` holds when each client's state last changed, by this page's clock (remote clocks
 * are not comparable); `localClientId` is this tab's.
 */
export function peopleFrom(
  states: ReadonlyMap<number, LiveState>,
  options: {
    localClientId: number
    myUserId: string | null
    /** This tab's own state is not rewritten by the server: its role comes from here. */
    myRole?: MemberRole | null
    lastChange: ReadonlyMap<number, number>
    now: number
    leaderClientId: number | null
  },
): Person[] {
  const byUser = new Map<string, Person & { latest: number }>()
  for (const [clientId, state] of states) {
    const user = state?.user
    if (!user || typeof user.id !== 'string') continue
    const changed = clientId === options.localClientId ? options.now : (options.lastChange.get(clientId) ?? 0)
    const department = isDepartment(user.department) ? user.department : null
    let person = byUser.get(user.id)
    if (!person) {
      person = {
        id: user.id,
        name: typeof user.name === 'string' && user.name ? user.name : '?',
        department,
        color: typeof user.color === 'string' ? user.color : departmentColor(department),
        role:
          user.id === options.myUserId && options.myRole
            ? options.myRole
            : ROLES.includes(user.role as MemberRole)
              ? (user.role as MemberRole)
              : 'viewer',
        isMe: user.id === options.myUserId,
        clientIds: [],
        tabs: 0,
        active: false,
        pageId: null,
        leading: false,
        presenting: false,
        latest: -1,
      }
      byUser.set(user.id, person)
    }
    person.tabs++
    if (clientId !== options.localClientId) person.clientIds.push(clientId)
    if (clientId === options.leaderClientId) person.leading = true
    if (state.presenting && typeof state.presenting === 'object') person.presenting = true
    if (options.now - changed < IDLE_AFTER_MS) person.active = true
    if (changed > person.latest) {
      person.latest = changed
      person.pageId = typeof state.presence?.currentPageId === 'string' ? state.presence.currentPageId : person.pageId
    }
  }
  return [...byUser.values()]
    .map(({ latest: _latest, ...p }) => p)
    .sort((a, b) => Number(b.isMe) - Number(a.isMe) || a.name.localeCompare(b.name, 'zh') || a.id.localeCompare(b.id))
}
