/**
 * A deliberately tiny i18n layer: string tables per area (./messages), a
 * language context, and `useT()` returning a typed `t(key, params)`.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react'
import { initialLang, type Lang, saveLang } from './lang'
import { type MessageKey, messages } from './messages'

export { LANGS, type Lang, TLDRAW_LOCALE } from './lang'
export type { MessageKey } from './messages'

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** Looks a key up in one language, filling `{name}` placeholders from params. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text: string = messages[lang][key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

interface LangContextValue {
  lang: Lang
  setLang: (lang: Lang) => void
}

const LangContext = createContext<LangContextValue | null>(null)

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang)
  const setLang = useCallback((next: Lang) => {
    saveLang(next)
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
