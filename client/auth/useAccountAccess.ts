import { useEffect, useState } from 'react'
import { type AccountSummary, ApiError, accountsApi, call } from './api'

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
 * The signed-in user's access to an account, read again each time the room connects or loses its
 * connection: a changed role or archiving closes the socket and the reconnection brings the new
 * access; a socket closed because access ended (4401/4403/4404) shows here as the sign-in page
 * (a 401 ends the session, see api.ts) or as `denied`.
 */
export function useAccountAccess(accountId: string, connected: boolean): AccountAccessState {
  const [state, setState] = useState<AccountAccessState>({ access: null, denied: null })
  // biome-ignore lint/correctness/useExhaustiveDependencies: `connected` is not read, it is when to read access again
  useEffect(() => {
    let cancelled = false
    call(accountsApi.api.accounts[':id'].$get({ param: { id: accountId } }), `/api/accounts/${accountId}`)
      .then((account) => {
        if (cancelled) return
        const readOnlyReason = account.archived ? 'archived' : account.role === 'viewer' ? 'viewer' : null
        setState({
          access: {
            role: account.role,
            archived: account.archived,
            name: account.name,
            readOnly: readOnlyReason !== null,
            readOnlyReason,
          },
          denied: null,
        })
      })
      .catch((error) => {
        if (cancelled) return
        if (error instanceof ApiError && (error.status === 403 || error.status === 404))
          setState({ access: null, denied: error.status })
        else console.warn('[war-room] reading account access failed', error)
      })
    return () => {
      cancelled = true
    }
  }, [accountId, connected])
  return state
}
