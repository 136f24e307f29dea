/**
 * The people chip in the room bar and its panel: everyone connected, once per person (name,
 * department, role, viewer or editor, active or idle, page), whom you follow highlighted; go to a
 * person or follow them, or copy a link that opens the map following them.
 */
import { useEffect, useRef, useState } from 'react'
import { useValue } from 'tldraw'
import { DEPARTMENT_LABELS } from '../../shared/shapes/labels'
import { useLang, useT } from '../i18n'
import { navigate } from '../router'
import { useLive } from './LiveContext'
import type { Person } from './people'

/** At most this many avatars in the chip; the count says the rest. */
const CHIP_AVATARS = 5

export function Avatar({ person, size = 24 }: { person: Pick<Person, 'name' | 'color' | 'active'>; size?: number }) {
  return (
    <span
      className={`wr-avatar${person.active ? '' : ' wr-avatar--idle'}`}
      style={{ background: person.color, width: size, height: size, fontSize: size * 0.5 }}
      aria-hidden="true"
    >
      {[...person.name][0] ?? '?'}
    </span>
  )
}

export function PeopleChip() {
  const t = useT()
  const live = useLive()
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false)
    }
    window.addEventListener('pointerdown', onDown, true)
    return () => window.removeEventListener('pointerdown', onDown, true)
  }, [open])
  return (
    <div className="wr-live-pop" ref={ref}>
      <button
        type="button"
        className="wr-people-chip"
        data-testid="people-chip"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        title={t('live.people.title')}
      >
        <span className="wr-people-chip__avatars">
          {live.people.slice(0, CHIP_AVATARS).map((p) => (
            <Avatar key={p.id} person={p} size={22} />
          ))}
        </span>
        {t('live.people.button', { count: live.people.length })}
      </button>
      {open && <PeoplePanel onDone={() => setOpen(false)} />}
    </div>
  )
}

function PeoplePanel({ onDone }: { onDone: () => void }) {
  const t = useT()
  const { lang } = useLang()
  const live = useLive()
  const { editor } = live
  const pages = useValue('war-room pages', () => new Map(editor.getPages().map((p) => [p.id as string, p.name])), [
    editor,
  ])
  const [copied, setCopied] = useState<string | null>(null)

  const copyLink = async (person: Person) => {
    const url = `${location.origin}/a/${encodeURIComponent(live.accountId)}?follow=${encodeURIComponent(person.id)}`
    try {
      await navigator.clipboard.writeText(url)
    } catch {
      window.prompt(t('live.people.copyLink'), url)
    }
    setCopied(person.id)
  }

  return (
    <div
      className="wr-live-panel wr-people"
      role="dialog"
      aria-label={t('live.people.title')}
      data-testid="people-panel"
    >
      <h2 className="wr-live-panel__title">{t('live.people.title')}</h2>
      <ul className="wr-people__list">
        {live.people.map((p) => {
          const followed = live.followingUserId === p.id
          return (
            <li
              key={p.id}
              className={`wr-person${followed ? ' wr-person--followed' : ''}`}
              data-testid="person"
              data-user-id={p.id}
              data-followed={followed || undefined}
              style={{ borderLeftColor: p.color }}
            >
              <Avatar person={p} size={30} />
              <div className="wr-person__text">
                <div className="wr-person__name">
                  <strong>{p.name}</strong>
                  {p.isMe && <span className="wr-person__you">{t('live.people.you')}</span>}
                  {p.leading && <span className="wr-live-tag">{t('live.people.leading')}</span>}
                  {p.presenting && (
                    <span className="wr-live-tag" data-testid="person-presenting">
                      {t('live.people.presenting')}
                    </span>
                  )}
                </div>
                <div className="wr-person__meta">
                  <span className="wr-dept-dot" style={{ background: p.color }} />
                  {p.department ? DEPARTMENT_LABELS[p.department][lang] : t('live.people.noDepartment')}
                  {' · '}
                  {t(`live.role.${p.role}`)}
                  {' · '}
                  {t(p.role === 'viewer' ? 'live.people.viewer' : 'live.people.editor')}
                </div>
                <div className="wr-person__meta">
                  <span className={p.active ? 'wr-person__active' : 'wr-person__idle'}>
                    {t(p.active ? 'live.people.active' : 'live.people.idle')}
                  </span>
                  {p.pageId && pages.get(p.pageId) && ` · ${t('live.people.onPage', { page: pages.get(p.pageId)! })}`}
                  {p.tabs > 1 && ` · ${t('live.people.tabs', { count: p.tabs })}`}
                </div>
              </div>
              <div className="wr-person__actions">
                {p.isMe ? (
                  <button
                    type="button"
                    className="wr-button wr-button--quiet"
                    onClick={() => {
                      onDone()
                      navigate('/me')
                    }}
                  >
                    {t('live.people.editProfile')}
                  </button>
                ) : (
                  <>
                    <button
                      type="button"
                      className="wr-button wr-button--quiet"
                      data-testid="person-goto"
                      onClick={() => {
                        onDone()
                        live.goTo(p.id)
                      }}
                    >
                      {t('live.people.goTo')}
                    </button>
                    <button
                      type="button"
                      className={`wr-button${followed ? '' : ' wr-live-outline'}`}
                      data-testid="person-follow"
                      aria-pressed={followed}
                      onClick={() => {
                        if (followed) {
                          live.stopFollowing()
                          return
                        }
                        // Following is watching the canvas: the panel gets out of the way.
                        onDone()
                        live.follow(p.id)
                      }}
                    >
                      {t(followed ? 'live.people.following' : 'live.people.follow')}
                    </button>
                    <button
                      type="button"
                      className="wr-button wr-button--quiet wr-person__link"
                      onClick={() => void copyLink(p)}
                      title={t('live.people.copyLink')}
                    >
                      {copied === p.id ? t('live.people.linkCopied') : <LinkIcon />}
                    </button>
                  </>
                )}
              </div>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

function LinkIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M10 13a5 5 0 0 0 7.07 0l3-3a5 5 0 0 0-7.07-7.07l-1.5 1.5" />
      <path d="M14 11a5 5 0 0 0-7.07 0l-3 3a5 5 0 0 0 7.07 7.07l1.5-1.5" />
    </svg>
  )
}
