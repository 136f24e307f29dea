/**
 * A live session on one account's canvas: who is here (from awareness), following, the
 * spotlight ("bring everyone to me"), the laser's colour and the `?follow=` link. The components
 * in this folder read it through {@link useLive}.
 *
 * Following is tldraw's own (`editor.startFollowingUser`); the spotlight only decides whom to
 * follow: the leader is the awareness state with the latest server-stamped `spotlight.since`
 * (shared/live/spotlight.ts). A person steps out by panning, zooming, Esc or following someone
 * else, and rejoins with a button; a new spotlight (a new `since`) brings them back.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react'
import { type Editor, type TLUserId, useValue } from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { MemberRole } from '../../shared/accounts'
import { departmentColor, tlUserId, warRoomUserIdOf } from '../../shared/live/people'
import {
  type LiveState,
  type Presenter,
  presentersIn,
  type SpotlightLeader,
  spotlightLeader,
} from '../../shared/live/spotlight'
import type { LiveIdentity } from './identity'
import { type Person, peopleFrom } from './people'
import { measureServerClock, serverNowLowerBound } from './serverClock'

export interface LiveValue {
  editor: Editor
  awareness: Awareness
  doc: Y.Doc
  accountId: string
  me: LiveIdentity
  myColor: string
  /** Editors and owners on a live account may lead, run the timer and open votes. */
  canLead: boolean
  /** Non-viewers on a live account cast ballots. */
  canVote: boolean
  people: Person[]
  /** War Room user id of whom this tab follows, or null. */
  followingUserId: string | null
  follow: (userId: string) => void
  stopFollowing: () => void
  goTo: (userId: string) => void
  /** A `?follow=` link waiting for that person to arrive. */
  pendingFollow: string | null
  cancelPendingFollow: () => void
  /** The current spotlight, whoever leads it. */
  leader: SpotlightLeader | null
  /** This tab leads. */
  leadingHere: boolean
  startSpotlight: () => void
  stopSpotlight: () => void
  /** People following this person. */
  followers: number
  /** This tab stepped out of the current spotlight. */
  steppedOut: boolean
  rejoin: () => void
  nameOf: (userId: string) => string
  /** Someone else showing the map in present mode (the latest to change), or null. */
  presenter: Presenter | null
  /** Publishes this tab's present mode (slide n of m), or null when it leaves it. */
  setPresenting: (presenting: { slide: number; of: number } | null) => void
}

declare global {
  interface Window {
    /** The live session's document and presence, for browser tests and debugging. */
    __warRoomLive?: { doc: Y.Doc; awareness: Awareness }
  }
}

const LiveContext = createContext<LiveValue | null>(null)

export function useLive(): LiveValue {
  const value = useContext(LiveContext)
  if (!value) throw new Error('useLive() needs a <LiveProvider> above it')
  return value
}

export function useOptionalLive(): LiveValue | null {
  return useContext(LiveContext)
}

/** How often the panel's list is rebuilt at most (cursor moves change awareness 20+ times a second). */
const PEOPLE_REFRESH_MS = 250

const followParam = () => new URLSearchParams(location.search).get('follow')

function dropFollowParam() {
  const url = new URL(location.href)
  if (!url.searchParams.has('follow')) return
  url.searchParams.delete('follow')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
}

interface LiveProviderProps {
  editor: Editor
  awareness: Awareness
  doc: Y.Doc
  accountId: string
  me: LiveIdentity
  role: MemberRole | null
  archived: boolean
  children: ReactNode
}

