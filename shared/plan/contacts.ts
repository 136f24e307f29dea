/**
 * Coverage and freshness checks of the decision chain (issue 14), called from derivePlan in one
 * line: a KDM nobody of ours covers (`contact` empty), and a KDM or KI whose last contact is
 * older than the freshness limit (STALE_CONTACT_DAYS) or was never recorded.
 */
import { DEFAULT_STALE_CONTACT_DAYS, daysSince } from '../contacts/provenance'
import { ROLE_LABELS } from '../shapes/labels'
import type { StakeholderRole } from '../shapes/types'
import type { Bilingual } from './labels'
import { analyzeOwner } from './owners'
import type { Finding, FindingCode, FindingSeverity, PlanStakeholder } from './schema'

type Add = (
  code: FindingCode,
  severity: FindingSeverity,
  message: Finding['message'],
  where?: { shapeId?: string; field?: string },
) => void

function quoted(name: string): Bilingual {
  const n = [...name.replace(/\s+/g, ' ').trim()].slice(0, 40).join('')
  return n ? { zh: `「${n}」`, en: `“${n}”` } : { zh: '（未命名）', en: '(untitled)' }
}

export const contactMessages = {
  kdmUncovered: (name: string): Bilingual => {
    const q = quoted(name)
    return {
      zh: `关键决策者${q.zh}没有我方对接人：指定由谁负责这层关系。`,
      en: `Key decision maker ${q.en} has no contact on our side: name who owns this relationship.`,
    }
  },
  contactStale: (name: string, role: StakeholderRole, lastContact: string, days: number): Bilingual => {
    const q = quoted(name)
    const r = ROLE_LABELS[role]
    return lastContact
      ? {
          zh: `${r.zh}${q.zh}最近一次接触是 ${lastContact}，已超过 ${days} 天：安排接触，更新立场判断。`,
          en: `${r.en} ${q.en} was last contacted on ${lastContact}, more than ${days} days ago: meet them and check where they stand.`,
        }
      : {
          zh: `${r.zh}${q.zh}没有记录最近接触日期：记下上次见面的时间。`,
          en: `${r.en} ${q.en} has no last-contact date: record when we last met them.`,
        }
  },
}

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
      add('chain.kdm.uncovered', 'warning', contactMessages.kdmUncovered(s.name), { shapeId: s.id, field: 'contact' })
    }
    if (s.role !== 'kdm' && s.role !== 'ki') continue
    const age = s.lastContact && today ? daysSince(s.lastContact, today) : null
    if (s.lastContact === '' || (age !== null && age > days)) {
      add('stakeholder.contact.stale', 'warning', contactMessages.contactStale(s.name, s.role, s.lastContact, days), {
        shapeId: s.id,
        field: 'lastContact',
      })
    }
  }
}
