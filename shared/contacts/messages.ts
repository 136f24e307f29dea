/**
 * Wording of the import's reports, from the catalogue (shared/i18n/messages/contacts.ts): these
 * functions only choose the entry and fill its parameters. Quoted values are user input (plain text).
 */
import { type Bilingual, bilingual, type SharedMessageKey } from '../i18n'
import { CONTACT_FIELD_LABELS, type ContactField } from './fields'

export type { Bilingual }

function clip(s: string, max = 40): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')
}

const field = (f: ContactField) => CONTACT_FIELD_LABELS[f]

export const importMessages = {
  valueUnknown: (f: ContactField, value: string): Bilingual =>
    bilingual('contacts.row.valueUnknown', { field: field(f), value: clip(value) }),
  dateInvalid: (value: string): Bilingual => bilingual('contacts.row.dateInvalid', { value: clip(value) }),
  nameMissing: (): Bilingual => bilingual('contacts.row.nameMissing'),
  duplicate: (row: number): Bilingual => bilingual('contacts.row.duplicate', { row }),
  tooLong: (f: ContactField, max: number): Bilingual => bilingual('contacts.row.tooLong', { field: field(f), max }),
  shapeIdUnknown: (id: string): Bilingual => bilingual('contacts.row.shapeIdUnknown', { id: clip(id) }),
  formula: (f: ContactField, value: string): Bilingual =>
    bilingual('contacts.row.formula', { field: field(f), value: clip(value) }),
  factionMissing: (id: string): Bilingual => bilingual('contacts.faction.missing', { id: clip(id) }),
  /** A whole sheet that cannot be read (see SheetError). */
  sheet: (key: Extract<SharedMessageKey, `contacts.sheet.${string}`>, params?: Parameters<typeof bilingual>[1]) =>
    bilingual(key, params),
}
