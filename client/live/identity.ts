/**
 * The signed-in person as tldraw sees them: the editor's user (whose id tldraw's following
 * compares with presence records) and the user record presence is derived from. Both come from
 * the War Room account, not from tldraw's local preferences; the rest of the preferences (locale,
 * snapping, …) stay tldraw's own.
 */
import { useEffect } from 'react'
import {
  atom,
  computed,
  createUserId,
  getUserPreferences,
  type Signal,
  setUserPreferences,
  type TLCurrentUser,
  type TLUser,
  type TLUserPreferences,
  UserRecordType,
} from 'tldraw'
import { type Department, departmentColor } from '../../shared/live/people'
import { useSession } from '../auth/session'

export interface LiveIdentity {
  /** War Room user id. */
  id: string
  name: string
  department: Department | null
}

export interface LiveUser {
  identity: ReturnType<typeof atom<LiveIdentity | null>>
  /** For `<Tldraw user>`. */
  current: TLCurrentUser
  /** For tldraw's presence derivation. */
  record: Signal<TLUser>
}

export function createLiveUser(initial: LiveIdentity | null): LiveUser {
  const identity = atom<LiveIdentity | null>('war-room identity', initial)
  const userPreferences = computed<TLUserPreferences>('war-room user preferences', () => {
    const prefs = getUserPreferences()
    const me = identity.get()
    if (!me) return prefs
    return { ...prefs, id: me.id, name: me.name, color: departmentColor(me.department) }
  })
  const current: TLCurrentUser = {
    userPreferences,
    // Identity fields stay the account's; everything else is stored as tldraw would.
    setUserPreferences: (next) => {
      const prefs = getUserPreferences()
      setUserPreferences({ ...next, id: prefs.id, name: prefs.name, color: prefs.color })
    },
  }
  const record = computed<TLUser>('war-room user record', () => {
    const prefs = userPreferences.get()
    return UserRecordType.create({
      id: createUserId(prefs.id),
      name: prefs.name ?? '',
      color: prefs.color ?? departmentColor(null),
    })
  })
  return { identity, current, record }
}

/** One per page: the editor's user and the presence identity must be the same object. */
const pageUser = createLiveUser(null)

/** The signed-in person as a {@link LiveUser}, kept in step with the session (a renamed profile shows at once). */
export function useLiveUser(): LiveUser {
  const { session } = useSession()
  const user = session.status === 'signed-in' ? session.user : null
  const id = user?.id
  const name = user?.name
  const department = user?.department ?? null
  useEffect(() => {
    pageUser.identity.set(id && name !== undefined ? { id, name, department } : null)
  }, [id, name, department])
  // Set during the first render too, so the room's presence starts under the right name.
  if (id && name !== undefined && pageUser.identity.get()?.id !== id) pageUser.identity.set({ id, name, department })
  return pageUser
}
