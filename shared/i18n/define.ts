import type { Lang } from './lang'

/**
 * One entry of the catalogue: a text, or its plural forms. Plural forms follow i18next (CLDR
 * categories, chosen by the `count` parameter): English needs `one` and `other`; Chinese has one
 * form, so a plain string is enough. `{name}` marks a parameter.
 */
export type Message = string | { one?: string; other: string }

/**
 * One area's strings in every language. The English table must have exactly the Chinese table's
 * keys, so a missing translation is a type error, not a blank.
 */
export function defineMessages<const K extends string>(
  tables: { zh: Record<K, Message> } & { [L in Exclude<Lang, 'zh'>]: Record<K, Message> },
): Record<Lang, Record<K, Message>> {
  return tables
}
