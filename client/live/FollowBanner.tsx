/**
 * What following looks like: a frame in the followed person's colour around the canvas and a bar
 * that says whom you follow ("正在跟随 王强 · 停止跟随"); the spotlight's bar (who leads, step out,
 * rejoin) and the leader's own bar; the `?follow=` link's wait.
 */
import { useValue } from 'tldraw'
import { departmentColor, tlUserId } from '../../shared/live/people'
import { useT } from '../i18n'
import { useLive } from './LiveContext'

export function FollowFrame() {
  const live = useLive()
  const person = live.people.find((p) => p.id === live.followingUserId)
  if (!live.followingUserId) return null
  return (
    <div
      className="wr-follow-frame"
      data-testid="follow-frame"
      style={{ borderColor: person?.color ?? departmentColor(null) }}
      aria-hidden="true"
    />
  )
}

export function LiveBanners() {
  const t = useT()
  const live = useLive()
  const { leader } = live
  // The name of a person tldraw follows may come from their presence before the panel refreshes.
  const followedName = useValue('war-room followed name', () => {
    const id = live.editor.getInstanceState().followingUserId
    return id ? (live.editor.getCollaborators().find((c) => c.userId === id)?.userName ?? '') : ''
  }, [live.editor])
  const following = live.followingUserId
  const person = live.people.find((p) => p.id === following)
  const name = person?.name || followedName
  const ledByOther = leader && leader.userId !== live.me.id
  const followingLeader = ledByOther && following === leader.userId

  if (live.leadingHere) {
    return (
      <div
        className="wr-live-banner wr-live-banner--lead"
        role="status"
        data-testid="spotlight-leading"
        style={{ borderColor: live.myColor }}
      >
        <span className="wr-live-banner__dot" style={{ background: live.myColor }} />
        {t('live.spotlight.leading', { count: live.followers })}
        <button type="button" className="wr-button" data-testid="spotlight-stop" onClick={live.stopSpotlight}>
          {t('live.spotlight.stop')}
        </button>
      </div>
    )
  }
  if (leader && leader.userId === live.me.id) {
    return (
      <div className="wr-live-banner" role="status">
        {t('live.spotlight.otherTab')}
      </div>
    )
  }
  if (ledByOther && live.steppedOut) {
    const leaderPerson = live.people.find((p) => p.id === leader.userId)
    return (
      <div
        className="wr-live-banner"
        role="status"
        data-testid="spotlight-stepped-out"
        style={{ borderColor: leaderPerson?.color }}
      >
        {t('live.spotlight.steppedOut', { name: leaderPerson?.name ?? leader.name })}
        <button type="button" className="wr-button" data-testid="spotlight-rejoin" onClick={live.rejoin}>
          {t('live.spotlight.rejoin')}
        </button>
      </div>
    )
  }
  if (following) {
    const color = person?.color ?? departmentColor(null)
    return (
      <div
        className="wr-live-banner"
        role="status"
        data-testid={followingLeader ? 'spotlight-following' : 'follow-bar'}
        data-following={following}
        style={{ borderColor: color }}
      >
        <span className="wr-live-banner__dot" style={{ background: color }} />
        {followingLeader ? t('live.spotlight.led', { name }) : t('live.follow.bar', { name })}
        <button type="button" className="wr-button" data-testid="follow-stop" onClick={live.stopFollowing}>
          {followingLeader ? t('live.spotlight.stepOut') : t('live.follow.stop')}
        </button>
        <span className="wr-live-banner__hint">{t('live.spotlight.hint')}</span>
      </div>
    )
  }
  if (ledByOther) {
    // Led, but the leader's presence has not arrived yet (or they are on a page we do not have).
    return (
      <div className="wr-live-banner" role="status" data-testid="spotlight-waiting">
        {t('live.spotlight.led', { name: leader.name })}
      </div>
    )
  }
  const { presenter } = live
  if (presenter) {
    // Someone shows the map in present mode: the audience may follow along, slide by slide.
    const presenterPerson = live.people.find((p) => p.id === presenter.userId)
    const color = presenterPerson?.color ?? departmentColor(null)
    return (
      <div
        className="wr-live-banner"
        role="status"
        data-testid="presenter-banner"
        data-presenter={presenter.userId}
        style={{ borderColor: color }}
      >
        <span className="wr-live-banner__dot" style={{ background: color }} />
        {t('live.present.banner', {
          name: presenterPerson?.name ?? presenter.name,
          slide: presenter.slide,
          of: presenter.of,
        })}
        <button
          type="button"
          className="wr-button"
          data-testid="presenter-follow"
          onClick={() => live.follow(presenter.userId)}
        >
          {t('live.present.follow')}
        </button>
      </div>
    )
  }
  if (live.pendingFollow) {
    const known = live.editor.getCollaborators().find((c) => c.userId === tlUserId(live.pendingFollow!))
    return (
      <div className="wr-live-banner" role="status" data-testid="follow-waiting">
        {t('live.follow.waiting', { name: known?.userName ?? t('live.follow.someone') })}
        <button type="button" className="wr-button wr-button--quiet" onClick={live.cancelPendingFollow}>
          {t('live.follow.cancel')}
        </button>
      </div>
    )
  }
  return null
}

export function SpotlightButton() {
  const t = useT()
  const live = useLive()
  if (!live.canLead) return null
  return live.leadingHere ? (
    <button
      type="button"
      className="wr-button wr-live-btn wr-live-btn--on"
      data-testid="spotlight-toggle"
      aria-pressed
      onClick={live.stopSpotlight}
    >
      {t('live.spotlight.stop')}
    </button>
  ) : (
    <button
      type="button"
      className="wr-button wr-live-btn"
      data-testid="spotlight-toggle"
      aria-pressed={false}
      onClick={live.startSpotlight}
    >
      {t('live.spotlight.start')}
    </button>
  )
}

export function LaserButton() {
  const t = useT()
  const { editor, myColor } = useLive()
  const on = useValue('war-room laser on', () => editor.getCurrentToolId() === 'laser', [editor])
  return (
    <button
      type="button"
      className={`wr-button wr-live-btn${on ? ' wr-live-btn--on' : ''}`}
      data-testid="laser-toggle"
      aria-pressed={on}
      title={`${t('live.laser')} (K)`}
      onClick={() => editor.setCurrentTool(on ? 'select' : 'laser')}
    >
      <span className="wr-live-banner__dot" style={{ background: myColor }} />
      {t('live.laser')}
    </button>
  )
}
