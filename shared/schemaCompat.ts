/**
 * How a document's recorded tldraw schema relates to this build's (client and server alike):
 * - `same`: records can be used as they are;
 * - `older`: records must be migrated up (and the document upgraded);
 * - `newer`: the document was written by a newer build; this one must not write to it.
 */
export type SchemaRelation = 'same' | 'older' | 'newer'

/** The parts of a serialised tldraw schema (`TLSchema.serialize()`) the comparison reads. */
export interface SchemaVersions {
  schemaVersion: number
  sequences?: Record<string, number>
}

/** A value read from the Y.Doc that claims to be a serialised tldraw schema. */
export function isSchemaVersions(value: unknown): value is SchemaVersions {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown }
  if (v.schemaVersion === 2) return typeof v.sequences === 'object' && v.sequences !== null
  if (v.schemaVersion === 1) return typeof v.recordVersions === 'object' && v.recordVersions !== null
  return false
}

/**
 * Compares sequence by sequence. A sequence the document knows and we do not means
 * a newer build added it (new shape types, say): we cannot validate those records,
 * so the document counts as newer. tldraw's store migrations only say "Incompatible
 * schema?" in that case, so we decide it here, before anything is loaded or written.
 */
export function compareSchemas(ours: { sequences: Record<string, number> }, theirs: SchemaVersions): SchemaRelation {
  // Version-1 schemas predate sequences; only very old tldraw wrote them.
  if (theirs.schemaVersion === 1 || !theirs.sequences) return 'older'
  let older = false
  for (const [sequenceId, theirVersion] of Object.entries(theirs.sequences)) {
    const ourVersion = ours.sequences[sequenceId]
    if (ourVersion === undefined || theirVersion > ourVersion) return 'newer'
    if (theirVersion < ourVersion) older = true
  }
  for (const sequenceId of Object.keys(ours.sequences)) {
    if (!(sequenceId in theirs.sequences)) older = true
  }
  return older ? 'older' : 'same'
}
