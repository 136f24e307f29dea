/**
 * Present mode: the map full-screen under a slim header (account name, tier, stage, owner,
 * health), stepped slide by slide with the arrow keys, PageUp/PageDown (what a presenter's clicker
 * sends), Space, Home/End; Escape leaves. Each slide is fitted to the screen below the header.
 * The 对客版 toggle shows the map to the customer (shared/audience.ts's allow-list: the header
 * then shows the account name and goal only).
 *
 * It asks for the real full screen (Fullscreen API) where the page may have it; leaving full
 * screen (the browser's own Esc) leaves present mode. In a live session the tab publishes
 * `presenting` in awareness (others get "王强 正在演示 · 跟随演示"), and a facilitator can bring
 * everyone along from the header (the spotlight).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { type Editor, useValue } from 'tldraw'
import { label, type PlanRecord, STAGE_LABELS, TIER_LABELS } from '../../shared/plan'
import { slideTitle } from '../export/exports'
import { useLang, useT } from '../i18n'
import { SpotlightButton } from '../live/FollowBanner'
import { useOptionalLive } from '../live/LiveContext'
import { TimerReadout } from '../live/SessionTimer'
import { audienceSignal } from './audience'
import { buildSlides, fitBounds, type Slide } from './slides'
import './present.css'

/** Room for the header above a slide, and a margin on the other sides (screen px). */
export const PRESENT_INSETS = { top: 76, right: 32, bottom: 40, left: 32 }
/** A small slide (one faction, one blocker) is enlarged, but not beyond this. */
const PRESENT_MAX_ZOOM = 1.6

declare global {
  interface Window {
    /** Set on every slide change: which slide, and when its camera move was issued (for tests and bench). */
    __warRoomSlide?: { index: number; key: string; at: number }
  }
}

const NEXT_KEYS = new Set(['ArrowRight', 'ArrowDown', 'PageDown', ' ', 'Enter'])
const PREV_KEYS = new Set(['ArrowLeft', 'ArrowUp', 'PageUp', 'Backspace'])

