/** The languages of War Room: Chinese first, English second. */
export const LANGS = ['zh', 'en'] as const
export type Lang = (typeof LANGS)[number]

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}

/** A text in every language, as API outputs carry it (`message: { zh, en }`). */
export type Bilingual = Record<Lang, string>
