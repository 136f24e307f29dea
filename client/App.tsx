import { useEffect } from 'react'
import { LanguageProvider, useLang, useT } from './i18n'
import { LandingPage } from './LandingPage'
import { RoomPage } from './room/RoomPage'
import { matchRoute, navigate, usePathname } from './router'

export function App() {
  return (
    <LanguageProvider>
      <Routes />
    </LanguageProvider>
  )
}

function Routes() {
  const route = matchRoute(usePathname())
  const { lang } = useLang()
  const t = useT()

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  }, [lang])

  useEffect(() => {
    document.title = route.name === 'room' ? `${route.accountId} · ${t('app.name')}` : t('app.name')
  }, [route, t])

  switch (route.name) {
    case 'landing':
      return <LandingPage />
    case 'room':
      // Keyed so that moving to another account builds a fresh room, never reusing a store.
      return <RoomPage key={route.accountId} accountId={route.accountId} />
    case 'not-found':
      navigate('/')
      return null
  }
}
