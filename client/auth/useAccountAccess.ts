import { useEffect, useState } from 'react'
import { ApiError, apiFetch, type AccountSummary } from './api'

export interface AccountAccess {
  role: AccountSummary['role']
  archived: boolean
  name: string
  /** The server drops this user's canvas updates: viewers, and everyone on an archived account. */
  readOnly: boolean
  readOnlyReason: 'viewer' | 'archived' | null
}

export interface AccountAccessState {
  access: AccountAccess | null
  /** Why the account cannot be opened at all: 403 not a member, 404 no such account. */
  denied: 403 | 404 | null
}

/**
 * The signed-in user's access to an account, read again each time the room (re)connects: a role
 * changed by an owner, or archiving, closes the socket and the reconnection brings the new access.
 */
export function useAccountAccess(accountId: string, connected: boolean): AccountAccessState {
  const [state, setState] = useState<AccountAccessState>({ access: null, denied: null })
  const known = state.access !== null || state.denied !== null
  useEffect(() => {
    // Only the first load and each (re)connection ask again.
    if (!connected && known) return
    let cancelled = false
    apiFetch<AccountSummary>(`/api/accounts/${encodeURIComponent(accountId)}`)
      .then((account) => {
        if (cancelled) return
        const readOnlyReason = account.archived ? 'archived' : account.role === 'viewer' ? 'viewer' : null
        setState({
          access: { role: account.role, archived: account.archived, name: account.name, readOnly: readOnlyReason !== null, readOnlyReason },
          denied: null,
        })
      })
      .catch((error) => {
        if (cancelled) return
        if (error instanceof ApiError && (error.status === 403 || error.status === 404)) setState({ access: null, denied: error.status })
        else console.warn('[war-room] reading account access failed', error)
      })
    return () => {
      cancelled = true
    }
  }, [accountId, connected, known])
  return state
}
