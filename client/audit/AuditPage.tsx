/** `/audit` (administrators): the audit log, newest first, filterable by action, paged. */
import type { InferResponseType } from 'hono/client'
import { useCallback, useEffect, useState } from 'react'
import { ApiError, auditApi, call } from '../auth/api'
import { useCurrentUser } from '../auth/session'
import { type MessageKey, useLang, useT } from '../i18n'
import { PortfolioHeader } from '../portfolio/PortfolioPage'
import { navigate } from '../router'
import '../portfolio/portfolio.css'

/** One entry as `GET /api/audit` returns it (docs/api.md "Audit log"; server/audit/AuditLog.ts). */
export type AuditEntry = InferResponseType<typeof auditApi.api.audit.$get, 200>['entries'][number]

const ACTIONS = [
  'setup',
  'auth.login',
  'auth.login.failed',
  'auth.login.throttled',
  'auth.logout',
  'user.create',
  'user.update',
  'account.create',
  'account.archive',
  'account.unarchive',
  'account.delete',
  'member.set',
  'member.remove',
  'review.take',
  'review.delete',
  'admin.reset',
] as const

const PAGE = 100

type Translate = ReturnType<typeof useT>

/** Detail fields the server writes (docs/api.md "Audit log"), shown under their translated name. */
const DETAIL_KEYS = new Set([
  'reason',
  'role',
  'disabled',
  'name',
  'department',
  'passwordReset',
  'created',
  'title',
  'limit',
  'retryAfterSeconds',
  'added',
  'updated',
  'unchanged',
  'rejected',
])

/** Fixed values of `reason`, `limit` and `role` (the server writes them as English codes). */
const VALUES: Record<string, MessageKey> = {
  'unknown email': 'audit.value.unknownEmail',
  'wrong password': 'audit.value.wrongPassword',
  'user disabled': 'audit.value.userDisabled',
  'email and address': 'audit.value.emailAndAddress',
  address: 'audit.value.address',
  admin: 'audit.value.admin',
  member: 'audit.value.member',
  owner: 'role.owner',
  editor: 'role.editor',
  viewer: 'role.viewer',
}
const CODED = new Set(['reason', 'limit', 'role'])

function formatValue(t: Translate, key: string, value: unknown): string {
  if (value && typeof value === 'object' && 'from' in value && 'to' in value) {
    const { from, to } = value as { from: unknown; to: unknown }
    const side = (v: unknown) => (v === null || v === undefined ? '–' : formatValue(t, key, v))
    return `${side(from)} → ${side(to)}`
  }
  if (typeof value === 'boolean') return t(value ? 'audit.value.yes' : 'audit.value.no')
  if (typeof value === 'string') return CODED.has(key) && VALUES[value] ? t(VALUES[value]) : value
  return typeof value === 'number' ? String(value) : JSON.stringify(value)
}

const formatDetail = (t: Translate, detail: AuditEntry['detail']) =>
  Object.entries(detail ?? {})
    .map(
      ([key, value]) =>
        `${DETAIL_KEYS.has(key) ? t(`audit.detail.${key}` as MessageKey) : key}: ${formatValue(t, key, value)}`,
    )
    .join('; ')

const formatTarget = (target: AuditEntry['target']) =>
  [target?.email, target?.accountId && `#${target.accountId}`].filter(Boolean).join(' ')

export function AuditPage() {
  const t = useT()
  const { lang } = useLang()
  const { user: me } = useCurrentUser()
  const [entries, setEntries] = useState<AuditEntry[] | null>(null)
  const [more, setMore] = useState(false)
  const [action, setAction] = useState('')
  const [error, setError] = useState<string | null>(null)

  const load = useCallback(
    async (before?: number) => {
      const query = {
        limit: String(PAGE),
        ...(before === undefined ? {} : { before: String(before) }),
        ...(action ? { action } : {}),
      }
      try {
        const page = await call(auditApi.api.audit.$get({ query }), '/api/audit')
        setEntries((previous) => (before === undefined ? page.entries : [...(previous ?? []), ...page.entries]))
        setMore(page.more)
        setError(null)
      } catch (e) {
        setError(e instanceof ApiError && e.status === 403 ? t('audit.forbidden') : (e as Error).message)
      }
    },
    [action, t],
  )

  useEffect(() => {
    setEntries(null)
    void load()
  }, [load])

  if (me.role !== 'admin') {
    navigate('/')
    return null
  }

  const time = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' })
  const actionLabel = (name: string) =>
    (ACTIONS as readonly string[]).includes(name) ? t(`audit.action.${name}` as MessageKey) : name

  return (
    <main className="wr-portfolio">
      <PortfolioHeader />
      <div className="wr-portfolio__title">
        <h1>{t('audit.title')}</h1>
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          ← {t('audit.back')}
        </a>
      </div>
      <p>{t('audit.intro')}</p>
      <label>
        {t('audit.filter')}{' '}
        <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-filter">
          <option value="">{t('audit.filter.all')}</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {actionLabel(a)}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="wr-error" role="alert">
          {error}
        </p>
      )}
      {entries === null && !error && <p>{t('audit.loading')}</p>}
      {entries && entries.length === 0 && <p>{t('audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <div className="wr-table-wrap">
          <table className="wr-table" data-testid="audit">
            <thead>
              <tr>
                <th>{t('audit.col.time')}</th>
                <th>{t('audit.col.who')}</th>
                <th>{t('audit.col.action')}</th>
                <th>{t('audit.col.target')}</th>
                <th>{t('audit.col.detail')}</th>
                <th>{t('audit.col.address')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-action={e.action}>
                  <td>
                    <time dateTime={e.at}>{time.format(new Date(e.at))}</time>
                  </td>
                  <td>
                    {e.actor?.email ?? (e.action === 'admin.reset' ? t('audit.commandLine') : t('audit.anonymous'))}
                  </td>
                  <td className={e.action.startsWith('auth.login.') ? 'wr-error' : undefined}>
                    {actionLabel(e.action)}
                  </td>
                  <td>{formatTarget(e.target)}</td>
                  <td>{formatDetail(t, e.detail)}</td>
                  <td>{e.address}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && entries && (
        <button type="button" className="wr-button" onClick={() => void load(entries.at(-1)!.seq)}>
          {t('audit.more')}
        </button>
      )}
    </main>
  )
}