export function LiveProvider({ editor, awareness, doc, accountId, me, role, archived, children }: LiveProviderProps) {
  const canLead = (role === 'owner' || role === 'editor') && !archived
  const canVote = canLead
  const myColor = departmentColor(me.department)

  /* ------------------------------- people ------------------------------- */

  const lastChange = useRef(new Map<number, number>())
  const [version, setVersion] = useState(0)
  const [leader, setLeader] = useState<SpotlightLeader | null>(null)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    const rebuild = () => {
      timer = null
      setVersion((v) => v + 1)
    }
    const onChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      const now = Date.now()
      for (const id of [...added, ...updated]) lastChange.current.set(id, now)
      for (const id of removed) lastChange.current.delete(id)
      // The spotlight reacts at once; the list at most a few times a second.
      const next = spotlightLeader(awareness.getStates() as Map<number, LiveState>)
      setLeader((prev) => (prev?.clientId === next?.clientId && prev?.since === next?.since ? prev : next))
      timer ??= setTimeout(rebuild, PEOPLE_REFRESH_MS)
    }
    awareness.on('change', onChange)
    onChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })
    // Activity turns idle without any message arriving.
    const idle = setInterval(() => setVersion((v) => v + 1), 5000)
    return () => {
      awareness.off('change', onChange)
      if (timer) clearTimeout(timer)
      clearInterval(idle)
    }
  }, [awareness])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is when to read the states again
  const people = useMemo(
    () =>
      peopleFrom(awareness.getStates() as Map<number, LiveState>, {
        localClientId: awareness.clientID,
        myUserId: me.id,
        myRole: role,
        lastChange: lastChange.current,
        now: Date.now(),
        leaderClientId: leader?.clientId ?? null,
      }),
    [awareness, me.id, role, leader, version],
  )
  const nameOf = useCallback((userId: string) => people.find((p) => p.id === userId)?.name ?? '', [people])

  /* ------------------------------- presenting ------------------------------- */

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is when to read the states again
  const presenter = useMemo(() => {
    const all = presentersIn(
      awareness.getStates() as Map<number, LiveState>,
      me.id,
      (id) => lastChange.current.get(id) ?? 0,
    )
    return all.at(-1) ?? null
  }, [awareness, me.id, version])
  const setPresenting = useCallback(
    (presenting: { slide: number; of: number } | null) => awareness.setLocalStateField('presenting', presenting),
    [awareness],
  )

  /* ------------------------------- following ------------------------------- */

  const followingTl = useValue('war-room following', () => editor.getInstanceState().followingUserId, [editor])
  const followingUserId = warRoomUserIdOf(followingTl)
  /** Set while this module starts or stops following itself (not a person stepping out). */
  const self = useRef(false)
  const asSelf = useCallback((fn: () => void) => {
    self.current = true
    try {
      fn()
    } finally {
      self.current = false
    }
  }, [])

  const hasPresence = useCallback(
    (userId: string) => editor.getCollaborators().some((c) => c.userId === tlUserId(userId)),
    [editor],
  )
  const follow = useCallback(
    (userId: string) => {
      if (userId === me.id) return
      editor.startFollowingUser(tlUserId(userId) as TLUserId)
    },
    [editor, me.id],
  )
  const stopFollowing = useCallback(() => editor.stopFollowingUser(), [editor])
  const goTo = useCallback((userId: string) => editor.zoomToUser(tlUserId(userId) as TLUserId), [editor])

  // `?follow=<userId>`: follow that person as soon as they are here.
  const [pendingFollow, setPendingFollow] = useState<string | null>(() => followParam())
  useEffect(() => {
    if (!pendingFollow) return
    if (pendingFollow === me.id) {
      setPendingFollow(null)
      dropFollowParam()
      return
    }
    const tryFollow = () => {
      if (!hasPresence(pendingFollow)) return
      editor.startFollowingUser(tlUserId(pendingFollow) as TLUserId)
      if (editor.getInstanceState().followingUserId === tlUserId(pendingFollow)) {
        setPendingFollow(null)
        dropFollowParam()
      }
    }
    tryFollow()
    const iv = setInterval(tryFollow, 200)
    return () => clearInterval(iv)
  }, [editor, pendingFollow, me.id, hasPresence])
  const cancelPendingFollow = useCallback(() => {
    setPendingFollow(null)
    dropFollowParam()
  }, [])

  /* ------------------------------- spotlight ------------------------------- */

  const leadingHere = leader?.clientId === awareness.clientID
  const startSpotlight = useCallback(() => {
    if (!canLead) return
    asSelf(() => editor.stopFollowingUser())
    // A server time that has certainly passed: the server keeps it as our `since` (it refuses
    // one later than its own clock), so this tab sees its own spotlight as everyone else does,
    // and two people turning it on at once agree on who leads.
    awareness.setLocalStateField('spotlight', { since: serverNowLowerBound() })
  }, [awareness, canLead, editor, asSelf])
  const stopSpotlight = useCallback(() => awareness.setLocalStateField('spotlight', null), [awareness])

  // A later spotlight by someone else takes over: ours ends rather than lingering underneath.
  useEffect(() => {
    const mine = (awareness.getLocalState() as LiveState | null)?.spotlight
    if (mine && leader && leader.clientId !== awareness.clientID) stopSpotlight()
  }, [awareness, leader, stopSpotlight])
  // Leading needs the right to: a role changed to viewer ends it (the server strips it anyway).
  useEffect(() => {
    if (!canLead && (awareness.getLocalState() as LiveState | null)?.spotlight) stopSpotlight()
  }, [awareness, canLead, stopSpotlight])

  const target = leader && leader.userId !== me.id ? leader : null
  const targetKey = target ? `${target.clientId}:${target.since}` : null
  const [steppedOutKey, setSteppedOutKey] = useState<string | null>(null)
  const steppedOut = targetKey !== null && steppedOutKey === targetKey

  // Anything that ends following while a spotlight is on, other than us, is this person stepping out.
  const targetKeyRef = useRef(targetKey)
  targetKeyRef.current = targetKey
  useEffect(() => {
    const onStop = () => {
      if (!self.current && targetKeyRef.current) setSteppedOutKey(targetKeyRef.current)
    }
    editor.on('stop-following', onStop)
    return () => {
      editor.off('stop-following', onStop)
    }
  }, [editor])

  const targetUserId = target?.userId ?? null
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new spotlight (targetKey) by the same leader starts following again
  useEffect(() => {
    if (!targetUserId || steppedOut) return
    const leaderTl = tlUserId(targetUserId)
    const tick = () => {
      if (editor.getInstanceState().followingUserId === leaderTl) return
      // The leader's presence may arrive after their spotlight (a late joiner).
      if (!hasPresence(targetUserId)) return
      asSelf(() => editor.startFollowingUser(leaderTl as TLUserId))
    }
    tick()
    const iv = setInterval(tick, 200)
    return () => {
      clearInterval(iv)
      // The spotlight ended or moved on: stop following its leader (unless we stepped out already).
      if (editor.getInstanceState().followingUserId === leaderTl) asSelf(() => editor.stopFollowingUser())
    }
  }, [editor, targetUserId, targetKey, steppedOut, hasPresence, asSelf])

  const rejoin = useCallback(() => setSteppedOutKey(null), [])

  // Esc steps out of following (tldraw stops following on pan and zoom by itself).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && editor.getInstanceState().followingUserId) editor.stopFollowingUser()
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [editor])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is when to read the states again
  const followers = useMemo(() => {
    const mine = tlUserId(me.id)
    const ids = new Set<string>()
    for (const state of awareness.getStates().values() as IterableIterator<
      LiveState & { presence?: { followingUserId?: string | null } }
    >) {
      if (state?.presence?.followingUserId === mine && state.user?.id) ids.add(state.user.id)
    }
    return ids.size
  }, [awareness, me.id, version])

  /* --------------------------------- laser --------------------------------- */

  // tldraw draws others' laser in their presence colour; ours is drawn in ours as well.
  useEffect(() => {
    editor.updateThemes((themes) => {
      for (const theme of Object.values(themes)) {
        theme.colors.light.laser = myColor
        theme.colors.dark.laser = myColor
      }
      return themes
    })
  }, [editor, myColor])

  useEffect(() => {
    void measureServerClock()
  }, [])

  useEffect(() => {
    const exposed = { doc, awareness }
    window.__warRoomLive = exposed
    return () => {
      if (window.__warRoomLive === exposed) delete window.__warRoomLive
    }
  }, [doc, awareness])

  const value = useFieldsMemo<LiveValue>({
    editor,
    awareness,
    doc,
    accountId,
    me,
    myColor,
    canLead,
    canVote,
    people,
    followingUserId,
    follow,
    stopFollowing,
    goTo,
    pendingFollow,
    cancelPendingFollow,
    leader,
    leadingHere,
    startSpotlight,
    stopSpotlight,
    followers,
    steppedOut,
    rejoin,
    nameOf,
    presenter,
    setPresenting,
  })
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>
}

/**
 * `value` when one of its fields differs from the last value's (compared with Object.is), else the
 * last value: the context's readers re-render only when something in it changed, and each field
 * is named once (a `useMemo` names them twice, in the object and in its dependency list).
 */
function useFieldsMemo<T extends object>(value: T): T {
  const last = useRef(value)
  const before = last.current as Record<string, unknown>
  const now = value as Record<string, unknown>
  const keys = Object.keys(now)
  const same = keys.length === Object.keys(before).length && keys.every((k) => Object.is(before[k], now[k]))
  if (!same) last.current = value
  return last.current
}

/** Provides the live session once the editor, the room's presence and the signed-in person are known. */
export function LiveScope({
  editor,
  awareness,
  doc,
  identity,
  children,
  ...rest
}: Omit<LiveProviderProps, 'editor' | 'awareness' | 'doc' | 'me'> & {
  editor: Editor | null
  awareness: Awareness | undefined
  doc: Y.Doc | undefined
  identity: LiveIdentity | null
}) {
  if (!editor || !awareness || !doc || !identity) return <>{children}</>
  return (
    <LiveProvider {...rest} editor={editor} awareness={awareness} doc={doc} me={identity}>
      {children}
    </LiveProvider>
  )
}
