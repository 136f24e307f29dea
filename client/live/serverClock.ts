/**
 * The server's clock, as seen from this page: the session timer's times are server milliseconds
 * (docs/document-format.md, "Session"). The offset is estimated from the `Date` header of a few
 * requests. That header has one-second resolution, so each sample only bounds the offset:
 * serverTime ∈ [Date, Date + 1000) at some moment between sending and receiving. Samples taken at
 * different sub-second phases narrow the interval; its middle is the estimate.
 */

/** Bounds from one sample: offset = server − local ∈ [lo, hi]. */
export function offsetBounds(sentAt: number, receivedAt: number, dateHeader: number): { lo: number; hi: number } {
  return { lo: dateHeader - receivedAt, hi: dateHeader + 1000 - sentAt }
}

/** Intersects samples' bounds; when they disagree (a clock jump), the latest sample wins. */
export function combineBounds(samples: { lo: number; hi: number }[]): number {
  const range = boundsOf(samples)
  return range ? Math.round((range.lo + range.hi) / 2) : 0
}

/** The intersected offset interval of the samples (null without any). */
export function boundsOf(samples: { lo: number; hi: number }[]): { lo: number; hi: number } | null {
  let lo = Number.NEGATIVE_INFINITY
  let hi = Number.POSITIVE_INFINITY
  for (const s of samples) {
    const nlo = Math.max(lo, s.lo)
    const nhi = Math.min(hi, s.hi)
    if (nlo > nhi) {
      lo = s.lo
      hi = s.hi
    } else {
      lo = nlo
      hi = nhi
    }
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? { lo, hi } : null
}

let offset = 0
/** The lowest offset the samples allow (before any: assume the local clock is at most 1 s ahead). */
let lowOffset = -1000
let measuring: Promise<number> | null = null
const listeners = new Set<() => void>()

/** Server time now, by the current estimate. */
export const serverNow = () => Date.now() + offset

export const serverOffset = () => offset

/**
 * A server time that has certainly passed: now by the lowest offset the samples allow. A
 * spotlight proposes it as its `since`, which the server then keeps exactly (it refuses a time
 * after its own now), so this tab knows its own `since` as everyone else sees it.
 */
export const serverNowLowerBound = () => Math.floor(Date.now() + lowOffset)

export function onServerOffset(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

async function sample(): Promise<{ lo: number; hi: number } | null> {
  const sentAt = Date.now()
  try {
    const res = await fetch('/healthz', { cache: 'no-store' })
    const receivedAt = Date.now()
    await res.body?.cancel()
    const date = Date.parse(res.headers.get('date') ?? '')
    return Number.isFinite(date) ? offsetBounds(sentAt, receivedAt, date) : null
  } catch {
    return null
  }
}

/** Measures once per page (five samples spread over a second); later calls share the result. */
export function measureServerClock(): Promise<number> {
  measuring ??= (async () => {
    const samples: { lo: number; hi: number }[] = []
    for (let i = 0; i < 5; i++) {
      const s = await sample()
      if (s) samples.push(s)
      // Spread the samples over different phases of the server's second.
      await new Promise((r) => setTimeout(r, 210 + i * 7))
    }
    const range = boundsOf(samples)
    if (range) {
      offset = Math.round((range.lo + range.hi) / 2)
      lowOffset = Math.floor(range.lo)
    }
    for (const l of listeners) l()
    return offset
  })()
  return measuring
}
