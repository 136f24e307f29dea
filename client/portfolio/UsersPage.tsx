/** `/users` (administrators): create users, disable or enable them, reset passwords, change roles. */

import type { InferRequestType } from 'hono/client'
import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { call, errorText, type User, usersApi } from '../auth/api'
import { checkPersonFields } from '../auth/checkForm'
import { useCurrentUser } from '../auth/session'
import { useT } from '../i18n'
import { navigate } from '../router'
import { PortfolioHeader } from './PortfolioPage'
import './portfolio.css'

/** What `PATCH /api/users/:id` takes (server/http/users.ts). */
type UserChange = InferRequestType<(typeof usersApi.api.users)[':id']['$patch']>['json']

/** A role picked in a `<select>` whose options are the two roles. */
const roleOf = (value: string): User['role'] => (value === 'admin' ? 'admin' : 'member')

export function UsersPage() {
  const t = useT()
  const { user: me } = useCurrentUser()
  const [users, setUsers] = useState<User[]>([])
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const [form, setForm] = useState({ email: '', name: '', password: '', role: 'member' as User['role'] })

  const report = useCallback((ok: boolean, text: string) => setMessage({ ok, text }), [])
  const load = useCallback(async () => {
    setUsers((await call(usersApi.api.users.$get(), '/api/users')).users)
  }, [])

  useEffect(() => {
    load().catch((e: Error) => report(false, t('auth.error', { message: errorText(e) })))
  }, [load, report, t])

  if (me.role !== 'admin') {
    navigate('/')
    return null
  }

  const change = async (user: User, body: UserChange) => {
    try {
      await call(usersApi.api.users[':id'].$patch({ param: { id: user.id }, json: body }), `/api/users/${user.id}`)
      report(true, t('users.saved'))
      await load()
    } catch (e) {
      report(false, t('auth.error', { message: errorText(e) }))
    }
  }

  const create = async (event: FormEvent) => {
    event.preventDefault()
    const problems = checkPersonFields({ email: form.email, name: form.name, password: form.password })
    if (problems) {
      report(false, t('form.invalid', { problems }))
      return
    }
    try {
      await call(usersApi.api.users.$post({ json: form }), '/api/users')
      report(true, t('users.created', { email: form.email }))
      setForm({ email: '', name: '', password: '', role: 'member' })
      await load()
    } catch (e) {
      report(false, t('auth.error', { message: errorText(e) }))
    }
  }

  return (
    <main className="wr-portfolio">
      <PortfolioHeader />
      <div className="wr-portfolio__title">
        <h1>{t('users.title')}</h1>
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          ← {t('users.back')}
        </a>
      </div>
      {message && (
        <p className={message.ok ? 'wr-ok' : 'wr-error'} role="status">
          {message.text}
        </p>
      )}
      <div className="wr-table-wrap">
        <table className="wr-table" data-testid="users">
          <thead>
            <tr>
              <th>{t('auth.name')}</th>
              <th>{t('auth.email')}</th>
              <th>{t('users.role')}</th>
              <th>{t('users.status')}</th>
              <th aria-hidden />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className={u.disabled ? 'wr-row--archived' : undefined}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  <select
                    value={u.role}
                    onChange={(e) => void change(u, { role: roleOf(e.target.value) })}
                    aria-label={`${u.email} ${t('users.role')}`}
                  >
                    <option value="member">{t('auth.role.member')}</option>
                    <option value="admin">{t('auth.role.admin')}</option>
                  </select>
                </td>
                <td>{t(u.disabled ? 'users.disabled' : 'users.active')}</td>
                <td className="wr-table__actions">
                  {u.id !== me.id && (
                    <button
                      type="button"
                      className="wr-button wr-button--quiet"
                      onClick={() => void change(u, { disabled: !u.disabled })}
                    >
                      {t(u.disabled ? 'users.enable' : 'users.disable')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="wr-button wr-button--quiet"
                    onClick={() => {
                      const password = window.prompt(t('users.newPassword'))
                      if (password) void change(u, { password })
                    }}
                  >
                    {t('users.resetPassword')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="wr-card wr-create" onSubmit={create} data-testid="create-user">
        <h2>{t('users.create')}</h2>
        <div className="wr-create__grid">
          {(['email', 'name', 'password'] as const).map((field) => (
            <div className="wr-field" key={field}>
              <label htmlFor={`user-${field}`}>{t(`auth.${field}`)}</label>
              <input
                id={`user-${field}`}
                type={field === 'email' ? 'email' : field === 'password' ? 'password' : 'text'}
                autoComplete={field === 'password' ? 'new-password' : 'off'}
                required
                minLength={field === 'password' ? 8 : undefined}
                value={form[field]}
                onChange={(e) => setForm({ ...form, [field]: e.target.value })}
              />
            </div>
          ))}
          <div className="wr-field">
            <label htmlFor="user-role">{t('users.role')}</label>
            <select
              id="user-role"
              value={form.role}
              onChange={(e) => setForm({ ...form, role: roleOf(e.target.value) })}
            >
              <option value="member">{t('auth.role.member')}</option>
              <option value="admin">{t('auth.role.admin')}</option>
            </select>
          </div>
        </div>
        <button type="submit" className="wr-button">
          {t('users.create')}
        </button>
      </form>
    </main>
  )
}
