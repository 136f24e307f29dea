import { useLang, useT } from './i18n'

/** One button that flips between Chinese and English; the choice is remembered. */
export function LanguageSwitch({ className }: { className?: string }) {
  const { lang, setLang } = useLang()
  const t = useT()
  return (
    <button
      type="button"
      className={className ?? 'wr-button wr-button--quiet'}
      title={t('lang.switchTitle')}
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('lang.switch')}
    </button>
  )
}
