/**
 * Calendar dates as the document stores them: `YYYY-MM-DD` strings. Comparing two valid
 * ISO dates as strings orders them correctly, which keeps the checks free of time zones.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date written `YYYY-MM-DD` (so `2026-02-30` is rejected). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (month < 1 || month > 12 || day < 1) return false
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= daysInMonth
}

/** `YYYY-MM-DD` or the empty string (a date not set yet). */
export function isIsoDateOrEmpty(value: unknown): value is string {
  return value === '' || isIsoDate(value)
}

/**
 * Today's date in a time zone, as `YYYY-MM-DD`. The teams are in China, so "today" for an
 * overdue check defaults to Asia/Shanghai rather than the server's zone.
 */
export function isoDateInTimeZone(at: Date = new Date(), timeZone = 'Asia/Shanghai'): string {
  let format = DATE_FORMATS.get(timeZone)
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD. Building a formatter costs far more than using one.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    DATE_FORMATS.set(timeZone, format)
  }
  return format.format(at)
}

/** One formatter per time zone (a server uses one; the cache cannot grow past the zones in use). */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>()
