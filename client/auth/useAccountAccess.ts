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

/**
 * The signed-in user's access to an account, read again each time the room (re)connects: a role
 * changed by an owner, or archiving, closes the socket and the reconnection brings the new access.
 */
export function useAccountAccess(accountId: string, connected: boolean): AccountAccess | null {
  const [access, setAccess] = useState<AccountAccess | null>(null)
  useEffect(() => {
    if (!connected && access) return
    let cancelled = false
    apiFetch<AccountSummary>(`/api/accounts/${encodeURIComponent(accountId)}`)
      .then((account) => {
        if (cancelled) return
        const readOnlyReason = account.archived ? 'archived' : account.role === 'viewer' ? 'viewer' : null
        setAccess({ role: account.role, archived: account.archived, name: account.name, readOnly: readOnlyReason !== null, readOnlyReason })
      })
      .catch((error) => {
        // The socket reports refusals (4401/4403/4404) itself; nothing to add here.
        if (!(error instanceof ApiError)) console.warn('[war-room] reading account access failed', error)
      })
    return () => {
      cancelled = true
    }
    // Only a (re)connection or another account asks again (access itself is not a trigger).
  }, [accountId, connected])
  return access
}
