/**
 * The columns a contact sheet may have and the words that name them, in Chinese and English, as
 * CRM exports, hand-made sheets and our own exports (shared/plan/csv.ts) write them. Values are
 * read with the same vocabulary the canvas shows (shared/shapes/labels.ts): "KDM", "关键决策者",
 * "CR3 中立者", "高", "High influence" … all name one code. Anything else is reported, never guessed.
 */

import { type Bilingual, labelTable } from '../i18n'
import { INFLUENCE_LABELS, RELATIONSHIP_LABELS, ROLE_BADGES, ROLE_LABELS } from '../shapes/labels'
import {
  INFLUENCE_LEVELS,
  type InfluenceLevel,
  RELATIONSHIP_LEVELS,
  type RelationshipLevel,
  STAKEHOLDER_ROLES,
  type StakeholderRole,
} from '../shapes/types'
import { isIsoDate } from '../shapes/validators'

/** Fields that are stakeholder props (crmId lives in `meta.crmId`, shapeId only matches). */
export const PROP_FIELDS = [
  'name',
  'title',
  'department',
  'role',
  'relationship',
  'influence',
  'concern',
  'champion',
  'contact',
  'lastContact',
] as const
export type PropField = (typeof PROP_FIELDS)[number]

/** Stakeholder props a sheet can set, plus the two keys that match a row to a card. */
export const CONTACT_FIELDS = [...PROP_FIELDS, 'crmId', 'shapeId'] as const
export type ContactField = (typeof CONTACT_FIELDS)[number]

/** The values one row gives, already in the document's codes. */
export interface ContactValues {
  name?: string
  title?: string
  department?: string
  role?: StakeholderRole
  relationship?: RelationshipLevel
  influence?: InfluenceLevel
  concern?: string
  champion?: boolean
  contact?: string
  lastContact?: string
  crmId?: string
  shapeId?: string
}

/** Field names in both languages, for the preview's column mapping (from the catalogue). */
export const CONTACT_FIELD_LABELS: Record<ContactField, Bilingual> = labelTable('label.contactField', CONTACT_FIELDS)

/** Header words per field (compared after {@link normaliseWord}). */
const HEADER_WORDS: Record<ContactField, string[]> = {
  name: ['姓名', '名字', '联系人', '联系人姓名', '客户姓名', '人员', 'name', 'fullname', 'contactname', 'person'],
  title: ['职务', '职位', '头衔', '岗位', 'title', 'jobtitle', 'position'],
  department: ['部门', '所属部门', '单位', '处室', 'department', 'dept', 'division'],
  role: ['角色', '决策链角色', '决策角色', '决策链', 'role', 'decisionrole', 'buyingrole'],
  relationship: ['关系', '客户关系', '关系等级', '关系级别', 'relationship', 'relationshiplevel', 'cr'],
  influence: ['影响力', '影响程度', 'influence', 'influencelevel'],
  concern: ['核心关切', '关切', '关注点', '诉求', '痛点', '需求', 'concern', 'coreconcern', 'concerns', 'painpoint'],
  champion: ['代言人', '内线', '教练', 'champion', 'coach'],
  contact: [
    '我方对接人',
    '对接人',
    '我方联系人',
    '我方负责人',
    '覆盖人',
    'ourcontact',
    'contact',
    'coveredby',
    'accountmanager',
  ],
  lastContact: [
    '最近接触',
    '最近联系',
    '最后接触',
    '最后联系',
    '最近拜访',
    '上次拜访',
    '最近接触日期',
    '最后联系时间',
    'lastcontact',
    'lastcontacted',
    'lastcontactdate',
    'lastvisit',
  ],
  crmId: ['crmid', 'crm编号', 'crm', '联系人id', '联系人编号', 'contactid', 'externalid'],
  shapeId: ['图形id', 'shapeid'],
}

const HEADER_INDEX = new Map<string, ContactField>()
for (const field of CONTACT_FIELDS) for (const word of HEADER_WORDS[field]) HEADER_INDEX.set(word, field)

/** NFKC, lower case, without spaces and punctuation: "Last Contact:" → "lastcontact". */
export function normaliseWord(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:：/()（）[\]【】*#]+/gu, '')
}

/**
 * The field a header names, or null. A header may carry both languages ("姓名 Name", as our
 * bilingual exports write it): the whole header is tried first, then each word of it.
 */
export function fieldForHeader(header: string): ContactField | null {
  const whole = HEADER_INDEX.get(normaliseWord(header))
  if (whole) return whole
  const words = header
    .normalize('NFKC')
    .split(/[\s/|]+/)
    .map(normaliseWord)
    .filter(Boolean)
  // "Last contact" split into words must not read as "contact": try the longest runs first.
  for (let len = words.length - 1; len >= 1; len--) {
    for (let start = 0; start + len <= words.length; start++) {
      const hit = HEADER_INDEX.get(words.slice(start, start + len).join(''))
      if (hit) return hit
    }
  }
  return null
}

