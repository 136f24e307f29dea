/**
 * Every finding's message, in every language, from the catalogue (shared/i18n/messages/findings.ts):
 * these functions only choose the entry and fill its parameters. Names quoted here are user input:
 * the messages are plain text, and every renderer escapes them.
 */
import { ACCOUNT_FIELD_NAMES, type AccountFieldName } from '../account'
import { bilingual, labelTable } from '../i18n'
import { SHAPE_TYPE_LABELS } from '../shapes/labels'
import type { ActionStatus, RelationKind, StakeholderRole, WarRoomShapeType } from '../shapes/types'
import { ACTION_STATUS_LABELS, type Bilingual, RELATION_LABELS, ROLE_LABELS } from './labels'

const MAX_NAME = 40

function clip(s: string): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()]
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : chars.join('')
}

const UNTITLED = bilingual('finding.untitled')
const SEPARATOR = bilingual('finding.listSeparator')

/** A shape's name for a message: 「name」 / “name”, or "untitled". */
function quoted(name: string): Bilingual {
  const n = clip(name)
  return n ? bilingual('finding.quoted', { name: n }) : UNTITLED
}

function list(names: string[]): Bilingual {
  const clipped = names.map(clip)
  return { zh: clipped.join(SEPARATOR.zh), en: clipped.join(SEPARATOR.en) }
}

const lower = (l: Bilingual): Bilingual => ({ zh: l.zh, en: l.en.toLowerCase() })

export type RecordKind = WarRoomShapeType | 'arrow' | 'binding' | 'shape'

const SHAPE_LABELS: Record<RecordKind, Bilingual> = {
  ...SHAPE_TYPE_LABELS,
  ...labelTable('label.recordKind', ['arrow', 'binding', 'shape']),
}

const ACCOUNT_FIELD_LABELS: Record<AccountFieldName, Bilingual> = labelTable('label.accountField', ACCOUNT_FIELD_NAMES)

function accountFieldLabel(field: string): Bilingual {
  const root = field.split('.')[0] as AccountFieldName
  const base = ACCOUNT_FIELD_LABELS[root]
  if (!base) return { zh: field, en: field }
  const rest = field.slice(root.length)
  return { zh: base.zh + rest, en: base.en + rest }
}

export const messages = {
  accountOwnerMissing: (): Bilingual => bilingual('finding.account.owner.missing'),
  accountOwnerMultiple: (names: string[]): Bilingual =>
    bilingual('finding.account.owner.multiple', { names: list(names) }),
  accountTierMissing: (): Bilingual => bilingual('finding.account.tier.missing'),
  accountGoalIncomplete: (missing: ('goal' | 'target' | 'deadline')[]): Bilingual => {
    const labels = missing.map((f) => ACCOUNT_FIELD_LABELS[f])
    return bilingual('finding.account.goal.incomplete', {
      fields: { zh: labels.map((l) => l.zh).join(SEPARATOR.zh), en: labels.map((l) => l.en).join(SEPARATOR.en) },
    })
  },
  accountWindowMissing: (): Bilingual => bilingual('finding.account.window.missing'),
  accountFieldInvalid: (field: string): Bilingual =>
    bilingual('finding.account.field.invalid', { field: accountFieldLabel(field) }),
  kdmMissing: (): Bilingual => bilingual('finding.chain.kdm.missing'),
  kdmUncovered: (name: string): Bilingual => bilingual('finding.chain.kdm.uncovered', { name: quoted(name) }),
  contactStale: (name: string, role: StakeholderRole, lastContact: string, days: number): Bilingual =>
    lastContact
      ? bilingual('finding.stakeholder.contact.stale', {
          role: ROLE_LABELS[role],
          name: quoted(name),
          date: lastContact,
          count: days,
        })
      : bilingual('finding.stakeholder.contact.never', { role: ROLE_LABELS[role], name: quoted(name) }),
  relationshipUnknown: (name: string, role: StakeholderRole): Bilingual =>
    bilingual('finding.stakeholder.relationship.unknown', { role: ROLE_LABELS[role], name: quoted(name) }),
  championMissing: (): Bilingual => bilingual('finding.champion.missing'),
  opponentUnaddressed: (name: string, level: 'cr4' | 'cr5'): Bilingual =>
    bilingual('finding.opponent.unaddressed', {
      who: bilingual(level === 'cr4' ? 'finding.opponent.cr4' : 'finding.opponent.cr5'),
      name: quoted(name),
    }),
  blockerUntargeted: (title: string): Bilingual => bilingual('finding.blocker.untargeted', { name: quoted(title) }),
  actionUntargeted: (title: string): Bilingual => bilingual('finding.action.untargeted', { name: quoted(title) }),
  actionOwnerMissing: (title: string): Bilingual => bilingual('finding.action.owner.missing', { name: quoted(title) }),
  actionOwnerMultiple: (title: string, names: string[]): Bilingual =>
    bilingual('finding.action.owner.multiple', { name: quoted(title), names: list(names) }),
  actionResourcesMissing: (title: string): Bilingual =>
    bilingual('finding.action.resources.missing', { name: quoted(title) }),
  actionDueMissing: (title: string): Bilingual => bilingual('finding.action.due.missing', { name: quoted(title) }),
  actionCheckpointMissing: (title: string): Bilingual =>
    bilingual('finding.action.checkpoint.missing', { name: quoted(title) }),
  actionOverdue: (title: string, due: string, status: ActionStatus): Bilingual =>
    bilingual('finding.action.overdue', { name: quoted(title), due, status: lower(ACTION_STATUS_LABELS[status]) }),
  /** A shape whose props were partly unusable: it still counts, with defaults for those props. */
  propsInvalid: (kind: keyof typeof SHAPE_LABELS, fields: string[]): Bilingual =>
    bilingual('finding.props.invalid', { kind: SHAPE_LABELS[kind], fields: list(fields), count: fields.length }),
  /** A record that could not be used at all and was left out of the plan. */
  recordInvalid: (kind: keyof typeof SHAPE_LABELS, fields: string[]): Bilingual =>
    fields.length === 0
      ? bilingual('finding.record.malformed', { kind: lower(SHAPE_LABELS[kind]) })
      : bilingual('finding.record.invalid', {
          kind: lower(SHAPE_LABELS[kind]),
          fields: list(fields),
          count: fields.length,
        }),
  relationInvalid: (declared: string, used: RelationKind | null): Bilingual =>
    used === null
      ? bilingual('finding.relation.dropped', { declared: clip(declared) })
      : bilingual('finding.relation.readAs', { declared: clip(declared), used: lower(RELATION_LABELS[used]) }),
  recordsUnreadable: (count: number): Bilingual => bilingual('finding.records.unreadable', { count }),
  derivationFailed: (): Bilingual => bilingual('finding.derivation.failed'),
}