export function PresentMode({
  editor,
  plan,
  accountName,
  onExit,
}: {
  editor: Editor
  plan: PlanRecord | null
  accountName: string
  onExit: () => void
}) {
  const t = useT()
  const { lang } = useLang()
  const audience = useValue(audienceSignal)
  // The deck follows the document (a frame added while presenting becomes a slide).
  const slides = useValue('war-room slides', () => buildSlides(editor, audienceSignal.get()), [editor])
  const [index, setIndex] = useState(0)
  const current: Slide | undefined = slides[Math.min(index, slides.length - 1)]
  const live = useOptionalLive()

  // The real full screen, where the page may have it (a click started present mode, so the
  // browser's user activation allows the request). Leaving it (the browser's Esc) leaves present mode.
  const onExitRef = useRef(onExit)
  onExitRef.current = onExit
  useEffect(() => {
    const root = document.documentElement
    let entered = false
    let left = false
    const onChange = () => {
      if (document.fullscreenElement) entered = true
      else if (entered && !left) onExitRef.current()
    }
    document.addEventListener('fullscreenchange', onChange)
    if (document.fullscreenEnabled && !document.fullscreenElement && typeof root.requestFullscreen === 'function') {
      // Refused (no user activation, a sandboxed frame, a headless browser): the window it is.
      root.requestFullscreen({ navigationUI: 'hide' }).catch(() => {})
    }
    return () => {
      left = true
      document.removeEventListener('fullscreenchange', onChange)
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {})
    }
  }, [])

  // Others in the room see which slide this tab presents, and may follow it.
  const setPresenting = live?.setPresenting
  const slideNumber = slides.length ? Math.min(index, slides.length - 1) + 1 : 0
  useEffect(() => {
    if (!setPresenting || slideNumber === 0) return
    setPresenting({ slide: slideNumber, of: slides.length })
  }, [setPresenting, slideNumber, slides.length])
  useEffect(() => {
    if (!setPresenting) return
    return () => setPresenting(null)
  }, [setPresenting])

  // While presenting: nothing selected, the hand tool (drag pans, nothing moves by accident).
  useEffect(() => {
    editor.selectNone()
    editor.setCurrentTool('hand')
    return () => {
      editor.setCurrentTool('select')
      audienceSignal.set('team')
    }
  }, [editor])

  const step = useCallback(
    (delta: number | 'first' | 'last') =>
      setIndex((i) => {
        const last = Math.max(0, slides.length - 1)
        if (delta === 'first') return 0
        if (delta === 'last') return last
        return Math.max(0, Math.min(last, i + delta))
      }),
    [slides.length],
  )

  // Fit the slide whenever it (or the window) changes.
  const first = useRef(true)
  useLayoutEffect(() => {
    if (!current) return
    fitBounds(editor, current.bounds, PRESENT_INSETS, { maxZoom: PRESENT_MAX_ZOOM, animate: !first.current })
    first.current = false
    window.__warRoomSlide = { index: slides.indexOf(current), key: current.key, at: performance.now() }
  }, [editor, current, slides])
  useEffect(() => {
    const onResize = () => {
      if (!current) return
      // Entering or leaving full screen: the editor learns the new size before the fit.
      editor.updateViewportScreenBounds(editor.getContainer())
      fitBounds(editor, current.bounds, PRESENT_INSETS, { maxZoom: PRESENT_MAX_ZOOM })
    }
    window.addEventListener('resize', onResize)
    return () => window.removeEventListener('resize', onResize)
  }, [editor, current])

  // Keys are taken before tldraw sees them: an arrow key would otherwise nudge a shape.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey) return
      // Keys sent to the window itself (a clicker's driver, a script) have no element target.
      const target = event.target instanceof Element ? event.target : null
      // Typing stays typing; the 对客版 checkbox (focused after a click) does not hold the keys.
      if (target?.closest('input:not([type="checkbox"]), textarea, select, [contenteditable="true"]')) return
      let handled = true
      if (NEXT_KEYS.has(event.key)) step(1)
      else if (PREV_KEYS.has(event.key)) step(-1)
      else if (event.key === 'Home') step('first')
      else if (event.key === 'End') step('last')
      else if (event.key === 'Escape') onExit()
      else handled = false
      if (handled) {
        event.preventDefault()
        event.stopPropagation()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [step, onExit])

  const a = plan?.account
  const facts = useMemo(() => {
    if (!a) return []
    if (audience === 'customer') return a.goal ? [a.goal] : []
    return [
      label(TIER_LABELS, a.tier, lang) || t('present.noTier'),
      label(STAGE_LABELS, a.stage, lang) || t('present.noStage'),
      `${t('present.owner')} ${a.owner || '—'}`,
    ]
  }, [a, audience, lang, t])
  const health = plan?.metrics.healthScore

  return (
    <header className="wr-present" data-testid="wr-present" data-audience={audience}>
      <div className="wr-present__account">
        <strong className="wr-present__name" data-testid="wr-present-name">
          {accountName}
        </strong>
        {facts.map((fact) => (
          <span key={fact} className="wr-present__fact">
            {fact}
          </span>
        ))}
        {audience !== 'customer' && health !== undefined && (
          <span
            className={`wr-present__health wr-present__health--${health >= 80 ? 'good' : health >= 50 ? 'fair' : 'poor'}`}
            data-testid="wr-present-health"
          >
            {t('present.health')} {health}
          </span>
        )}
      </div>
      <div className="wr-present__slide">
        <button
          type="button"
          className="wr-present__button"
          onClick={() => step(-1)}
          disabled={index === 0}
          aria-label={t('present.prev')}
        >
          ‹
        </button>
        <span className="wr-present__title" data-testid="wr-slide-title">
          {current ? slideTitle(current, lang, audience) : t('present.empty')}
        </span>
        <span className="wr-present__count" data-testid="wr-slide-count">
          {slides.length ? `${Math.min(index, slides.length - 1) + 1} / ${slides.length}` : '0 / 0'}
        </span>
        <button
          type="button"
          className="wr-present__button"
          onClick={() => step(1)}
          disabled={index >= slides.length - 1}
          aria-label={t('present.next')}
        >
          ›
        </button>
      </div>
      <div className="wr-present__tools">
        {live && <TimerReadout />}
        {live?.leadingHere && (
          <span className="wr-present__followers" data-testid="present-followers">
            {t('present.followers', { count: live.followers })}
          </span>
        )}
        {live?.canLead && <SpotlightButton />}
        <label className="wr-present__toggle" title={t('present.customerHint')}>
          <input
            type="checkbox"
            data-testid="wr-customer-toggle"
            checked={audience === 'customer'}
            onChange={(event) => {
              audienceSignal.set(event.currentTarget.checked ? 'customer' : 'team')
              setIndex(0)
              event.currentTarget.blur()
            }}
          />
          {t('present.customer')}
        </label>
        <button
          type="button"
          className="wr-present__button wr-present__exit"
          onClick={onExit}
          data-testid="wr-present-exit"
        >
          {t('present.exit')}
        </button>
      </div>
    </header>
  )
}