function vocabulary<K extends string>(codes: readonly K[], ...tables: Record<K, { zh: string; en: string }>[]) {
  const map = new Map<string, K>()
  for (const code of codes) {
    map.set(normaliseWord(code), code)
    for (const table of tables) {
      map.set(normaliseWord(table[code].zh), code)
      map.set(normaliseWord(table[code].en), code)
    }
  }
  return map
}

const ROLE_WORDS = vocabulary(STAKEHOLDER_ROLES, ROLE_LABELS, ROLE_BADGES)
for (const [word, code] of [
  ['决策者', 'kdm'],
  ['拍板人', 'kdm'],
  ['decisionmaker', 'kdm'],
  ['影响者', 'ki'],
  ['influencer', 'ki'],
  ['使用者', 'ku'],
  ['用户', 'ku'],
  ['keyuser', 'ku'],
  ['user', 'ku'],
  ['技术把关', 'gatekeeper'],
  ['把关人', 'gatekeeper'],
  ['technicalgatekeeper', 'gatekeeper'],
] as const)
  ROLE_WORDS.set(word, code)

const RELATIONSHIP_WORDS = vocabulary(RELATIONSHIP_LEVELS, RELATIONSHIP_LABELS)
for (const code of RELATIONSHIP_LEVELS) {
  if (code === 'unknown') continue
  // "铁杆支持者", "Firm supporter": the label without its CR prefix.
  const { zh, en } = RELATIONSHIP_LABELS[code]
  RELATIONSHIP_WORDS.set(normaliseWord(zh.replace(/^CR\d\s*/, '')), code)
  RELATIONSHIP_WORDS.set(normaliseWord(en.replace(/^CR\d\s*/, '')), code)
}
for (const [word, code] of [
  ['中立', 'cr3'],
  ['友好', 'cr2'],
  ['友善', 'cr2'],
  ['friendly', 'cr2'],
  ['neutral', 'cr3'],
  ['反对者', 'cr5'],
  ['opponent', 'cr5'],
  ['未知', 'unknown'],
  ['不明', 'unknown'],
] as const)
  RELATIONSHIP_WORDS.set(word, code)

const INFLUENCE_WORDS = vocabulary(INFLUENCE_LEVELS, INFLUENCE_LABELS)
for (const [word, code] of [
  ['高', 'high'],
  ['中', 'medium'],
  ['低', 'low'],
  ['high', 'high'],
  ['medium', 'medium'],
  ['med', 'medium'],
  ['mid', 'medium'],
  ['low', 'low'],
] as const)
  INFLUENCE_WORDS.set(word, code)

const TRUE_WORDS = new Set(['是', '有', '√', '✓', '✔', 'y', 'yes', 'true', '1', 'x'].map(normaliseWord))
const FALSE_WORDS = new Set(['否', '无', '不是', '×', '✗', 'n', 'no', 'false', '0'].map(normaliseWord))

/**
 * A value in one of the vocabularies: the whole cell, or else one word of it ("KDM 关键决策者" as
 * our bilingual badge+label, "CR3 中立者") when every word that is known names the same code.
 */
function lookUp<K extends string>(words: Map<string, K>, raw: string): K | null {
  const whole = words.get(normaliseWord(raw))
  if (whole) return whole
  const hits = new Set<K>()
  for (const part of raw.normalize('NFKC').split(/[\s/|,，、]+/)) {
    const w = normaliseWord(part)
    if (!w) continue
    const hit = words.get(w)
    if (hit) hits.add(hit)
  }
  return hits.size === 1 ? [...hits][0]! : null
}

export const parseRole = (raw: string) => lookUp(ROLE_WORDS, raw)
export const parseRelationship = (raw: string) => lookUp(RELATIONSHIP_WORDS, raw)
export const parseInfluence = (raw: string) => lookUp(INFLUENCE_WORDS, raw)

export function parseChampion(raw: string): boolean | null {
  const w = normaliseWord(raw)
  if (TRUE_WORDS.has(w) || w === normaliseWord('代言人') || w === 'champion') return true
  if (FALSE_WORDS.has(w)) return false
  return null
}

function iso(year: number, month: number, day: number): string | null {
  const s = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
  return isIsoDate(s) ? s : null
}

/**
 * A calendar day as YYYY-MM-DD: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日, an ISO
 * timestamp, or an Excel serial day number (what a date cell holds when read as a number).
 * Day-first and month-first forms (20/11/2026, 11/20/2026) are ambiguous and are refused.
 */
export function parseDay(raw: string): string | null {
  const s = raw.normalize('NFKC').trim()
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(s)
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]))
  m = /^(\d{5})(?:\.\d+)?$/.exec(s)
  if (m) {
    // Excel's day 1 is 1900-01-01 with the 1900 leap-year bug: day 25569 is 1970-01-01.
    const days = Number(m[1]) - 25569
    const d = new Date(days * 86_400_000)
    if (d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 2100) return null
    return d.toISOString().slice(0, 10)
  }
  return null
}
