/** `/me`: one's own display name and department (the department colours one's cursor in live sessions). */
import { type FormEvent, useState } from 'react'
import { DEPARTMENTS, type Department, departmentColor } from '../../shared/live/people'
import { DEPARTMENT_LABELS } from '../../shared/shapes/labels'
import { call, errorText, profileApi } from '../auth/api'
import { checkPersonFields } from '../auth/checkForm'
import { useCurrentUser, useSession } from '../auth/session'
import { useLang, useT } from '../i18n'
import { PortfolioHeader } from '../portfolio/PortfolioPage'
import '../portfolio/portfolio.css'
import './live.css'

export function ProfilePage() {
  const t = useT()
  const { lang } = useLang()
  const { user } = useCurrentUser()
  const { refresh } = useSession()
  const [name, setName] = useState(user.name)
  const [department, setDepartment] = useState<Department | ''>(user.department ?? '')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  const save = async (event: FormEvent) => {
    event.preventDefault()
    const problems = checkPersonFields({ name })
    if (problems) {
      setMessage({ ok: false, text: t('form.invalid', { problems }) })
      return
    }
    try {
      await call(profileApi.api.me.$patch({ json: { name, department: department || null } }), '/api/me')
      await refresh()
      setMessage({ ok: true, text: t('live.profile.saved') })
    } catch (e) {
      setMessage({ ok: false, text: t('auth.error', { message: errorText(e) }) })
    }
  }

  return (
    <main className="wr-portfolio">
      <PortfolioHeader />
      <form className="wr-card wr-profile" onSubmit={(e) => void save(e)} data-testid="profile-form">
        <h1>{t('live.profile.title')}</h1>
        <label className="wr-live-field">
          <span>{t('live.profile.name')}</span>
          <input
            value={name}
            maxLength={100}
            required
            data-testid="profile-name"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <fieldset className="wr-live-field">
          <legend>{t('live.profile.department')}</legend>
          <div className="wr-profile__departments">
            {(['', ...DEPARTMENTS] as const).map((d) => (
              <label key={d || 'none'} className={`wr-profile__dept${department === d ? ' wr-profile__dept--on' : ''}`}>
                <input
                  type="radio"
                  name="department"
                  value={d}
                  checked={department === d}
                  data-testid={`profile-department-${d || 'none'}`}
                  onChange={() => setDepartment(d)}
                />
                <span className="wr-dept-dot" style={{ background: departmentColor(d || null) }} />
                {d ? DEPARTMENT_LABELS[d][lang] : t('live.people.noDepartment')}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="wr-hint">{t('live.profile.hint')}</p>
        {message && (
          <p className={message.ok ? 'wr-ok' : 'wr-error'} role="status">
            {message.text}
          </p>
        )}
        <div className="wr-row">
          <button type="submit" className="wr-button" data-testid="profile-save">
            {t('live.profile.save')}
          </button>
          <button type="button" className="wr-button wr-button--quiet" onClick={() => history.back()}>
            {t('live.profile.back')}
          </button>
        </div>
      </form>
    </main>
  )
}
