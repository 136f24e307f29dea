import { type MessageKey, useT } from '../i18n'
import type { ConnectionState } from '../sync/useYjsStore'

const LABELS: Record<ConnectionState, { label: MessageKey; hint?: MessageKey }> = {
  connected: { label: 'room.status.connected' },
  reconnecting: { label: 'room.status.reconnecting', hint: 'room.status.reconnectingHint' },
  offline: { label: 'room.status.offline', hint: 'room.status.offlineHint' },
  'cannot-save': { label: 'room.status.cannotSave', hint: 'room.status.cannotSaveHint' },
  refused: { label: 'room.status.refused', hint: 'room.status.refusedHint' },
}

/** The room's connection state, always visible; `data-state` lets tests read it. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const t = useT()
  const { label, hint } = LABELS[state]
  return (
    <span
      className={`wr-status wr-status--${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
      title={hint && t(hint)}
    >
      <span className="wr-status__dot" aria-hidden="true" />
      {t(label)}
    </span>
  )
}
