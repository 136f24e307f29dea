/**
 * `/`: the portfolio. The accounts the user can see, with tier, owner, funnel stage, health and
 * last activity from each account's stored plan; filters by tier and owner; the focus check
 * (portfolio.focus.exceeded); creating an account; members, archiving and deletion for owners.
 */
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react'
import { ACCOUNT_TIERS, type AccountTier } from '../../shared/account'
import type { Params } from '../../shared/i18n'
import { STAGE_LABELS, TIER_LABELS } from '../../shared/plan/labels'
import { checkPortfolioFocus } from '../../shared/portfolio'
import { isValidAccountId } from '../../shared/protocol'
import { FUNNEL_STAGES, type FunnelStage } from '../../shared/shapes/types'
import { type AccountSummary, accountsApi, call, errorText } from '../auth/api'
import { useCurrentUser, useSession } from '../auth/session'
import { type MessageKey, useLang, useT } from '../i18n'
import { LanguageSwitch } from '../LanguageSwitch'
import { LastReviewCell, MovedCell, SortHeader, sortAccounts, useSort } from '../review/portfolio'
import { navigate } from '../router'
import { MembersPanel } from './MembersPanel'
import './portfolio.css'

const ALL = '*'
const NO_TIER = '-'

export function PortfolioPage() {
  const t = useT()
  const { lang } = useLang()
  const { user, portfolioFocusLimit } = useCurrentUser()
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null)
  const [error, setError] = useState('')
  const [tier, setTier] = useState(ALL)
  const [owner, setOwner] = useState(ALL)
  const [showArchived, setShowArchived] = useState(false)
  const [membersOf, setMembersOf] = useState<AccountSummary | null>(null)

  const load = useCallback(async () => {
    try {
      const data = await call(accountsApi.api.accounts.$get(), '/api/accounts')
      setAccounts(data.accounts)
      setError('')
    } catch (e) {
      setError(t('auth.error', { message: errorText(e) }))
    }
  }, [t])

  useEffect(() => {
    void load()
  }, [load])

  const owners = useMemo(
    () =>
      [...new Set((accounts ?? []).map((a) => a.owner.trim()).filter(Boolean))].sort((a, b) =>
        a.localeCompare(b, 'zh-CN'),
      ),
    [accounts],
  )
  const { sort, toggle } = useSort()
  const filtered = (accounts ?? []).filter(
    (a) =>
      (showArchived || !a.archived) &&
      (tier === ALL || (tier === NO_TIER ? a.tier === '' : a.tier === tier)) &&
      (owner === ALL || a.owner.trim() === owner),
  )
  const shown = sortAccounts(filtered, sort)
  const focus = useMemo(() => checkPortfolioFocus(accounts ?? [], portfolioFocusLimit), [accounts, portfolioFocusLimit])
  const nameOf = useMemo(() => new Map((accounts ?? []).map((a) => [a.id, a.name])), [accounts])

  const manage = async (account: AccountSummary, action: 'archive' | 'unarchive' | 'delete') => {
    if (action === 'delete' && !window.confirm(t('portfolio.manage.confirmDelete', { name: account.name }))) return
    try {
      const one = accountsApi.api.accounts[':id']
      const path = `/api/accounts/${account.id}`
      if (action === 'delete') await call(one.$delete({ param: { id: account.id } }), path)
      else await call(one.$patch({ param: { id: account.id }, json: { archived: action === 'archive' } }), path)
      await load()
    } catch (e) {
      setError(t('auth.error', { message: errorText(e) }))
    }
  }

  return (
    <main className="wr-portfolio">
      <PortfolioHeader />
      <div className="wr-portfolio__title">
        <h1>{t('portfolio.title')}</h1>
        <span className="wr-hint">{t('portfolio.subtitle')}</span>
        <button type="button" className="wr-button" onClick={() => navigate('/meeting')} data-testid="meeting-view">
          {t('portfolio.meeting')}
        </button>
      </div>

      {focus.length > 0 && (
        <section className="wr-focus" role="alert" data-testid="focus-findings">
          <h2>⚠ {t('portfolio.focus.title')}</h2>
          {focus.map((f) => (
            <p key={f.owner} data-code={f.code}>
              {f.message[lang]}
              <span className="wr-focus__accounts">
                {f.accountIds.map((id) => nameOf.get(id) ?? id).join(lang === 'zh' ? '、' : ', ')}
              </span>
            </p>
          ))}
        </section>
      )}

      <div className="wr-filters">
        <label>
          {t('portfolio.filter.tier')}
          <select value={tier} onChange={(e) => setTier(e.target.value)} data-testid="filter-tier">
            <option value={ALL}>{t('portfolio.filter.all')}</option>
            {ACCOUNT_TIERS.map((value) => (
              <option key={value} value={value}>
                {TIER_LABELS[value][lang]}
              </option>
            ))}
            <option value={NO_TIER}>{t('portfolio.filter.noTier')}</option>
          </select>
        </label>
        <label>
          {t('portfolio.filter.owner')}
          <select value={owner} onChange={(e) => setOwner(e.target.value)} data-testid="filter-owner">
            <option value={ALL}>{t('portfolio.filter.all')}</option>
            {owners.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label className="wr-filters__check">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
          {t('portfolio.filter.archived')}
        </label>
        <span className="wr-hint">{accounts && t('portfolio.count', { count: shown.length })}</span>
      </div>

      {error && (
        <p className="wr-error" role="alert">
          {error}
        </p>
      )}

      {accounts === null ? (
        <p className="wr-hint">{t('auth.loading')}</p>
      ) : accounts.length === 0 ? (
        <p className="wr-empty">{t('portfolio.empty')}</p>
      ) : shown.length === 0 ? (
        <p className="wr-empty">{t('portfolio.noMatch')}</p>
      ) : (
        <div className="wr-table-wrap">
          <table className="wr-table" data-testid="accounts">
            <thead>
              <tr>
                <SortHeader label={t('portfolio.col.name')} column="name" sort={sort} onSort={toggle} />
                <th>{t('portfolio.col.tier')}</th>
                <th>{t('portfolio.col.owner')}</th>
                <SortHeader label={t('portfolio.col.stage')} column="stage" sort={sort} onSort={toggle} />
                <SortHeader label={t('portfolio.col.health')} column="health" sort={sort} onSort={toggle} />
                <SortHeader label={t('portfolio.col.lastReview')} column="lastReview" sort={sort} onSort={toggle} />
                <SortHeader label={t('portfolio.col.moved')} column="moved" sort={sort} onSort={toggle} />
                <SortHeader label={t('portfolio.col.activity')} column="activity" sort={sort} onSort={toggle} />
                <th>{t('portfolio.col.role')}</th>
                <th aria-hidden />
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => (
                <tr key={a.id} data-account={a.id} className={a.archived ? 'wr-row--archived' : undefined}>
                  <td>
                    <a
                      href={`/a/${a.id}`}
                      className="wr-account-link"
                      onClick={(event) => {
                        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
                        event.preventDefault()
                        navigate(`/a/${a.id}`)
                      }}
                    >
                      {a.name}
                    </a>
                    <code className="wr-account-id">{a.id}</code>
                    {a.archived && <span className="wr-tag">{t('portfolio.archived')}</span>}
                  </td>
                  <td>
                    {a.tier ? (
                      <span className={`wr-tier wr-tier--${a.tier}`}>{TIER_LABELS[a.tier][lang]}</span>
                    ) : (
                      t('portfolio.none')
                    )}
                  </td>
                  <td>{a.owner || t('portfolio.none')}</td>
                  <td className="wr-nowrap">
                    {(FUNNEL_STAGES as readonly string[]).includes(a.stage)
                      ? STAGE_LABELS[a.stage as FunnelStage][lang]
                      : t('portfolio.none')}
                  </td>
                  <td>
                    <Health health={a.health} />
                  </td>
                  <td className="wr-nowrap">
                    <LastReviewCell account={a} />
                  </td>
                  <td>
                    <MovedCell account={a} />
                  </td>
                  <td className="wr-nowrap">
                    <time dateTime={a.lastActivityAt} title={a.lastActivityAt}>
                      {formatWhen(a.lastActivityAt, lang)}
                    </time>
                  </td>
                  <td>{t(`role.${a.role}`)}</td>
                  <td className="wr-table__actions">
                    {a.role === 'owner' && (
                      <>
                        <button type="button" className="wr-button wr-button--quiet" onClick={() => setMembersOf(a)}>
                          {t('portfolio.manage.members')}
                        </button>
                        <button
                          type="button"
                          className="wr-button wr-button--quiet"
                          onClick={() => void manage(a, a.archived ? 'unarchive' : 'archive')}
                        >
                          {t(a.archived ? 'portfolio.manage.unarchive' : 'portfolio.manage.archive')}
                        </button>
                        <button
                          type="button"
                          className="wr-button wr-button--quiet wr-button--danger"
                          onClick={() => void manage(a, 'delete')}
                        >
                          {t('portfolio.manage.delete')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {membersOf && <MembersPanel account={membersOf} onClose={() => setMembersOf(null)} />}

      <CreateAccountForm defaultOwner={user.name} onCreated={load} />
    </main>
  )
}

function Health({ health }: { health: AccountSummary['health'] }) {
  const t = useT()
  if (!health) return <span className="wr-hint">{t('portfolio.health.none')}</span>
  const level = health.score >= 80 ? 'good' : health.score >= 50 ? 'fair' : 'poor'
  return (
    <span className={`wr-health wr-health--${level}`}>
      <span className="wr-health__bar" style={{ width: `${health.score}%` }} aria-hidden />
      <span className="wr-health__text">
        {t('portfolio.health.value', { score: health.score, count: health.findings })}
      </span>
    </span>
  )
}

function formatWhen(iso: string, lang: 'zh' | 'en'): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
}

/** The top bar of signed-in pages: who is signed in, users (admins), language, sign out. */
export function PortfolioHeader() {
  const t = useT()
  const { user } = useCurrentUser()
  const { signOut } = useSession()
  return (
    <header className="wr-topbar">
      <a
        href="/"
        className="wr-topbar__brand"
        onClick={(event) => {
          event.preventDefault()
          navigate('/')
        }}
      >
        <span className="wr-auth__logo" aria-hidden>
          作
        </span>
        <span>
          <strong>{t('app.name')}</strong> <small>{t('app.tagline')}</small>
        </span>
      </a>
      <nav className="wr-topbar__nav">
        {user.role === 'admin' && (
          <a
            href="/users"
            onClick={(event) => {
              event.preventDefault()
              navigate('/users')
            }}
          >
            {t('portfolio.users')}
          </a>
        )}
        {user.role === 'admin' && (
          <a
            href="/audit"
            onClick={(event) => {
              event.preventDefault()
              navigate('/audit')
            }}
          >
            {t('audit.link')}
          </a>
        )}
        <a
          href="/me"
          className="wr-topbar__user"
          data-testid="current-user"
          onClick={(event) => {
            event.preventDefault()
            navigate('/me')
          }}
        >
          {user.name} · {t(user.role === 'admin' ? 'auth.role.admin' : 'auth.role.member')}
        </a>
        <LanguageSwitch />
        <button
          type="button"
          className="wr-button wr-button--quiet"
          onClick={() => void signOut().then(() => navigate('/'))}
        >
          {t('auth.signOut')}
        </button>
      </nav>
    </header>
  )
}

function CreateAccountForm({ defaultOwner, onCreated }: { defaultOwner: string; onCreated: () => Promise<void> }) {
  const t = useT()
  const { lang } = useLang()
  const [name, setName] = useState('')
  const [tier, setTier] = useState<AccountTier | ''>('strategic')
  const [owner, setOwner] = useState(defaultOwner)
  const [id, setId] = useState('')
  // Kept as a key, so that switching the language translates it too.
  const [message, setMessage] = useState<{ ok: boolean; key: MessageKey; params: Params } | null>(null)
  const [busy, setBusy] = useState(false)
  const idInvalid = id !== '' && !isValidAccountId(id)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (idInvalid) return
    setBusy(true)
    try {
      const created = await call(
        accountsApi.api.accounts.$post({ json: { name, tier, owner, ...(id ? { id } : {}) } }),
        '/api/accounts',
      )
      setMessage({ ok: true, key: 'portfolio.create.created', params: { name: created.name } })
      setName('')
      setId('')
      await onCreated()
    } catch (e) {
      setMessage({ ok: false, key: 'auth.error', params: { message: errorText(e) } })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="wr-card wr-create" onSubmit={submit} data-testid="create-account">
      <h2>{t('portfolio.create.title')}</h2>
      <div className="wr-create__grid">
        <div className="wr-field">
          <label htmlFor="account-name">{t('portfolio.create.name')}</label>
          <input
            id="account-name"
            value={name}
            required
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            placeholder="某省能源集团"
          />
        </div>
        <div className="wr-field">
          <label htmlFor="account-tier">{t('portfolio.create.tier')}</label>
          <select id="account-tier" value={tier} onChange={(e) => setTier(e.target.value as AccountTier | '')}>
            {ACCOUNT_TIERS.map((value) => (
              <option key={value} value={value}>
                {TIER_LABELS[value][lang]}
              </option>
            ))}
            <option value="">{t('portfolio.filter.noTier')}</option>
          </select>
        </div>
        <div className="wr-field">
          <label htmlFor="account-owner">{t('portfolio.create.owner')}</label>
          <input id="account-owner" value={owner} maxLength={100} onChange={(e) => setOwner(e.target.value)} />
        </div>
        <div className="wr-field">
          <label htmlFor="account-id">{t('portfolio.create.id')}</label>
          <input
            id="account-id"
            value={id}
            spellCheck={false}
            aria-invalid={idInvalid}
            onChange={(e) => setId(e.target.value.trim())}
            placeholder="acme-bank"
          />
          <small className={idInvalid ? 'wr-error' : 'wr-hint'}>{t('portfolio.create.idHint')}</small>
        </div>
      </div>
      <div className="wr-row">
        <button type="submit" className="wr-button" disabled={busy || !name.trim() || idInvalid}>
          {t('portfolio.create.submit')}
        </button>
        {message && (
          <span className={message.ok ? 'wr-ok' : 'wr-error'} role="status">
            {t(message.key, message.params)}
          </span>
        )}
      </div>
    </form>
  )
}
