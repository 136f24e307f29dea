/**
 * The session timer ("讨论 10 分钟"), shared state in the document:
 * `doc.getMap('session').get('timer')` (docs/document-format.md, "Session"). All times are server
 * milliseconds since the epoch; clients convert with their clock offset from the server.
 */

export const SESSION_MAP = 'session'
export const TIMER_KEY = 'timer'

export interface SessionTimer {
  label: string
  durationMs: number
  /** When it (last) started running, shifted forward by every pause, so elapsed = now − startedAt. */
  startedAt: number
  /** Set while paused. */
  pausedAt: number | null
  /** War Room user id of whoever last changed it. */
  by: string
}

export const MAX_TIMER_MS = 8 * 60 * 60 * 1000
export const MAX_LABEL_LENGTH = 80

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** The timer in a document value, or null when it is absent or not a valid timer. */
export function readTimer(value: unknown): SessionTimer | null {
  if (typeof value !== 'object' || value === null) return null
  const t = value as Record<string, unknown>
  if (typeof t.label !== 'string' || !finite(t.durationMs) || t.durationMs < 0 || !finite(t.startedAt)) return null
  if (t.pausedAt !== null && !finite(t.pausedAt)) return null
  return {
    label: t.label,
    durationMs: t.durationMs,
    startedAt: t.startedAt,
    pausedAt: t.pausedAt as number | null,
    by: typeof t.by === 'string' ? t.by : '',
  }
}

/** Milliseconds left at server time `now` (negative once over). */
export function remainingMs(timer: SessionTimer, now: number): number {
  const at = timer.pausedAt ?? now
  return timer.durationMs - (at - timer.startedAt)
}

export function startTimer(label: string, durationMs: number, now: number, by: string): SessionTimer {
  return {
    label: label.trim().slice(0, MAX_LABEL_LENGTH),
    durationMs: Math.max(0, Math.min(MAX_TIMER_MS, Math.round(durationMs))),
    startedAt: now,
    pausedAt: null,
    by,
  }
}

export function pauseTimer(timer: SessionTimer, now: number, by: string): SessionTimer {
  return timer.pausedAt === null ? { ...timer, pausedAt: now, by } : timer
}

export function resumeTimer(timer: SessionTimer, now: number, by: string): SessionTimer {
  if (timer.pausedAt === null) return timer
  return { ...timer, startedAt: timer.startedAt + (now - timer.pausedAt), pausedAt: null, by }
}

/**
 * Adds time. A timer already over restarts from zero with `ms` left, rather than owing the overrun.
 */
export function addTime(timer: SessionTimer, ms: number, now: number, by: string): SessionTimer {
  const left = remainingMs(timer, now)
  const base = left < 0 ? { ...timer, durationMs: timer.durationMs - left } : timer
  return { ...base, durationMs: Math.min(MAX_TIMER_MS, base.durationMs + ms), by }
}

/** `m:ss` (or `h:mm:ss`) of a remaining time, rounded up to the second; 0:00 once over. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const ss = String(s).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}
