/**
 * Who is signed in, for the whole app: loaded once from `/api/me` (or `/api/setup` when nobody
 * is), updated by the sign-in pages and by signing out.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { ApiError, authApi, call, SESSION_ENDED_EVENT, type User } from './api'

/** What `GET /api/me` answers: the person, and this server's limits the browser checks too. */
export interface Me {
  user: User
  portfolioFocusLimit: number
  staleContactDays: number
  importMaxBytes: number
  importMaxRows: number
  coverageLimit: number
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'setup' }
  | { status: 'signed-out' }
  | ({ status: 'signed-in' } & Me)
  | { status: 'error'; error: Error }

interface SessionContextValue {
  session: SessionState
  /** Reads the session from the server again (after sign-in or set-up). */
  refresh: () => Promise<void>
  signOut: () => Promise<void>
}

const SessionContext = createContext<SessionContextValue | null>(null)

async function loadSession(): Promise<SessionState> {
  try {
    const me: Me = await call(authApi.api.me.$get(), '/api/me')
    return { status: 'signed-in', ...me }
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) return { status: 'error', error: error as Error }
  }
  const setup = await call(authApi.api.setup.$get(), '/api/setup')
  return setup.required ? { status: 'setup' } : { status: 'signed-out' }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' })
  const refresh = useCallback(async () => {
    setSession(await loadSession().catch((error: Error) => ({ status: 'error' as const, error })))
  }, [])
  const signOut = useCallback(async () => {
    await call(authApi.api.logout.$post(), '/api/logout').catch(() => {})
    setSession({ status: 'signed-out' })
  }, [])
  useEffect(() => {
    void refresh()
    const onEnded = () => void refresh()
    window.addEventListener(SESSION_ENDED_EVENT, onEnded)
    return () => window.removeEventListener(SESSION_ENDED_EVENT, onEnded)
  }, [refresh])
  const value = useMemo(() => ({ session, refresh, signOut }), [session, refresh, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession() needs a <SessionProvider> above it')
  return value
}

/** The signed-in user (only under a signed-in gate). */
export function useCurrentUser(): Me {
  const { session } = useSession()
  if (session.status !== 'signed-in') throw new Error('useCurrentUser() outside a signed-in page')
  return session
}
