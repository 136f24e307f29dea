/** Contacts in: reading a contact sheet, mapping it to stakeholder fields, planning and laying out the import. */
export * from './coverage'
export * from './fields'
export * from './importPlan'
export * from './layout'
export * from './limits'
export * from './mapping'
export * from './messages'
export * from './provenance'
export * from './read'

import { type ExistingCard, type ImportPlan, planImport } from './importPlan'
import { DEFAULT_MAX_BYTES } from './limits'
import { type MapOptions, mapTable } from './mapping'
import { checkSheetSize, readTable } from './read'

/** Reads, maps and plans in one step: what the dialog's preview and the API's dryRun show. */
export async function previewImport(
  bytes: Uint8Array | ArrayBuffer,
  existing: readonly ExistingCard[],
  options: MapOptions & { maxBytes?: number } = {},
): Promise<ImportPlan> {
  checkSheetSize(bytes, options.maxBytes ?? DEFAULT_MAX_BYTES)
  const table = await readTable(bytes)
  return planImport(mapTable(table, options), existing)
}
