import type { SerializedSchema } from 'tldraw'

/** One comparison for the client and the server (the import API): shared/schemaCompat.ts. */
export { compareSchemas, type SchemaRelation } from '../../shared/schemaCompat'

/** A value read from the Y.Doc that claims to be a serialised tldraw schema. */
export function isSerializedSchema(value: unknown): value is SerializedSchema {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown }
  if (v.schemaVersion === 2) return typeof v.sequences === 'object' && v.sequences !== null
  if (v.schemaVersion === 1) return typeof v.recordVersions === 'object' && v.recordVersions !== null
  return false
}
