/**
 * A few routes do not need a router library: the History API, a `popstate`
 * listener, and a match function.
 */
import { useEffect, useState } from 'react'

const NAVIGATE_EVENT = 'war-room:navigate'

export function navigate(path: string): void {
  if (path === location.pathname) return
  history.pushState(null, '', path)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
}

export function usePathname(): string {
  const [pathname, setPathname] = useState(() => location.pathname)
  useEffect(() => {
    const update = () => setPathname(location.pathname)
    window.addEventListener('popstate', update)
    window.addEventListener(NAVIGATE_EVENT, update)
    return () => {
      window.removeEventListener('popstate', update)
      window.removeEventListener(NAVIGATE_EVENT, update)
    }
  }, [])
  return pathname
}

export type Route =
  | { name: 'portfolio' }
  | { name: 'users' }
  | { name: 'audit' }
  | { name: 'profile' }
  | { name: 'room'; accountId: string }
  | { name: 'review'; accountId: string; reviewId: string }
  | { name: 'meeting' }
  | { name: 'not-found' }

/** `accountId` is returned as written; the room page validates it. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'portfolio' }
  if (pathname === '/users' || pathname === '/users/') return { name: 'users' }
  if (pathname === '/meeting' || pathname === '/meeting/') return { name: 'meeting' }
  const review = /^\/a\/([^/]+)\/reviews\/([^/]+)\/?$/.exec(pathname)
  if (review) return { name: 'review', accountId: safeDecode(review[1]), reviewId: safeDecode(review[2]) }
  if (pathname === '/audit' || pathname === '/audit/') return { name: 'audit' }
  if (pathname === '/me' || pathname === '/me/') return { name: 'profile' }
  const room = /^\/a\/([^/]+)\/?$/.exec(pathname)
  if (room) {
    let accountId: string
    try {
      accountId = decodeURIComponent(room[1])
    } catch {
      accountId = room[1]
    }
    return { name: 'room', accountId }
  }
  return { name: 'not-found' }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
