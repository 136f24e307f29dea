/** An account's members and their roles; owners (and administrators) add, change and remove them. */
import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { type AccountSummary, accountsApi, call, errorText, type Member, type MemberRole } from '../auth/api'
import { ClosablePanel } from '../ClosablePanel'
import { useT } from '../i18n'

const ROLES: MemberRole[] = ['owner', 'editor', 'viewer']

/** The typed member routes (hono/client over server/http/accounts.ts). */
const members$ = () => accountsApi.api.accounts[':id'].members

export function MembersPanel({ account, onClose }: { account: AccountSummary; onClose: () => void }) {
  const t = useT()
  const [members, setMembers] = useState<Member[]>([])
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<MemberRole>('editor')
  const [error, setError] = useState('')

  const membersPath = `/api/accounts/${account.id}/members`

  const run = useCallback(
    async (request: Promise<{ members: Member[] }>) => {
      try {
        setMembers((await request).members)
        setError('')
      } catch (e) {
        setError(t('auth.error', { message: errorText(e) }))
      }
    },
    [t],
  )

  useEffect(() => {
    void run(call(members$().$get({ param: { id: account.id } }), `/api/accounts/${account.id}/members`))
  }, [account.id, run])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    await run(call(members$().$put({ param: { id: account.id }, json: { email, role } }), membersPath))
    setEmail('')
  }

  return (
    <ClosablePanel
      className="wr-card wr-members"
      headClassName="wr-members__head"
      label={t('members.title', { name: account.name })}
      title={<h2>{t('members.title', { name: account.name })}</h2>}
      closeText={t('members.close')}
      onClose={onClose}
      testId="members"
    >
      <p className="wr-hint">{t('members.hint')}</p>
      <ul className="wr-members__list">
        {members.map((m) => (
          <li key={m.userId}>
            <span>
              {m.name} <small className="wr-hint">{m.email}</small>
              {m.disabled && <span className="wr-tag">{t('users.disabled')}</span>}
            </span>
            <select
              value={m.role}
              aria-label={`${m.email} ${t('users.role')}`}
              onChange={(e) =>
                void run(
                  call(
                    members$().$put({
                      param: { id: account.id },
                      json: { email: m.email, role: e.target.value as MemberRole },
                    }),
                    membersPath,
                  ),
                )
              }
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="wr-button wr-button--quiet wr-button--danger"
              onClick={() =>
                void run(call(members$().$delete({ param: { id: account.id }, json: { email: m.email } }), membersPath))
              }
            >
              {t('members.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form className="wr-row" onSubmit={submit}>
        <input
          type="email"
          required
          placeholder={t('auth.email')}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-label={t('auth.email')}
        />
        <select value={role} onChange={(e) => setRole(e.target.value as MemberRole)} aria-label={t('users.role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="wr-button">
          {t('members.add')}
        </button>
      </form>
      {error && (
        <p className="wr-error" role="alert">
          {error}
        </p>
      )}
    </ClosablePanel>
  )
}
