/**
 * The UI language as a tldraw signal, for code that runs outside our React tree: shape
 * components rendered into tldraw's export root (which has none of our providers), shape utils'
 * `toSvg`, the editor API. The LanguageProvider keeps it in step; React code keeps using useLang().
 */
import { atom, useValue } from 'tldraw'
import { initialLang, type Lang } from './lang'

export const langSignal = atom<Lang>('war-room language', initialLang())

/** The language from the signal: works with or without a <LanguageProvider> above. */
export function useLangSignal(): Lang {
  return useValue(langSignal)
}
