/**
 * The account panel: edits the account's own fields (name, tier, owner, SMART goal, stage,
 * assessment, competitors) live in the room's Y.Doc, so everyone in the room sees each change
 * as it is typed. Every value is checked with its field's schema (shared/account.ts) before it
 * is written; an invalid entry stays in the field with a message and is not written. Viewers see
 * the fields but cannot change them.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import type * as Y from 'yjs'
import {
  ACCOUNT_TIERS,
  type AccountFieldIssue,
  type AccountFieldName,
  accountFieldSchemas,
  type Competitor,
} from '../../shared/account'
import { STAGE_LABELS, TIER_LABELS } from '../../shared/plan/labels'
import { FUNNEL_STAGES } from '../../shared/shapes/types'
import { type MessageKey, useLang, useT } from '../i18n'
import { type AccountMap, updateCompetitors, useAccountFields, writeAccountField } from './useAccountFields'
import './account.css'

/** What an entry means: a value to write, or the message that says why it cannot be. */
type Parsed<V> = { ok: true; value: V } | { ok: false; error: MessageKey }

const asText = (text: string): Parsed<string> => ({ ok: true, value: text })

function asDate(text: string, input: HTMLInputElement | HTMLTextAreaElement): Parsed<string> {
  // A half-typed date reads as '' with badInput set; writing '' would clear the stored date.
  if ('validity' in input && input.validity.badInput) return { ok: false, error: 'account.error.date' }
  return accountFieldSchemas.deadline.safeParse(text).success
    ? { ok: true, value: text }
    : { ok: false, error: 'account.error.date' }
}

function asNumber(field: 'closeness' | 'potential' | 'winProbability') {
  const error: MessageKey = field === 'winProbability' ? 'account.error.percent' : 'account.error.score'
  return (text: string, input: HTMLInputElement | HTMLTextAreaElement): Parsed<number | null> => {
    if ('validity' in input && input.validity.badInput) return { ok: false, error }
    const trimmed = text.trim()
    if (trimmed === '') return { ok: true, value: null }
    const value = Number(trimmed)
    return accountFieldSchemas[field].safeParse(value).success ? { ok: true, value } : { ok: false, error }
  }
}

/**
 * The text an input shows. It follows the stored value (so another person's edit shows at once,
 * even in a focused field) except while it holds something the stored value cannot: an invalid
 * entry, which stays with its message, or an IME composition in progress (pinyin), which is
 * neither written nor overwritten until it ends.
 */
function useDraft<V>(
  stored: string,
  parse: (text: string, input: HTMLInputElement | HTMLTextAreaElement) => Parsed<V>,
  commit: (value: V) => void,
) {
  const [draft, setDraft] = useState(stored)
  const [error, setErrorState] = useState<MessageKey | null>(null)
  const errorRef = useRef<MessageKey | null>(null)
  const composing = useRef(false)
  const setError = (next: MessageKey | null) => {
    errorRef.current = next
    setErrorState(next)
  }

  useEffect(() => {
    if (!composing.current && !errorRef.current) setDraft(stored)
  }, [stored])

  const apply = (text: string, input: HTMLInputElement | HTMLTextAreaElement) => {
    const parsed = parse(text, input)
    if (parsed.ok) {
      setError(null)
      commit(parsed.value)
    } else {
      setError(parsed.error)
    }
  }

  return {
    draft,
    error,
    props: {
      value: draft,
      onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        setDraft(event.target.value)
        if (!composing.current) apply(event.target.value, event.target)
      },
      onCompositionStart: () => {
        composing.current = true
      },
      onCompositionEnd: (event: React.CompositionEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        composing.current = false
        apply(event.currentTarget.value, event.currentTarget)
      },
      onBlur: () => {
        // An invalid entry stays visible with its message; a valid one shows the stored value ("65." → "65").
        if (!errorRef.current) setDraft(stored)
      },
    },
  }
}

