/**
 * "导入联系人 / Import contacts": a CSV or .xlsx sheet read, mapped and matched in the browser by
 * the same shared code the import API runs (shared/contacts), previewed (columns, rows as they will
 * be created or updated, rejected rows with the reason), then written through the editor in one
 * history step, so one undo removes the whole import.
 */
import { useMemo, useState } from 'react'
import { createShapeId, type Editor, type TLShapeId, type TLShapePartial, useValue } from 'tldraw'
import { previewImport } from '../../shared/contacts'
import { CONTACT_FIELD_LABELS, type ContactValues } from '../../shared/contacts/fields'
import type { ImportPlan } from '../../shared/contacts/importPlan'
import type { Author } from '../../shared/contacts/provenance'
import { SheetError } from '../../shared/contacts/read'
import { buildImportRecords, existingCards } from '../../shared/contacts/records'
import { INFLUENCE_LABELS, RELATIONSHIP_LABELS, ROLE_BADGES } from '../../shared/shapes/labels'
import { type MessageKey, useLang, useT } from '../i18n'

/** Rows shown in the preview; the summary counts all of them. */
const PREVIEW_ROWS = 200

export interface ImportResult {
  added: number
  updated: number
  unchanged: number
  created: TLShapeId[]
}

/** The server's import limits (IMPORT_MAX_BYTES, IMPORT_MAX_ROWS from GET /api/me). */
export interface ImportLimits {
  maxBytes: number
  maxRows: number
}

/**
 * Reads and plans a sheet against the cards in the editor (no change is made), refusing what
 * this server would refuse.
 */
export function previewSheet(editor: Editor, bytes: Uint8Array, limits: ImportLimits): Promise<ImportPlan> {
  return previewImport(bytes, existingCards(editor.store.allRecords()), limits)
}

/** Writes a planned import through the editor: one history step, selected and brought into view. */
export function applyImport(
  editor: Editor,
  plan: ImportPlan,
  options: { author: Author; factionId?: string },
): ImportResult {
  const records = buildImportRecords(plan, editor.store.allRecords(), {
    author: options.author,
    at: new Date().toISOString(),
    newId: () => createShapeId(),
    factionId: options.factionId,
    pageId: editor.getCurrentPageId(),
  }).filter((r) => r.typeName === 'shape')
  const creates = records.filter((r) => !editor.getShape(r.id as TLShapeId)) as unknown as TLShapePartial[]
  const updates = records.filter((r) => editor.getShape(r.id as TLShapeId)) as unknown as TLShapePartial[]
  editor.markHistoryStoppingPoint('import contacts')
  editor.run(() => {
    if (creates.length) editor.createShapes(creates)
    if (updates.length) editor.updateShapes(updates)
  })
  const created = creates.map((c) => c.id)
  const touched = [...created, ...plan.rows.filter((r) => r.action === 'update').map((r) => r.shapeId as TLShapeId)]
  if (touched.length > 0) {
    editor.select(...touched)
    editor.zoomToSelection({ animation: { duration: 200 } })
  }
  return { added: plan.added, updated: plan.updated, unchanged: plan.unchanged, created }
}

