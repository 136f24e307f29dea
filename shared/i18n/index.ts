/**
 * The translation catalogue: one i18next instance holding one resource bundle per language,
 * used by the client (UI), the server (exports, error messages shown to people) and shared/
 * (findings, labels). Areas of strings are written with `defineMessages` (shared/i18n/messages
 * for strings the server also renders, client/i18n/messages for the browser's own) and added
 * with `addMessages`; docs/architecture.md says how to add one.
 */
import i18next from 'i18next'
import type { Message } from './define'
import { type Bilingual, LANGS, type Lang } from './lang'
import { sharedMessages } from './messages'

export { defineMessages, type Message } from './define'
export { type Bilingual, isLang, LANGS, type Lang } from './lang'

export type SharedMessageKey = keyof (typeof sharedMessages)['zh']
/** A parameter: a value, or a value per language (e.g. a name quoted 「」 in Chinese, “” in English). */
export type Param = string | number | Bilingual
export type Params = Record<string, Param>

const i18n = i18next.createInstance()
void i18n.init({
  // Synchronous: every resource is bundled, so translations work on the first call.
  initAsync: false,
  resources: {},
  lng: 'zh',
  fallbackLng: false,
  supportedLngs: [...LANGS],
  // Keys are flat ("plan.badge.title"); dots and colons are part of them.
  keySeparator: false,
  nsSeparator: false,
  // Our placeholders are {name}; output is plain text that each renderer escapes.
  interpolation: { prefix: '{', suffix: '}', escapeValue: false },
  returnNull: false,
} as Parameters<typeof i18n.init>[0])

/** i18next's flat form of an area table: plural entries become `key_one`, `key_other`. */
function flatten(table: Record<string, Message>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') out[key] = value
    else {
      out[`${key}_other`] = value.other
      if (value.one !== undefined) out[`${key}_one`] = value.one
    }
  }
  return out
}

/** Adds areas of strings to the catalogue (each language's bundle). Later keys replace earlier ones. */
export function addMessages(tables: Record<Lang, Record<string, Message>>): void {
  for (const lang of LANGS) i18n.addResources(lang, 'translation', flatten(tables[lang]))
}

addMessages(sharedMessages)

function resolve(lang: Lang, params: Params | undefined): Record<string, string | number> | undefined {
  if (!params) return undefined
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(params)) out[name] = typeof value === 'object' ? value[lang] : value
  return out
}

// i18next's own t() costs 30–60 µs a call on this machine (it re-resolves the language, the
// namespace and nesting every time), and derivation writes two messages per finding while a
// canvas renders hundreds of labels. So lookups read i18next's store directly, pick the plural
// form with the same CLDR rules (Intl.PluralRules, built once per language) and fill a template
// parsed once: about 1 µs a call. i18n.t() stays the reference: tests/unit/i18n.test.ts
// compares the two on every entry.
const pluralRules = new Map<Lang, Intl.PluralRules>()
function pluralCategory(lang: Lang, count: number): string {
  let rules = pluralRules.get(lang)
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)))
  return rules.select(count)
}

type Part = string | { param: string }
const parsed = new Map<string, Part[]>()
function parts(template: string): Part[] {
  let out = parsed.get(template)
  if (out) return out
  out = []
  let last = 0
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) out.push(template.slice(last, m.index))
    out.push({ param: m[1]! })
    last = m.index + m[0].length
  }
  if (last < template.length) out.push(template.slice(last))
  parsed.set(template, out)
  return out
}

function lookup(lang: Lang, key: string, count: unknown): string | undefined {
  const get = (k: string) => i18n.getResource(lang, 'translation', k) as string | undefined
  if (typeof count === 'number') {
    const form = get(`${key}_${pluralCategory(lang, count)}`) ?? get(`${key}_other`)
    if (form !== undefined) return form
  }
  return get(key)
}

/** A catalogue entry in one language, `{name}` filled from params (`count` also picks the plural form). */
export function translateKey(lang: Lang, key: string, params?: Params): string {
  const template = lookup(lang, key, params?.count)
  if (template === undefined) return key
  if (!params) return template
  let text = ''
  for (const part of parts(template)) {
    if (typeof part === 'string') text += part
    else {
      const value = params[part.param]
      text += value === undefined ? `{${part.param}}` : typeof value === 'object' ? value[lang] : String(value)
    }
  }
  return text
}

/** The same through i18next's own t() (slower; the reference the fast path is tested against). */
export function translateWithI18next(lang: Lang, key: string, params?: Params): string {
  return i18n.t(key, { lng: lang, ...resolve(lang, params) }) as string
}

/** A shared catalogue entry in one language. */
export function translate(lang: Lang, key: SharedMessageKey, params?: Params): string {
  return translateKey(lang, key, params)
}

/** A shared catalogue entry in every language, as API outputs carry messages (`{ zh, en }`). */
export function bilingual(key: SharedMessageKey, params?: Params): Bilingual {
  return { zh: translateKey('zh', key, params), en: translateKey('en', key, params) }
}

/**
 * A `{ zh, en }` table of display names for a set of codes, read from the catalogue keys
 * `<prefix>.<code>` (the empty code reads `<prefix>.none`).
 */
export function labelTable<const C extends string>(prefix: string, codes: readonly C[]): Record<C, Bilingual> {
  const table = {} as Record<C, Bilingual>
  for (const code of codes) {
    const key = `${prefix}.${code || 'none'}`
    table[code] = { zh: translateKey('zh', key), en: translateKey('en', key) }
  }
  return table
}

/** Whether the catalogue has this key (e.g. a zod issue message that names one). */
export function hasKey(key: string): boolean {
  return i18n.exists(key, { lng: 'en' })
}
