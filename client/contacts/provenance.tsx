/**
 * Provenance of a stance (docs/document-format.md, `meta.provenance`): this client stamps who
 * changed a stakeholder's relationship, role, influence or champion flag, and when, in the same
 * store change as the edit (a before-change side effect, so every local path — inspector,
 * shortcuts, paste-over, undo — is covered, and remote changes are left as their author wrote
 * them). The card and the inspector show the latest entry; an old one fades the card.
 */
import { useEffect } from 'react'
import { atom, type Editor, type TLShape, useValue } from 'tldraw'
import {
  type Author,
  changedStanceFields,
  DEFAULT_STALE_CONTACT_DAYS,
  isStanceStale,
  latestStanceChange,
  type ProvenanceEntry,
  readProvenance,
  STANCE_FIELDS,
  type StanceField,
  stampProvenance,
} from '../../shared/contacts/provenance'
import { isoDateInTimeZone } from '../../shared/plan/dates'
import { INFLUENCE_LABELS } from '../../shared/plan/labels'
import { ROLE_BADGES } from '../../shared/shapes/labels'
import type { InfluenceLevel, StakeholderRole } from '../../shared/shapes/types'
import { useSession } from '../auth/session'
import { type Lang, useLang, useLangSignal, useT } from '../i18n'

/** Stamps provenance on this user's stance changes; returns the unregister function. */
export function recordProvenance(editor: Editor, author: () => Author | null): () => void {
  return editor.sideEffects.registerBeforeChangeHandler('shape', (prev: TLShape, next: TLShape, source) => {
    if (source !== 'user' || next.type !== 'stakeholder') return next
    const fields = changedStanceFields(
      prev.props as unknown as Record<string, unknown>,
      next.props as unknown as Record<string, unknown>,
    )
    const who = author()
    if (fields.length === 0 || !who) return next
    return { ...next, meta: stampProvenance(next.meta, fields, who, new Date().toISOString()) }
  })
}

/** Mounts {@link recordProvenance} for the signed-in user while the editor lives. */
export function useProvenanceRecorder(editor: Editor | null) {
  const { session } = useSession()
  const user = session.status === 'signed-in' ? session.user : null
  useEffect(() => {
    if (!editor || !user) return
    return recordProvenance(editor, () => ({ id: user.id, name: user.name }))
  }, [editor, user])
}

const FIELD_LABELS: Record<StanceField, { zh: string; en: string }> = {
  relationship: { zh: '客户关系', en: 'Relationship' },
  role: { zh: '角色', en: 'Role' },
  influence: { zh: '影响力', en: 'Influence' },
  champion: { zh: '代言人', en: 'Champion' },
}

function valueText(field: StanceField, props: Record<string, unknown>, lang: Lang): string {
  switch (field) {
    case 'relationship':
      return props.relationship === 'unknown'
        ? lang === 'zh'
          ? '关系未知'
          : 'Unknown'
        : String(props.relationship).toUpperCase()
    case 'role':
      return ROLE_BADGES[props.role as StakeholderRole]?.[lang] ?? String(props.role)
    case 'influence':
      return `${FIELD_LABELS.influence[lang]} ${INFLUENCE_LABELS[props.influence as InfluenceLevel]?.[lang] ?? ''}`.trim()
    case 'champion':
      return props.champion === true
        ? `★ ${FIELD_LABELS.champion[lang]}`
        : lang === 'zh'
          ? '非代言人'
          : 'Not a champion'
  }
}

/** "11月20日" / "Nov 20" (with the year when it is not this year), in the viewer's time zone. */
export function shortDate(at: string, lang: Lang, now = new Date()): string {
  const d = new Date(at)
  if (Number.isNaN(d.getTime())) return ''
  const sameYear = d.getFullYear() === now.getFullYear()
  if (lang === 'zh') return `${sameYear ? '' : `${d.getFullYear()}年`}${d.getMonth() + 1}月${d.getDate()}日`
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) })
}

/** "CR2 · 王强 · 11月20日": the value, who set it, when. */
export function provenanceLine(
  field: StanceField,
  entry: ProvenanceEntry,
  props: Record<string, unknown>,
  lang: Lang,
): string {
  return [valueText(field, props, lang), entry.byName, shortDate(entry.at, lang)].filter(Boolean).join(' · ')
}

/** The signed-in person's freshness limit (GET /api/me), kept in step by the room page. */
export const staleContactDaysSignal = atom<number>('war-room stale contact days', DEFAULT_STALE_CONTACT_DAYS)

/** The latest stance change of a card, as a line, and whether it is older than the freshness limit. */
export function useStance(shape: { meta: unknown; props: unknown }): { line: string | null; stale: boolean } {
  // Signals, not React context: cards also render in tldraw's export root, which has no providers.
  const lang = useLangSignal()
  const days = useValue(staleContactDaysSignal)
  return stanceOf(shape, lang, days)
}

/** {@link useStance} outside React (a card's `toSvg`). */
export function stanceOf(
  shape: { meta: unknown; props: unknown },
  lang: Lang,
  days = staleContactDaysSignal.get(),
): { line: string | null; stale: boolean } {
  const provenance = readProvenance(shape.meta)
  const latest = latestStanceChange(provenance)
  if (!latest) return { line: null, stale: false }
  return {
    line: provenanceLine(latest.field, latest, shape.props as Record<string, unknown>, lang),
    stale: isStanceStale(provenance, isoDateInTimeZone(new Date()), days),
  }
}

/** The inspector's provenance section: one line per stance field. */
export function ProvenanceNote({ shape }: { shape: { meta: unknown; props: unknown } }) {
  const t = useT()
  const { lang } = useLang()
  const { session } = useSession()
  const days = session.status === 'signed-in' ? session.staleContactDays : DEFAULT_STALE_CONTACT_DAYS
  const provenance = readProvenance(shape.meta)
  const stale = isStanceStale(provenance, isoDateInTimeZone(new Date()), days)
  const props = shape.props as Record<string, unknown>
  const fields = STANCE_FIELDS.filter((f) => provenance[f])
  return (
    <section className="wr-provenance" data-testid="wr-provenance">
      <h4 className="wr-provenance__title">{t('provenance.title')}</h4>
      {fields.length === 0 ? (
        <p className="wr-provenance__none">{t('provenance.none')}</p>
      ) : (
        <ul className="wr-provenance__list">
          {fields.map((f) => (
            <li key={f} data-field={f}>
              <span className="wr-provenance__field">{FIELD_LABELS[f][lang]}</span>{' '}
              {provenanceLine(f, provenance[f]!, props, lang)}
            </li>
          ))}
        </ul>
      )}
      {stale && <p className="wr-provenance__stale">{t('provenance.stale', { days })}</p>}
    </section>
  )
}
