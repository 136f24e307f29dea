import { isLang, type Lang } from '../../shared/i18n/lang'

/** UI languages: Chinese first, English second (shared/i18n/lang.ts). */
export { isLang, LANGS, type Lang } from '../../shared/i18n/lang'

const STORAGE_KEY = 'war-room.lang'

/** The saved choice if there is one, else the browser's language; anything not English reads Chinese. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (isLang(saved)) return saved
  } catch {
    // Storage can be unavailable (privacy modes); fall back to the browser's language.
  }
  const nav = typeof navigator === 'undefined' ? '' : navigator.language.toLowerCase()
  return nav.startsWith('en') ? 'en' : 'zh'
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    // Not persisting is acceptable: the switch still works for this page.
  }
}

/** tldraw's translation id for each of our languages (see @tldraw/assets/translations). */
export const TLDRAW_LOCALE: Record<Lang, string> = { zh: 'zh-cn', en: 'en' }
