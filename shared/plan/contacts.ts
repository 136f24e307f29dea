/**
 * Coverage and freshness checks of the decision chain (issue 14), called from derivePlan in one
 * line: a KDM nobody of ours covers (`contact` empty), and a KDM or KI whose last contact is
 * older than the freshness limit (STALE_CONTACT_DAYS) or was never recorded.
 */
import { DEFAULT_STALE_CONTACT_DAYS, daysSince } from '../contacts/provenance'
import { messages } from './messages'
import { analyzeOwner } from './owners'
import type { Finding, FindingCode, FindingSeverity, PlanStakeholder } from './schema'

type Add = (
  code: FindingCode,
  severity: FindingSeverity,
  message: Finding['message'],
  where?: { shapeId?: string; field?: string },
) => void

/** The people of ours a stakeholder's `contact` names, split by the owner rule (shared/plan/owners.ts). */
export function coveringPeople(contact: string): string[] {
  const owner = analyzeOwner(contact)
  if (owner.kind === 'missing') return []
  if (owner.kind === 'single') return [owner.name]
  return owner.names.filter((n) => n !== '等')
}

export function checkContacts(
  stakeholders: readonly PlanStakeholder[],
  today: string | null,
  staleContactDays: number | undefined,
  add: Add,
) {
  const days = staleContactDays ?? DEFAULT_STALE_CONTACT_DAYS
  for (const s of stakeholders) {
    if (s.role === 'kdm' && coveringPeople(s.contact).length === 0) {
      add('chain.kdm.uncovered', 'warning', messages.kdmUncovered(s.name), { shapeId: s.id, field: 'contact' })
    }
    if (s.role !== 'kdm' && s.role !== 'ki') continue
    const age = s.lastContact && today ? daysSince(s.lastContact, today) : null
    if (s.lastContact === '' || (age !== null && age > days)) {
      add('stakeholder.contact.stale', 'warning', messages.contactStale(s.name, s.role, s.lastContact, days), {
        shapeId: s.id,
        field: 'lastContact',
      })
    }
  }
}
