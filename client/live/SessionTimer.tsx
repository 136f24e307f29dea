/**
 * The session timer everyone sees ("讨论 10 分钟"): shared in the document
 * (`doc.getMap('session').get('timer')`, server milliseconds), converted with this page's offset
 * from the server clock, so a late joiner and a reload show the same remaining time. Editors and
 * owners start, pause, add time and end it; a soft chime and "time's up" when it runs out.
 */
import { useEffect, useRef, useState } from 'react'
import {
  addTime,
  formatRemaining,
  pauseTimer,
  readTimer,
  remainingMs,
  resumeTimer,
  SESSION_MAP,
  type SessionTimer,
  startTimer,
  TIMER_KEY,
} from '../../shared/live/timer'
import { useT } from '../i18n'
import { useLive } from './LiveContext'
import { onServerOffset, serverNow } from './serverClock'

const PRESETS = [5, 10, 15, 30]

export function useSessionTimer(): SessionTimer | null {
  const { doc } = useLive()
  const [timer, setTimer] = useState<SessionTimer | null>(() => readTimer(doc.getMap(SESSION_MAP).get(TIMER_KEY)))
  useEffect(() => {
    const map = doc.getMap<unknown>(SESSION_MAP)
    const read = () => setTimer(readTimer(map.get(TIMER_KEY)))
    read()
    map.observe(read)
    return () => map.unobserve(read)
  }, [doc])
  return timer
}

/** Remaining ms, ticking four times a second while running. */
function useRemaining(timer: SessionTimer | null): number | null {
  // The tick only re-renders; the time itself is read fresh at each render.
  const [, setTick] = useState(0)
  useEffect(() => onServerOffset(() => setTick((n) => n + 1)), [])
  useEffect(() => {
    if (!timer || timer.pausedAt !== null) return
    const iv = setInterval(() => setTick((n) => n + 1), 250)
    return () => clearInterval(iv)
  }, [timer])
  return timer ? remainingMs(timer, serverNow()) : null
}

/** A soft two-note chime (Web Audio; silent where audio is not allowed yet). */
function chime() {
  try {
    const ctx = new AudioContext()
    const now = ctx.currentTime
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0, now + i * 0.35)
      gain.gain.linearRampToValueAtTime(0.12, now + i * 0.35 + 0.03)
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.35 + 0.9)
      osc.connect(gain).connect(ctx.destination)
      osc.start(now + i * 0.35)
      osc.stop(now + i * 0.35 + 1)
    }
    setTimeout(() => void ctx.close(), 2000)
  } catch {
    // No audio here; the banner still says it.
  }
}

declare global {
  interface Window {
    /** Times the chime sounded on this page, for browser tests. */
    __warRoomChimes?: number
  }
}

