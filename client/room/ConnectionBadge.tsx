import { useT, type MessageKey } from '../i18n'
import type { ConnectionState } from '../sync/useYjsStore'

const LABELS: Record<ConnectionState, MessageKey> = {
  connected: 'room.status.connected',
  reconnecting: 'room.status.reconnecting',
  offline: 'room.status.offline',
}

/** The room's connection state, always visible; `data-state` lets tests read it. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const t = useT()
  return (
    <span className={`wr-status wr-status--${state}`} data-testid="connection-state" data-state={state} role="status">
      <span className="wr-status__dot" aria-hidden="true" />
      {t(LABELS[state])}
    </span>
  )
}
