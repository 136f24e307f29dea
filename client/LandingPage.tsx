import { useState, type FormEvent } from 'react'
import { isValidAccountId } from '../shared/protocol'
import { useT } from './i18n'
import { LanguageSwitch } from './LanguageSwitch'
import { navigate } from './router'

/** `/`: open an account's war room by id. */
export function LandingPage() {
  const t = useT()
  const [accountId, setAccountId] = useState('')
  const [touched, setTouched] = useState(false)
  const valid = isValidAccountId(accountId)

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (valid) navigate(`/a/${accountId}`)
  }

  return (
    <main className="wr-landing">
      <header className="wr-landing__header">
        <h1>
          {t('app.name')} <small>{t('app.tagline')}</small>
        </h1>
        <LanguageSwitch />
      </header>
      <form className="wr-card" onSubmit={onSubmit} noValidate>
        <h2>{t('landing.openTitle')}</h2>
        <label htmlFor="account-id">{t('landing.accountIdLabel')}</label>
        <div className="wr-row">
          <input
            id="account-id"
            name="accountId"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('landing.accountIdPlaceholder')}
            value={accountId}
            aria-invalid={touched && !valid}
            aria-describedby="account-id-hint"
            onChange={(event) => setAccountId(event.target.value.trim())}
          />
          <button type="submit" className="wr-button">
            {t('landing.open')}
          </button>
        </div>
        <p id="account-id-hint" className={touched && !valid ? 'wr-error' : 'wr-hint'}>
          {touched && !valid ? t('landing.accountIdInvalid') + ' ' : ''}
          {t('landing.accountIdHint')}
        </p>
      </form>
    </main>
  )
}