export function TimerControl() {
  const t = useT()
  const live = useLive()
  const timer = useSessionTimer()
  const remaining = useRemaining(timer)
  const [open, setOpen] = useState(false)
  const [label, setLabel] = useState('')
  const [custom, setCustom] = useState('')
  const ref = useRef<HTMLDivElement>(null)
  const up = remaining !== null && remaining <= 0

  // Chime once when a running timer crosses zero on this page (not for one already over on arrival).
  const wasPositive = useRef<boolean | null>(null)
  useEffect(() => {
    if (remaining === null) {
      wasPositive.current = null
      return
    }
    if (wasPositive.current && remaining <= 0) {
      chime()
      window.__warRoomChimes = (window.__warRoomChimes ?? 0) + 1
    }
    wasPositive.current = remaining > 0
  }, [remaining])

  useEffect(() => {
    if (!open) return
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false)
    }
    window.addEventListener('pointerdown', onDown, true)
    return () => window.removeEventListener('pointerdown', onDown, true)
  }, [open])

  const write = (next: SessionTimer | null) => {
    const map = live.doc.getMap<unknown>(SESSION_MAP)
    if (next) map.set(TIMER_KEY, next)
    else map.delete(TIMER_KEY)
  }
  const start = (minutes: number) => {
    if (!(minutes > 0)) return
    write(startTimer(label.trim() || t('live.timer.defaultLabel'), minutes * 60_000, serverNow(), live.me.id))
    setOpen(false)
  }

  const chip = timer ? (
    <button
      type="button"
      className={`wr-timer${up ? ' wr-timer--up' : ''}${timer.pausedAt !== null ? ' wr-timer--paused' : ''}`}
      data-testid="timer-chip"
      data-remaining={remaining ?? undefined}
      onClick={() => live.canLead && setOpen((o) => !o)}
      aria-expanded={live.canLead ? open : undefined}
      title={t('live.timer.title')}
    >
      <span className="wr-timer__label">{timer.label}</span>
      <span className="wr-timer__time" data-testid="timer-time">
        {up ? t('live.timer.up') : formatRemaining(remaining ?? 0)}
      </span>
      {timer.pausedAt !== null && !up && <span className="wr-timer__paused">{t('live.timer.paused')}</span>}
    </button>
  ) : live.canLead ? (
    <button type="button" className="wr-button wr-live-btn" data-testid="timer-open" onClick={() => setOpen((o) => !o)}>
      <ClockIcon /> {t('live.timer.button')}
    </button>
  ) : null

  if (!chip) return null
  return (
    <div className="wr-live-pop" ref={ref}>
      {chip}
      {open && live.canLead && (
        <div
          className="wr-live-panel wr-timer-panel"
          role="dialog"
          aria-label={t('live.timer.title')}
          data-testid="timer-panel"
        >
          <h2 className="wr-live-panel__title">{t('live.timer.title')}</h2>
          {timer ? (
            <div className="wr-row">
              {timer.pausedAt === null ? (
                <button
                  type="button"
                  className="wr-button"
                  data-testid="timer-pause"
                  onClick={() => write(pauseTimer(timer, serverNow(), live.me.id))}
                >
                  {t('live.timer.pause')}
                </button>
              ) : (
                <button
                  type="button"
                  className="wr-button"
                  data-testid="timer-resume"
                  onClick={() => write(resumeTimer(timer, serverNow(), live.me.id))}
                >
                  {t('live.timer.resume')}
                </button>
              )}
              <button
                type="button"
                className="wr-button wr-live-outline"
                data-testid="timer-add"
                onClick={() => write(addTime(timer, 60_000, serverNow(), live.me.id))}
              >
                {t('live.timer.add')}
              </button>
              <button
                type="button"
                className="wr-button wr-live-outline"
                onClick={() => write(addTime(timer, 5 * 60_000, serverNow(), live.me.id))}
              >
                {t('live.timer.add5')}
              </button>
              <button
                type="button"
                className="wr-button wr-button--quiet"
                data-testid="timer-end"
                onClick={() => {
                  write(null)
                  setOpen(false)
                }}
              >
                {t('live.timer.end')}
              </button>
            </div>
          ) : (
            <>
              <label className="wr-live-field">
                <span>{t('live.timer.label')}</span>
                <input
                  value={label}
                  maxLength={80}
                  placeholder={t('live.timer.defaultLabel')}
                  data-testid="timer-label"
                  onChange={(e) => setLabel(e.target.value)}
                />
              </label>
              <div className="wr-row">
                {PRESETS.map((m) => (
                  <button
                    key={m}
                    type="button"
                    className="wr-button wr-live-outline"
                    data-testid={`timer-preset-${m}`}
                    onClick={() => start(m)}
                  >
                    {t('live.timer.minutes', { count: m })}
                  </button>
                ))}
              </div>
              <form
                className="wr-row"
                onSubmit={(e) => {
                  e.preventDefault()
                  start(Number(custom))
                }}
              >
                <input
                  type="number"
                  min={1}
                  max={480}
                  value={custom}
                  aria-label={t('live.timer.custom')}
                  placeholder={t('live.timer.custom')}
                  onChange={(e) => setCustom(e.target.value)}
                />
                <button type="submit" className="wr-button">
                  {t('live.timer.start')}
                </button>
              </form>
            </>
          )}
        </div>
      )}
    </div>
  )
}

/** The running timer's label and remaining time, read-only (present mode's header); nothing without one. */
export function TimerReadout() {
  const t = useT()
  const timer = useSessionTimer()
  const remaining = useRemaining(timer)
  if (!timer || remaining === null) return null
  const up = remaining <= 0
  return (
    <span
      className={`wr-timer${up ? ' wr-timer--up' : ''}${timer.pausedAt !== null ? ' wr-timer--paused' : ''}`}
      data-testid="present-timer"
      role="timer"
    >
      <span className="wr-timer__label">{timer.label}</span>
      <span className="wr-timer__time">{up ? t('live.timer.up') : formatRemaining(remaining)}</span>
    </span>
  )
}

/** "「讨论」时间到" across the canvas while a timer is over. */
export function TimeUpBanner() {
  const t = useT()
  const timer = useSessionTimer()
  const remaining = useRemaining(timer)
  if (!timer || remaining === null || remaining > 0) return null
  return (
    <div className="wr-timeup" role="alert" data-testid="time-up">
      {t('live.timer.upBanner', { label: timer.label })}
    </div>
  )
}

function ClockIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2.2"
      aria-hidden="true"
    >
      <circle cx="12" cy="13" r="8" />
      <path d="M12 9v4l2.5 2.5M9 2h6" />
    </svg>
  )
}
