/**
 * Does an owner field name exactly one person? The methodology insists on one accountable
 * owner (唯一负责人), and teams habitually write "张三、李四" or "sales / presales" instead.
 *
 * Rules, applied to the NFKC-normalised text (so full-width ，；／＆ count like , ; / &):
 * 1. Text in brackets is a remark and is ignored: "张三（李四协助）" has one owner.
 * 2. Empty text and placeholders (待定, TBD, n/a, -, ?) mean no owner.
 * 3. Collective owners are several people: 大家, 全员, 所有人, "销售团队" (ends in 团队/小组/部门),
 *    everyone, all, team; so is a trailing 等 / 等人 ("张三等").
 * 4. These always separate names: 、 , ; / \ | & + line breaks, and the words "and" / "or"
 *    between spaces (so "Anderson" and "Orr" are single names).
 * 5. The conjunctions 以及 和 与 及 跟 同 或 separate names only when each side has at least two
 *    characters. Chinese given names contain these characters (王和平, 欧阳和平, 李同), and a
 *    Chinese full name has at least two characters, so "张三和李四" is two people while "王和平"
 *    and "欧阳和平" are one. Known blind spots: "张和李" (surnames only) reads as one name, and a
 *    compound surname before a two-character given name starting with 和 ("欧阳和平安") reads as
 *    two; neither is worth a dictionary.
 * 6. Spaces separate names only between Chinese words of two or more characters ("张三 李四");
 *    "John Smith" and "张 三" are one person each.
 */

export type OwnerAnalysis =
  | { kind: 'missing' }
  | { kind: 'single'; name: string }
  | { kind: 'multiple'; names: string[] }

const BRACKETED = /[([{【〔][^)\]}】〕]*[)\]}】〕]/g
const PLACEHOLDERS = new Set([
  '待定',
  '未定',
  '待指定',
  '无',
  '暂无',
  '未知',
  'tbd',
  'tba',
  'n/a',
  'na',
  'none',
  'nobody',
  'unknown',
  '-',
  '--',
  '?',
  '??',
  '...',
  '…',
])
const COLLECTIVE_WORDS = new Set([
  '大家',
  '全员',
  '所有人',
  '全体',
  'everyone',
  'everybody',
  'all',
  'team',
  'the team',
  'all hands',
])
const COLLECTIVE_SUFFIX = /(团队|小组|全员|全体|各部门|部门)$/
const ET_AL = /^(.+?)\s*等人?$/
const HARD_SEPARATORS = /[、,;/\\|&+\n\r]|\s+(?:and|or)\s+/i
const CONJUNCTIONS = /以及|和|与|及|跟|同|或/g
const CJK_WORD = /^[\p{Script=Han}·]+$/u

function charCount(s: string): number {
  return [...s].length
}

/** Splits on a conjunction where both sides have ≥2 characters; the last such split first. */
function splitOnConjunctions(part: string): string[] {
  let best: { index: number; length: number } | null = null
  for (const m of part.matchAll(CONJUNCTIONS)) {
    const left = part.slice(0, m.index).trim()
    const right = part.slice(m.index + m[0].length).trim()
    if (charCount(left) >= 2 && charCount(right) >= 2) best = { index: m.index, length: m[0].length }
  }
  if (!best) return [part]
  const left = part.slice(0, best.index).trim()
  const right = part.slice(best.index + best.length).trim()
  return [...splitOnConjunctions(left), right]
}

function splitOnSpaces(part: string): string[] {
  const words = part.split(/\s+/).filter(Boolean)
  if (words.length > 1 && words.every((w) => CJK_WORD.test(w) && charCount(w) >= 2)) return words
  return [part]
}

/** Classifies an owner field as missing, one person, or several (see the module comment). */
export function analyzeOwner(raw: unknown): OwnerAnalysis {
  if (typeof raw !== 'string') return { kind: 'missing' }
  const text = raw.normalize('NFKC').replace(BRACKETED, ' ').replace(/\s+/g, ' ').trim()
  if (text === '') return { kind: 'missing' }
  const lower = text.toLowerCase()
  if (PLACEHOLDERS.has(lower)) return { kind: 'missing' }
  if (COLLECTIVE_WORDS.has(lower) || COLLECTIVE_SUFFIX.test(text)) return { kind: 'multiple', names: [text] }
  const etAl = ET_AL.exec(text)
  if (etAl) return { kind: 'multiple', names: [etAl[1]!.trim(), '等'] }

  const names = text
    .split(HARD_SEPARATORS)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap(splitOnConjunctions)
    .flatMap(splitOnSpaces)
    .filter(Boolean)
  if (names.length === 0) return { kind: 'missing' }
  if (names.length === 1) return { kind: 'single', name: names[0]! }
  return { kind: 'multiple', names }
}
