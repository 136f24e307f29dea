/**
 * `/meeting`: the portfolio in present mode for the monthly key-account review (月大客户经营分析会),
 * which goes through every key account: large type on a dark ground for a projector, one row per
 * account with its stage, health and what moved since its last review, sortable, ↑↓ and Enter to
 * open an account's map.
 */
import { useCallback, useEffect, useState } from 'react'
import type { Param } from '../../shared/i18n'
import { isoDateInTimeZone } from '../../shared/plan/dates'
import { STAGE_LABELS } from '../../shared/plan/labels'
import type { FunnelStage } from '../../shared/shapes/types'
import { type AccountSummary, accountsApi, call, errorText } from '../auth/api'
import { useLang, useT } from '../i18n'
import { LanguageSwitch } from '../LanguageSwitch'
import { navigate } from '../router'
import { LastReviewCell, MovedCell, SortHeader, sortAccounts, useSort } from './portfolio'
import './review.css'

export function MeetingPage() {
  const t = useT()
  const { lang } = useLang()
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null)
  const [error, setError] = useState<Param | null>(null)
  const [selected, setSelected] = useState(0)
  // The meeting starts with the accounts in the worst shape.
  const { sort, toggle } = useSort({ key: 'health', dir: 'asc' })

  useEffect(() => {
    call(accountsApi.api.accounts.$get(), '/api/accounts').then(
      (data) => setAccounts(data.accounts.filter((a) => !a.archived)),
      (e: unknown) => setError(errorText(e)),
    )
  }, [])

  const rows = sortAccounts(accounts ?? [], sort)

  const onKey = useCallback(
    (event: KeyboardEvent) => {
      if (event.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(event.target.tagName)) return
      if (event.key === 'ArrowDown') setSelected((i) => Math.min(rows.length - 1, i + 1))
      else if (event.key === 'ArrowUp') setSelected((i) => Math.max(0, i - 1))
      else if (event.key === 'Enter' && rows[selected]) navigate(`/a/${rows[selected].id}`)
      else if (event.key === 'Escape') navigate('/')
      else return
      event.preventDefault()
    },
    [rows, selected],
  )
  useEffect(() => {
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onKey])

  const band = (score: number) => (score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor')

  return (
    <main className="wr-meeting" data-testid="meeting">
      <header className="wr-meeting__head">
        <h1>{t('meeting.title')}</h1>
        <span className="wr-meeting__sub">
          {t('meeting.subtitle', { count: rows.length, date: isoDateInTimeZone() })}
        </span>
        <LanguageSwitch />
        <button type="button" className="wr-button wr-button--quiet" onClick={() => navigate('/')}>
          {t('meeting.exit')}
        </button>
      </header>
      {error && <p className="wr-error">{t('review.error', { message: error })}</p>}
      {accounts && rows.length === 0 && <p>{t('meeting.empty')}</p>}
      {rows.length > 0 && (
        <table data-testid="meeting-table">
          <thead>
            <tr>
              <SortHeader label={t('meeting.col.account')} column="name" sort={sort} onSort={toggle} />
              <th>{t('meeting.col.owner')}</th>
              <SortHeader label={t('meeting.col.stage')} column="stage" sort={sort} onSort={toggle} />
              <SortHeader label={t('meeting.col.health')} column="health" sort={sort} onSort={toggle} />
              <SortHeader label={t('meeting.col.moved')} column="moved" sort={sort} onSort={toggle} />
              <SortHeader label={t('meeting.col.lastReview')} column="lastReview" sort={sort} onSort={toggle} />
            </tr>
          </thead>
          <tbody>
            {rows.map((a, i) => (
              <tr
                key={a.id}
                data-account={a.id}
                aria-selected={i === selected}
                onClick={() => setSelected(i)}
                onDoubleClick={() => navigate(`/a/${a.id}`)}
              >
                <td>
                  <a
                    className="wr-meeting__name"
                    href={`/a/${a.id}`}
                    style={{ color: 'inherit' }}
                    onClick={(event) => {
                      event.preventDefault()
                      navigate(`/a/${a.id}`)
                    }}
                  >
                    {a.name}
                  </a>
                </td>
                <td>{a.owner || '—'}</td>
                <td>{a.stage ? (STAGE_LABELS[a.stage as FunnelStage]?.[lang] ?? a.stage) : '—'}</td>
                <td>
                  {a.health ? (
                    <span
                      className={`wr-meeting__score wr-meeting__score--${band(a.health.score)}`}
                      data-testid="meeting-score"
                    >
                      {a.health.score}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <MovedCell account={a} pillClass="wr-meeting__pill" />
                </td>
                <td>
                  <LastReviewCell account={a} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="wr-meeting__hint">{t('meeting.hint')}</p>
    </main>
  )
}
