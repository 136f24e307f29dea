/**
 * The coverage view (Altify's team relationships, in our terms): the customer's people, KDM and
 * KI first, against our people who cover them (the cards' "our contact", split by the owner
 * rule), with the relationship level in each cell; nobody-covers rows and overloaded columns stand
 * out. Built from the live plan record, so it follows every edit.
 */
import type { Editor } from 'tldraw'
import { buildCoverage } from '../../shared/contacts/coverage'
import { RELATIONSHIP_LABELS, ROLE_BADGES } from '../../shared/shapes/labels'
import { useLang, useT } from '../i18n'
import { usePlanContext } from '../plan/PlanContext'
import { goToShape } from '../plan/PlanSidebar'

/** `limit`: customer people one of ours may cover before being flagged (COVERAGE_LIMIT). */
export function CoverageView({ editor, limit, onClose }: { editor: Editor; limit: number; onClose: () => void }) {
  const t = useT()
  const { lang } = useLang()
  const { plan } = usePlanContext()
  const coverage = buildCoverage(plan?.stakeholders ?? [], limit)
  const overloaded = coverage.columns.filter((c) => c.overloaded)
  return (
    <div
      className="wr-modal"
      role="dialog"
      aria-modal="true"
      aria-label={t('coverage.title')}
      data-testid="wr-coverage"
    >
      <div className="wr-modal__panel wr-coverage">
        <header className="wr-modal__head">
          <h2>{t('coverage.title')}</h2>
          <button
            type="button"
            className="wr-button wr-button--quiet"
            onClick={onClose}
            data-testid="wr-coverage-close"
          >
            {t('import.close')}
          </button>
        </header>
        {coverage.rows.length === 0 ? (
          <p>{t('coverage.empty')}</p>
        ) : (
          <>
            <p className="wr-coverage__summary" data-testid="wr-coverage-summary">
              <span className={coverage.uncovered.length ? 'wr-coverage__alert' : ''}>
                {coverage.uncovered.length
                  ? t('coverage.uncovered', { count: coverage.uncovered.length, key: coverage.uncoveredKey.length })
                  : t('coverage.allCovered')}
              </span>
              {overloaded.length > 0 && (
                <span className="wr-coverage__alert">
                  {' · '}
                  {t('coverage.overloaded', {
                    names: overloaded.map((c) => c.name).join(lang === 'zh' ? '、' : ', '),
                    count: limit,
                  })}
                </span>
              )}
            </p>
            <div className="wr-coverage__wrap">
              <table className="wr-coverage__table" data-testid="wr-coverage-table">
                <thead>
                  <tr>
                    <th>{t('coverage.customer')}</th>
                    {coverage.columns.map((c) => (
                      <th
                        key={c.name}
                        className={c.overloaded ? 'wr-coverage__col--overloaded' : ''}
                        data-ours={c.name}
                      >
                        {c.name}
                        <span className="wr-coverage__count">{t('coverage.count', { count: c.covers.length })}</span>
                      </th>
                    ))}
                    {coverage.uncovered.length > 0 && (
                      <th className="wr-coverage__col--nobody">{t('coverage.nobody')}</th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {coverage.rows.map((r) => (
                    <tr
                      key={r.id}
                      data-person={r.id}
                      className={r.coveredBy.length ? '' : 'wr-coverage__row--uncovered'}
                    >
                      <th>
                        <button
                          type="button"
                          className="wr-coverage__person"
                          onClick={() => {
                            goToShape(editor, r.id)
                            onClose()
                          }}
                        >
                          <span className={`wr-role wr-role--${r.role}`}>{ROLE_BADGES[r.role][lang]}</span>{' '}
                          {r.name || '—'}
                          {r.title && <span className="wr-coverage__title"> · {r.title}</span>}
                        </button>
                      </th>
                      {coverage.columns.map((c) => (
                        <td key={c.name}>
                          {r.coveredBy.includes(c.name) && (
                            <span
                              className={`wr-cr wr-cr-chip--${r.relationship}`}
                              title={RELATIONSHIP_LABELS[r.relationship][lang]}
                            >
                              {r.relationship === 'unknown' ? '?' : r.relationship.toUpperCase()}
                            </span>
                          )}
                        </td>
                      ))}
                      {coverage.uncovered.length > 0 && (
                        <td className="wr-coverage__nobody">{r.coveredBy.length === 0 ? '✕' : ''}</td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="wr-import__hint">{t('coverage.hint')}</p>
          </>
        )}
      </div>
    </div>
  )
}
