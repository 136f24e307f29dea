/**
 * Who last set a stakeholder's stance, and when: `meta.provenance` on a stakeholder shape
 * (docs/document-format.md), written by the client (or the import) that makes the change. It is
 * informational: the audit log is the record of who did what.
 */
export const STANCE_FIELDS = ['relationship', 'role', 'influence', 'champion'] as const
export type StanceField = (typeof STANCE_FIELDS)[number]

export interface ProvenanceEntry {
  /** User id. */
  by: string
  /** The user's display name when the change was made. */
  byName: string
  /** ISO 8601 timestamp. */
  at: string
}

export type Provenance = Partial<Record<StanceField, ProvenanceEntry>>

export interface Author {
  id: string
  name: string
}

function isEntry(value: unknown): value is ProvenanceEntry {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.by === 'string' &&
    typeof v.byName === 'string' &&
    typeof v.at === 'string' &&
    !Number.isNaN(Date.parse(v.at))
  )
}

/** The well-formed entries of a shape's `meta.provenance` (anything else is ignored). */
export function readProvenance(meta: unknown): Provenance {
  const raw = (meta as { provenance?: unknown } | null | undefined)?.provenance
  const out: Provenance = {}
  if (typeof raw !== 'object' || raw === null) return out
  for (const field of STANCE_FIELDS) {
    const entry = (raw as Record<string, unknown>)[field]
    if (isEntry(entry)) out[field] = { by: entry.by, byName: entry.byName, at: entry.at }
  }
  return out
}

/** `meta` with the provenance of `fields` set to `author` at `at` (other meta keys kept). */
export function stampProvenance<M extends object>(
  meta: M,
  fields: readonly StanceField[],
  author: Author,
  at: string,
): M & { provenance: Provenance } {
  const provenance: Provenance = { ...readProvenance(meta) }
  for (const field of fields) provenance[field] = { by: author.id, byName: author.name, at }
  return { ...meta, provenance }
}

/** The stance fields whose value differs between two prop sets. */
export function changedStanceFields(before: Record<string, unknown>, after: Record<string, unknown>): StanceField[] {
  return STANCE_FIELDS.filter((f) => f in after && before[f] !== after[f])
}

/** The most recent entry, or null. */
export function latestStanceChange(p: Provenance): (ProvenanceEntry & { field: StanceField }) | null {
  let best: (ProvenanceEntry & { field: StanceField }) | null = null
  for (const field of STANCE_FIELDS) {
    const e = p[field]
    if (e && (!best || e.at > best.at)) best = { ...e, field }
  }
  return best
}

/** Whole days from the ISO timestamp or date `from` to the day `today` (YYYY-MM-DD). */
export function daysSince(from: string, today: string): number | null {
  const a = Date.parse(from.length === 10 ? `${from}T00:00:00Z` : from)
  const b = Date.parse(`${today}T00:00:00Z`)
  if (Number.isNaN(a) || Number.isNaN(b)) return null
  return Math.floor((b - a) / 86_400_000)
}

/** A stance last set more than `days` days before `today`; false when nobody ever recorded one. */
export function isStanceStale(p: Provenance, today: string, days: number): boolean {
  const latest = latestStanceChange(p)
  if (!latest) return false
  const age = daysSince(latest.at, today)
  return age !== null && age > days
}

export const DEFAULT_STALE_CONTACT_DAYS = 45