interface FieldFrameProps {
  field: string
  label: string
  hint?: string
  error?: MessageKey | null
  issue?: AccountFieldIssue
  children: (id: string, describedBy: string | undefined) => ReactNode
}

function FieldFrame({ field, label, hint, error, issue, children }: FieldFrameProps) {
  const t = useT()
  const id = useId()
  const messageId = `${id}-message`
  const hasMessage = Boolean(error || issue || hint)
  return (
    <div className={`wr-account__field${error ? ' wr-account__field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, hasMessage ? messageId : undefined)}
      {error ? (
        <p id={messageId} className="wr-account__error" role="alert" data-testid={`wr-account-error-${field}`}>
          {t(error)} <strong>{t('account.notWritten')}</strong>
        </p>
      ) : issue ? (
        <p id={messageId} className="wr-account__error" data-testid={`wr-account-stored-${field}`}>
          {t('account.error.stored', { reason: issue.reason })}
        </p>
      ) : hint ? (
        <p id={messageId} className="wr-account__hint">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

interface InputFieldProps<V> {
  field: string
  label: string
  stored: string
  parse: (text: string, input: HTMLInputElement | HTMLTextAreaElement) => Parsed<V>
  commit: (value: V) => void
  readOnly: boolean
  type?: 'text' | 'date' | 'number'
  multiline?: boolean
  placeholder?: string
  hint?: string
  issue?: AccountFieldIssue
  numberRange?: { min: number; max: number; step: number }
}

function InputField<V>({
  field,
  label,
  stored,
  parse,
  commit,
  readOnly,
  type = 'text',
  multiline,
  placeholder,
  hint,
  issue,
  numberRange,
}: InputFieldProps<V>) {
  const { error, props } = useDraft(stored, parse, commit)
  return (
    <FieldFrame field={field} label={label} hint={hint} error={error} issue={issue}>
      {(id, describedBy) => {
        const common = {
          id,
          ...props,
          readOnly,
          placeholder,
          'aria-invalid': error ? true : undefined,
          'aria-describedby': describedBy,
          'data-account-field': field,
          'data-testid': `wr-account-field-${field}`,
        }
        return multiline ? <textarea rows={2} {...common} /> : <input type={type} {...common} {...numberRange} />
      }}
    </FieldFrame>
  )
}

interface SelectFieldProps<V extends string> {
  field: AccountFieldName
  label: string
  value: V
  options: readonly { value: V; label: string }[]
  onChange: (value: V) => void
  readOnly: boolean
  hint?: string
  issue?: AccountFieldIssue
}

function SelectField<V extends string>({
  field,
  label,
  value,
  options,
  onChange,
  readOnly,
  hint,
  issue,
}: SelectFieldProps<V>) {
  return (
    <FieldFrame field={field} label={label} hint={hint} issue={issue}>
      {(id, describedBy) => (
        <select
          id={id}
          value={value}
          disabled={readOnly}
          aria-describedby={describedBy}
          data-account-field={field}
          data-testid={`wr-account-field-${field}`}
          onChange={(event) => onChange(event.target.value as V)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  )
}

const numberText = (value: number | null) => (value === null ? '' : String(value))

export interface AccountPanelProps {
  doc: Y.Doc
  readOnly: boolean
  /** A field to focus (from a clicked finding); `seq` distinguishes repeated requests. */
  focusRequest?: { field: string; seq: number } | null
}

export function AccountPanel({ doc, readOnly, focusRequest }: AccountPanelProps) {
  const t = useT()
  const { lang } = useLang()
  const { account, issues, map } = useAccountFields(doc)
  const rootRef = useRef<HTMLDivElement>(null)
  const issueOf = (field: AccountFieldName) => issues.find((i) => i.field === field)

  useEffect(() => {
    if (!focusRequest || !rootRef.current) return
    const element = findFieldElement(rootRef.current, focusRequest.field)
    if (!element) return
    element.scrollIntoView({ block: 'center' })
    element.focus({ preventScroll: true })
    const frame = element.closest('.wr-account__field, .wr-account__section') ?? element
    frame.classList.remove('wr-account--flash')
    // Restart the highlight for a repeated request on the same field.
    void (frame as HTMLElement).offsetWidth
    frame.classList.add('wr-account--flash')
    const timer = setTimeout(() => frame.classList.remove('wr-account--flash'), 1600)
    return () => clearTimeout(timer)
  }, [focusRequest])

  const text = (
    field: 'name' | 'owner' | 'goal' | 'target',
    label: MessageKey,
    extra: Partial<InputFieldProps<string>> = {},
  ) => (
    <InputField
      field={field}
      label={t(label)}
      stored={account[field]}
      parse={asText}
      commit={(value) => writeAccountField(map, field, value)}
      readOnly={readOnly}
      issue={issueOf(field)}
      {...extra}
    />
  )
  const date = (field: 'deadline' | 'window', label: MessageKey, hint?: string) => (
    <InputField
      field={field}
      label={t(label)}
      stored={account[field]}
      parse={asDate}
      commit={(value) => writeAccountField(map, field, value)}
      readOnly={readOnly}
      type="date"
      hint={hint}
      issue={issueOf(field)}
    />
  )
  const score = (field: 'closeness' | 'potential' | 'winProbability', label: MessageKey) => (
    <InputField
      field={field}
      label={t(label)}
      stored={numberText(account[field])}
      parse={asNumber(field)}
      commit={(value) => writeAccountField(map, field, value)}
      readOnly={readOnly}
      type="number"
      numberRange={field === 'winProbability' ? { min: 0, max: 100, step: 1 } : { min: 1, max: 5, step: 1 }}
      issue={issueOf(field)}
    />
  )

  const showWindow = account.tier === 'breakthrough' || account.window !== '' || Boolean(issueOf('window'))

  return (
    <div ref={rootRef} className="wr-account" data-testid="wr-account-panel" data-readonly={readOnly || undefined}>
      {readOnly && (
        <p className="wr-account__readonly" role="status" data-testid="wr-account-readonly">
          {t('account.readOnly')}
        </p>
      )}
      <section className="wr-account__section">
        <h3>{t('account.section.basics')}</h3>
        {text('name', 'account.name')}
        <SelectField
          field="tier"
          label={t('account.tier')}
          value={account.tier}
          options={[
            { value: '' as const, label: t('account.tier.none') },
            ...ACCOUNT_TIERS.map((v) => ({ value: v, label: TIER_LABELS[v][lang] })),
          ]}
          onChange={(value) => writeAccountField(map, 'tier', value)}
          readOnly={readOnly}
          issue={issueOf('tier')}
        />
        {text('owner', 'account.owner', { hint: t('account.owner.hint') })}
        <SelectField
          field="stage"
          label={t('account.stage')}
          value={account.stage}
          options={[
            { value: '' as const, label: t('account.stage.none') },
            ...FUNNEL_STAGES.map((v) => ({ value: v, label: STAGE_LABELS[v][lang] })),
          ]}
          onChange={(value) => writeAccountField(map, 'stage', value)}
          readOnly={readOnly}
          issue={issueOf('stage')}
        />
      </section>

      <section className="wr-account__section">
        <h3>{t('account.section.goal')}</h3>
        {text('goal', 'account.goal', { multiline: true, placeholder: t('account.goal.placeholder') })}
        {text('target', 'account.target', { placeholder: t('account.target.placeholder') })}
        <div className="wr-account__pair">
          {date('deadline', 'account.deadline')}
          {showWindow && date('window', 'account.window', t('account.window.hint'))}
        </div>
      </section>

      <section className="wr-account__section">
        <h3>{t('account.section.assessment')}</h3>
        <div className="wr-account__trio">
          {score('closeness', 'account.closeness')}
          {score('potential', 'account.potential')}
          {score('winProbability', 'account.winProbability')}
        </div>
      </section>

      <Competitors map={map} competitors={account.competitors} readOnly={readOnly} issue={issueOf('competitors')} />
    </div>
  )
}

const COMPETITOR_FIELDS: { key: keyof Competitor; label: MessageKey; multiline?: boolean }[] = [
  { key: 'name', label: 'account.competitor.name' },
  { key: 'manager', label: 'account.competitor.manager' },
  { key: 'strengths', label: 'account.competitor.strengths', multiline: true },
  { key: 'weaknesses', label: 'account.competitor.weaknesses', multiline: true },
]

function Competitors({
  map,
  competitors,
  readOnly,
  issue,
}: {
  map: AccountMap
  competitors: Competitor[]
  readOnly: boolean
  issue?: AccountFieldIssue
}) {
  const t = useT()
  const listRef = useRef<HTMLDivElement>(null)
  // The index of a competitor just added here, whose name field takes the focus once it renders.
  const [added, setAdded] = useState<number | null>(null)

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again once the added competitor has rendered
  useEffect(() => {
    if (added === null || !listRef.current) return
    listRef.current.querySelector<HTMLElement>(`[data-account-field="competitors.${added}.name"]`)?.focus()
    setAdded(null)
  }, [added, competitors.length])

  return (
    <section className="wr-account__section" data-account-section="competitors">
      <h3>{t('account.section.competitors')}</h3>
      {issue && <p className="wr-account__error">{t('account.error.stored', { reason: issue.reason })}</p>}
      <div ref={listRef} className="wr-account__competitors">
        {competitors.length === 0 && <p className="wr-account__hint">{t('account.competitor.none')}</p>}
        {competitors.map((competitor, i) => (
          <fieldset key={i} className="wr-account__competitor" data-testid="wr-account-competitor">
            <legend>
              {t('account.competitor.heading', { n: i + 1 })}
              {!readOnly && (
                <button
                  type="button"
                  className="wr-account__remove"
                  aria-label={t('account.competitor.removeLabel', { n: i + 1 })}
                  data-testid="wr-account-competitor-remove"
                  onClick={() => updateCompetitors(map, (list) => list.filter((_, j) => j !== i))}
                >
                  {t('account.competitor.remove')}
                </button>
              )}
            </legend>
            {COMPETITOR_FIELDS.map(({ key, label, multiline }) => (
              <InputField
                key={key}
                field={`competitors.${i}.${key}`}
                label={t(label)}
                stored={competitor[key]}
                parse={asText}
                commit={(value) =>
                  updateCompetitors(map, (list) => list.map((c, j) => (j === i ? { ...c, [key]: value } : c)))
                }
                readOnly={readOnly}
                multiline={multiline}
              />
            ))}
          </fieldset>
        ))}
      </div>
      {!readOnly && (
        <button
          type="button"
          className="wr-account__add"
          data-account-field="competitors"
          data-testid="wr-account-competitor-add"
          onClick={() => {
            updateCompetitors(map, (list) => [...list, { name: '', manager: '', strengths: '', weaknesses: '' }])
            setAdded(competitors.length)
          }}
        >
          {t('account.competitor.add')}
        </button>
      )}
    </section>
  )
}

/** The control for a field path such as `owner` or `competitors.1.name`, or its nearest container. */
function findFieldElement(root: HTMLElement, field: string): HTMLElement | null {
  const parts = field.split('.')
  for (let n = parts.length; n > 0; n--) {
    const path = parts.slice(0, n).join('.')
    const exact = root.querySelector<HTMLElement>(`[data-account-field="${CSS.escape(path)}"]`)
    if (exact) return exact
    const inside = root.querySelector<HTMLElement>(`[data-account-field^="${CSS.escape(path)}."]`)
    if (inside) return inside
  }
  return root.querySelector<HTMLElement>(`[data-account-section="${CSS.escape(parts[0])}"]`)
}
