/** Wording of the import's reports, in Chinese and English. Quoted values are user input (plain text). */
import { CONTACT_FIELD_LABELS, type ContactField } from './fields'

export interface Bilingual {
  zh: string
  en: string
}

function clip(s: string, max = 40): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')
}

const field = (f: ContactField) => CONTACT_FIELD_LABELS[f]

export const importMessages = {
  valueUnknown: (f: ContactField, value: string): Bilingual => ({
    zh: `${field(f).zh}「${clip(value)}」无法识别，保留默认值`,
    en: `${field(f).en} “${clip(value)}” is not a known value; left at its default`,
  }),
  dateInvalid: (value: string): Bilingual => ({
    zh: `最近接触「${clip(value)}」不是日期（请写成 2026-11-20），已留空`,
    en: `last contact “${clip(value)}” is not a date (write it as 2026-11-20); left empty`,
  }),
  nameMissing: (): Bilingual => ({ zh: '没有姓名', en: 'no name' }),
  duplicate: (row: number): Bilingual => ({
    zh: `与第 ${row} 行是同一个人`,
    en: `the same person as row ${row}`,
  }),
  tooLong: (f: ContactField, max: number): Bilingual => ({
    zh: `${field(f).zh}超过 ${max} 个字符`,
    en: `${field(f).en} is longer than ${max} characters`,
  }),
  shapeIdUnknown: (id: string): Bilingual => ({
    zh: `图形ID「${clip(id)}」不在此地图上，按新联系人导入`,
    en: `shape ID “${clip(id)}” is not on this map; imported as a new person`,
  }),
}
