import { useEffect } from 'react'
import { AuditPage } from './audit/AuditPage'
import { LoginPage, SessionNotice, SetupPage } from './auth/AuthPages'
import { SessionProvider, useSession } from './auth/session'
import { LanguageProvider, useLang, useT } from './i18n'
import { ProfilePage } from './live/ProfilePage'
import { PortfolioPage } from './portfolio/PortfolioPage'
import { UsersPage } from './portfolio/UsersPage'
import { FrozenMapPage } from './review/FrozenMapPage'
import { MeetingPage } from './review/MeetingPage'
import { RoomPage } from './room/RoomPage'
import { matchRoute, navigate, usePathname } from './router'

export function App() {
  return (
    <LanguageProvider>
      <SessionProvider>
        <Routes />
      </SessionProvider>
    </LanguageProvider>
  )
}

function Routes() {
  const route = matchRoute(usePathname())
  const { lang } = useLang()
  const t = useT()
  const { session } = useSession()

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  }, [lang])

  useEffect(() => {
    document.title = route.name === 'room' ? `${route.accountId} · ${t('app.name')}` : t('app.name')
  }, [route, t])

  // Every page needs a signed-in user; the address stays as it is, so signing in continues there.
  switch (session.status) {
    case 'loading':
      return <SessionNotice />
    case 'error':
      return <SessionNotice error={session.error} />
    case 'setup':
      return <SetupPage />
    case 'signed-out':
      return <LoginPage />
  }

  switch (route.name) {
    case 'portfolio':
      return <PortfolioPage />
    case 'users':
      return <UsersPage />
    case 'review':
      return (
        <FrozenMapPage
          key={`${route.accountId}/${route.reviewId}`}
          accountId={route.accountId}
          reviewId={route.reviewId}
        />
      )
    case 'meeting':
      return <MeetingPage />
    case 'audit':
      return <AuditPage />
    case 'profile':
      return <ProfilePage />
    case 'room':
      // Keyed so that moving to another account builds a fresh room, never reusing a store.
      return <RoomPage key={route.accountId} accountId={route.accountId} />
    case 'not-found':
      navigate('/')
      return null
  }
}
