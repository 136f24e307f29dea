/**
 * The client's side of the one translation catalogue (shared/i18n, i18next): the browser's
 * areas (./messages) join the shared ones, a language context, and `useT()` returning a typed
 * `t(key, params)`. `{ count }` picks the plural form ("1 account", "2 accounts").
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react'
import { addMessages, type Params, type SharedMessageKey, translateKey } from '../../shared/i18n'
import { type Lang, saveLang } from './lang'
import { langSignal } from './langSignal'
import { messages } from './messages'

export { LANGS, type Lang, TLDRAW_LOCALE } from './lang'
export { langSignal, useLangSignal } from './langSignal'

addMessages(messages)

/** Every key `t()` accepts: the browser's areas and the shared ones. */
export type MessageKey = keyof (typeof messages)['zh'] | SharedMessageKey

export type Translate = (key: MessageKey, params?: Params) => string

/** Looks a key up in one language, filling `{name}` placeholders from params. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return translateKey(lang, key, params)
}

interface LangContextValue {
  lang: Lang
  setLang: (lang: Lang) => void
}

const LangContext = createContext<LangContextValue | null>(null)

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => langSignal.get())
  const setLang = useCallback((next: Lang) => {
    saveLang(next)
    // The signal is what shapes and exports read (they may render outside this provider).
    langSignal.set(next)
    setLangState(next)
  }, [])
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang])
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>
}

export function useLang(): LangContextValue {
  const value = useContext(LangContext)
  if (!value) throw new Error('useLang() needs a <LanguageProvider> above it')
  return value
}

export function useT(): Translate {
  const { lang } = useLang()
  return useCallback<Translate>((key, params) => translate(lang, key, params), [lang])
}
