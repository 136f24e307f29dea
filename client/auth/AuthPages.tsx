/** First-run set-up of the administrator, and sign-in. Both start a session and reload it. */
import { type FormEvent, type ReactNode, useState } from 'react'
import type { Params } from '../../shared/i18n'
import { type MessageKey, useT } from '../i18n'
import { LanguageSwitch } from '../LanguageSwitch'
import { ApiError, authApi, call, errorText } from './api'
import { checkPersonFields } from './checkForm'
import { useSession } from './session'
import './auth.css'

/** A message kept as a key, so that switching the language translates it too. */
type Message = { key: MessageKey; params?: Params } | null

function AuthLayout({ title, intro, children }: { title: string; intro?: string; children: ReactNode }) {
  const t = useT()
  return (
    <main className="wr-auth">
      <header className="wr-auth__brand">
        <span className="wr-auth__logo" aria-hidden>
          作
        </span>
        <div>
          <strong>{t('app.name')}</strong>
          <small>{t('app.tagline')}</small>
        </div>
        <LanguageSwitch />
      </header>
      <section className="wr-card wr-auth__card">
        <h1>{title}</h1>
        {intro && <p className="wr-hint">{intro}</p>}
        {children}
      </section>
    </main>
  )
}

type PersonField = 'email' | 'name' | 'password'

const INPUT_TYPES: Record<PersonField, string> = { email: 'email', name: 'text', password: 'password' }

/**
 * A form's person fields, each labelled in the reader's language, with its browser autofill hint
 * (and a hint line where given): `values` for sending, `inputs` to render, in the order given.
 */
function usePersonFields<F extends PersonField>(fields: Record<F, { autoComplete: string; hint?: MessageKey }>) {
  const t = useT()
  const names = Object.keys(fields) as F[]
  const [values, setValues] = useState(() => Object.fromEntries(names.map((n) => [n, ''])) as Record<F, string>)
  const inputs = names.map((id) => {
    const { autoComplete, hint } = fields[id]
    return (
      <div className="wr-field" key={id}>
        <label htmlFor={id}>{t(`auth.${id}`)}</label>
        <input
          id={id}
          name={id}
          type={INPUT_TYPES[id]}
          value={values[id]}
          autoComplete={autoComplete}
          required
          onChange={(event) => {
            const value = event.target.value
            setValues((current) => ({ ...current, [id]: value }))
          }}
        />
        {hint && <small className="wr-hint">{t(hint)}</small>}
      </div>
    )
  })
  return { values, inputs }
}

/**
 * The one submit pattern of both forms: check in the browser first, send, reload the session;
 * a refusal becomes the form's message (`explain`), and the button says it is working meanwhile.
 */
function useAuthSubmit(options: {
  check?: () => Message
  send: () => Promise<unknown>
  explain: (error: unknown) => Message
  onRefused?: (error: unknown) => Promise<void>
}) {
  const { refresh } = useSession()
  const [error, setError] = useState<Message>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    // What the server would refuse is said before sending, in the reader's language.
    const problem = options.check?.() ?? null
    setError(problem)
    if (problem) return
    setBusy(true)
    try {
      await options.send()
      await refresh()
    } catch (e) {
      setError(options.explain(e))
      await options.onRefused?.(e)
    } finally {
      setBusy(false)
    }
  }
  return { submit, error, busy }
}

function FormEnd({ error, busy, label }: { error: Message; busy: boolean; label: string }) {
  const t = useT()
  return (
    <>
      {error && (
        <p className="wr-error" role="alert">
          {t(error.key, error.params)}
        </p>
      )}
      <button type="submit" className="wr-button wr-auth__submit" disabled={busy}>
        {busy ? t('auth.working') : label}
      </button>
    </>
  )
}

export function SetupPage() {
  const t = useT()
  const { refresh } = useSession()
  const { values, inputs } = usePersonFields({
    email: { autoComplete: 'email' },
    name: { autoComplete: 'name' },
    password: { autoComplete: 'new-password', hint: 'auth.passwordHint' },
  })
  const { submit, error, busy } = useAuthSubmit({
    check: () => {
      const problems = checkPersonFields(values)
      return problems ? { key: 'form.invalid', params: { problems } } : null
    },
    send: () => call(authApi.api.setup.$post({ json: values }), '/api/setup'),
    explain: (e) => ({ key: 'auth.error', params: { message: errorText(e) } }),
    // Someone else finished set-up meanwhile: show sign-in.
    onRefused: async (e) => {
      if (e instanceof ApiError && e.status === 409) await refresh()
    },
  })

  return (
    <AuthLayout title={t('auth.setup.title')} intro={t('auth.setup.intro')}>
      <form onSubmit={submit} data-testid="setup-form">
        {inputs}
        <FormEnd error={error} busy={busy} label={t('auth.setup.submit')} />
      </form>
    </AuthLayout>
  )
}

export function LoginPage() {
  const t = useT()
  const { values, inputs } = usePersonFields({
    email: { autoComplete: 'username' },
    password: { autoComplete: 'current-password' },
  })
  const { submit, error, busy } = useAuthSubmit({
    send: () => call(authApi.api.login.$post({ json: values }), '/api/login'),
    explain: (e) => {
      const status = e instanceof ApiError ? e.status : 0
      if (status === 401) return { key: 'auth.login.wrong' }
      if (status === 429) return { key: 'auth.login.tooMany' }
      return { key: 'auth.error', params: { message: errorText(e) } }
    },
  })

  return (
    <AuthLayout title={t('auth.login.title')}>
      <form onSubmit={submit} data-testid="login-form">
        {inputs}
        <FormEnd error={error} busy={busy} label={t('auth.login.submit')} />
        <p className="wr-hint">{t('auth.login.help')}</p>
      </form>
    </AuthLayout>
  )
}

/** While the session loads, or when it cannot be read. */
export function SessionNotice({ error }: { error?: Error }) {
  const t = useT()
  return (
    <main className="wr-notice">
      <div className="wr-card">
        <p role={error ? 'alert' : 'status'}>
          {error ? t('auth.error', { message: error.message }) : t('auth.loading')}
        </p>
      </div>
    </main>
  )
}
