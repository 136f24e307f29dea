import type { Lang } from '../lang'

/**
 * One area's UI strings in every language. The English table must have exactly
 * the Chinese table's keys, so a missing translation is a type error, not a blank.
 */
export function defineMessages<const K extends string>(
  tables: { zh: Record<K, string> } & { [L in Exclude<Lang, 'zh'>]: Record<K, string> },
): Record<Lang, Record<K, string>> {
  return tables
}
