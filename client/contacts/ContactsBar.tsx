/**
 * The room's contacts controls (issue 14): import contacts, the coverage view and the template
 * library, plus the provenance recorder for this user's stance changes.
 */
import { useState } from 'react'
import { createPortal } from 'react-dom'
import type { Editor } from 'tldraw'
import { DEFAULT_CONTACT_LIMITS } from '../../shared/contacts'
import { TEMPLATES } from '../../shared/templates/library'
import { useSession } from '../auth/session'
import { useLang, useT } from '../i18n'
import { insertLibraryTemplate } from '../shapes/template'
import { CoverageView } from './CoverageView'
import { ImportDialog } from './ImportDialog'
import { useProvenanceRecorder } from './provenance'
import './contacts.css'

export function ContactsBar({ editor, readOnly }: { editor: Editor | null; readOnly: boolean }) {
  const t = useT()
  const { lang } = useLang()
  const { session } = useSession()
  const [open, setOpen] = useState<'import' | 'coverage' | 'templates' | null>(null)
  useProvenanceRecorder(readOnly ? null : editor)
  if (!editor) return null
  const user = session.status === 'signed-in' ? session.user : null
  // This server's limits (GET /api/me), so the dialog refuses what the server would refuse.
  const limits = session.status === 'signed-in' ? session : DEFAULT_CONTACT_LIMITS
  return (
    <>
      {!readOnly && (
        <button
          type="button"
          className="wr-button wr-button--quiet"
          onClick={() => setOpen('import')}
          data-testid="wr-open-import"
        >
          {t('contacts.bar.import')}
        </button>
      )}
      <button
        type="button"
        className="wr-button wr-button--quiet"
        onClick={() => setOpen('coverage')}
        data-testid="wr-open-coverage"
      >
        {t('contacts.bar.coverage')}
      </button>
      {!readOnly && (
        <span className="wr-templates">
          <button
            type="button"
            className="wr-button wr-button--quiet"
            aria-expanded={open === 'templates'}
            onClick={() => setOpen(open === 'templates' ? null : 'templates')}
            data-testid="wr-open-templates"
          >
            {t('contacts.bar.templates')} ▾
          </button>
          {open === 'templates' && (
            <div className="wr-templates__menu" role="menu" data-testid="wr-templates">
              <p className="wr-templates__hint">{t('templates.hint')}</p>
              {TEMPLATES.map((tpl) => (
                <button
                  key={tpl.id}
                  type="button"
                  role="menuitem"
                  className="wr-templates__item"
                  data-template={tpl.id}
                  onClick={() => {
                    insertLibraryTemplate(editor, tpl, lang)
                    setOpen(null)
                  }}
                >
                  <strong>{tpl.name[lang]}</strong>
                  <span>{tpl.description[lang]}</span>
                </button>
              ))}
            </div>
          )}
        </span>
      )}
      {/* On the page's body: the room bar is transformed, which would clip a fixed overlay to it. */}
      {open === 'import' &&
        user &&
        createPortal(
          <ImportDialog
            editor={editor}
            author={{ id: user.id, name: user.name }}
            limits={{ maxBytes: limits.importMaxBytes, maxRows: limits.importMaxRows }}
            onClose={() => setOpen(null)}
          />,
          document.body,
        )}
      {open === 'coverage' &&
        createPortal(
          <CoverageView editor={editor} limit={limits.coverageLimit} onClose={() => setOpen(null)} />,
          document.body,
        )}
    </>
  )
}