export function ImportDialog({
  editor,
  author,
  limits,
  onClose,
}: {
  editor: Editor
  author: Author
  limits: ImportLimits
  onClose: () => void
}) {
  const t = useT()
  const { lang } = useLang()
  const [plan, setPlan] = useState<ImportPlan | null>(null)
  const [fileName, setFileName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [factionId, setFactionId] = useState('')
  const [done, setDone] = useState<ImportResult | null>(null)
  const factions = useValue(
    'factions on the page',
    () =>
      editor
        .getCurrentPageShapes()
        .filter((s) => s.type === 'faction')
        .map((s) => ({ id: s.id, name: String((s.props as { name?: unknown }).name ?? '') })),
    [editor],
  )

  const onFile = async (file: File | undefined) => {
    setDone(null)
    setError(null)
    setPlan(null)
    if (!file) return
    setFileName(file.name)
    setBusy(true)
    try {
      setPlan(await previewSheet(editor, new Uint8Array(await file.arrayBuffer()), limits))
    } catch (e) {
      const message = e instanceof SheetError ? e.localized[lang] : e instanceof Error ? e.message : String(e)
      setError(t('import.error', { message }))
    } finally {
      setBusy(false)
    }
  }

  const confirm = () => {
    if (!plan) return
    setDone(applyImport(editor, plan, { author, factionId: factionId || undefined }))
    setPlan(null)
  }

  const changes = plan ? plan.added + plan.updated : 0
  return (
    <div className="wr-modal" role="dialog" aria-modal="true" aria-label={t('import.title')} data-testid="wr-import">
      <div className="wr-modal__panel wr-import">
        <header className="wr-modal__head">
          <h2>{t('import.title')}</h2>
          <button type="button" className="wr-button wr-button--quiet" onClick={onClose} data-testid="wr-import-close">
            {t('import.close')}
          </button>
        </header>
        <label className="wr-import__file">
          <span>{t('import.choose')}</span>
          <input
            type="file"
            accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            data-testid="wr-import-file"
            onChange={(e) => void onFile(e.currentTarget.files?.[0])}
          />
        </label>
        <p className="wr-import__hint">{t('import.hint')}</p>
        {busy && <p>{t('import.reading')}</p>}
        {error && (
          <p className="wr-import__error" role="alert" data-testid="wr-import-error">
            {error}
          </p>
        )}
        {done && (
          <p className="wr-import__done" role="status" data-testid="wr-import-done">
            {t('import.done', { added: done.added, updated: done.updated, unchanged: done.unchanged })}
          </p>
        )}
        {plan && (
          <Preview plan={plan} fileName={fileName} lang={lang}>
            <div className="wr-import__actions">
              <label>
                {t('import.place')}{' '}
                <select
                  value={factionId}
                  onChange={(e) => setFactionId(e.currentTarget.value)}
                  data-testid="wr-import-place"
                >
                  <option value="">{t('import.place.grid')}</option>
                  {factions.map((f) => (
                    <option key={f.id} value={f.id}>
                      {t('import.place.faction', { name: f.name || f.id })}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" className="wr-button wr-button--quiet" onClick={onClose}>
                {t('import.cancel')}
              </button>
              <button
                type="button"
                className="wr-button"
                onClick={confirm}
                disabled={changes === 0}
                data-testid="wr-import-confirm"
              >
                {changes === 0 ? t('import.nothing') : t('import.confirm')}
              </button>
            </div>
          </Preview>
        )}
      </div>
    </div>
  )
}

const ACTION_KEYS: Record<string, MessageKey> = {
  add: 'import.action.add',
  update: 'import.action.update',
  unchanged: 'import.action.unchanged',
}

function cellText(values: ContactValues, field: keyof ContactValues, lang: 'zh' | 'en'): string {
  const v = values[field]
  if (v === undefined) return ''
  if (field === 'role') return ROLE_BADGES[values.role!][lang]
  if (field === 'relationship') return RELATIONSHIP_LABELS[values.relationship!][lang]
  if (field === 'influence') return INFLUENCE_LABELS[values.influence!][lang]
  if (field === 'champion') return v ? '★' : ''
  return String(v)
}

const SHOWN: (keyof ContactValues)[] = [
  'name',
  'title',
  'department',
  'role',
  'relationship',
  'influence',
  'champion',
  'contact',
  'lastContact',
]

function Preview({
  plan,
  fileName,
  lang,
  children,
}: {
  plan: ImportPlan
  fileName: string
  lang: 'zh' | 'en'
  children: React.ReactNode
}) {
  const t = useT()
  const rows = useMemo(() => plan.rows.slice(0, PREVIEW_ROWS), [plan])
  return (
    <div className="wr-import__preview" data-testid="wr-import-preview">
      <p className="wr-import__summary" data-testid="wr-import-summary">
        <strong>{fileName}</strong> ·{' '}
        {t('import.summary', {
          added: plan.added,
          updated: plan.updated,
          unchanged: plan.unchanged,
          rejected: plan.rejected.length,
        })}
      </p>
      <h3>{t('import.columns')}</h3>
      <ul className="wr-import__columns" data-testid="wr-import-columns">
        {plan.columns.map((c, i) => (
          <li key={i} className={c.field ? '' : 'wr-import__column--ignored'}>
            <span className="wr-import__header">{c.header || '—'}</span> →{' '}
            {c.field ? CONTACT_FIELD_LABELS[c.field][lang] : t('import.column.ignored')}
          </li>
        ))}
      </ul>
      <h3>{t('import.rows')}</h3>
      <div className="wr-import__table-wrap">
        <table className="wr-import__table" data-testid="wr-import-rows">
          <thead>
            <tr>
              <th>{t('import.row')}</th>
              <th>{t('import.action')}</th>
              {SHOWN.map((f) => (
                <th key={f}>{CONTACT_FIELD_LABELS[f][lang]}</th>
              ))}
              <th>{t('import.notes')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.row} className={`wr-import__row--${r.action}`} data-row={r.row}>
                <td>{r.row}</td>
                <td>
                  <span className={`wr-import__action wr-import__action--${r.action}`}>
                    {t(ACTION_KEYS[r.action]!)}
                  </span>
                </td>
                {SHOWN.map((f) => (
                  <td key={f} className={r.changed?.includes(f as never) ? 'wr-import__cell--changed' : ''}>
                    {cellText(r.fields, f, lang)}
                  </td>
                ))}
                <td className="wr-import__warnings">{r.warnings.map((w) => w.message[lang]).join('；')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.rows.length > rows.length && <p>{t('import.more', { count: plan.rows.length - rows.length })}</p>}
      {plan.rejected.length > 0 && (
        <>
          <h3>{t('import.rejected')}</h3>
          <ul className="wr-import__rejected" data-testid="wr-import-rejected">
            {plan.rejected.map((r) => (
              <li key={`${r.row}-${r.code}`}>
                {t('import.row')} {r.row}: {r.message[lang]}
              </li>
            ))}
          </ul>
        </>
      )}
      {children}
    </div>
  )
}
