import { describe, expect, it } from 'vitest'
import { messages as clientMessages } from '../../client/i18n/messages/index.ts'
import { addMessages, bilingual, type Message, translateKey, translateWithI18next } from '../../shared/i18n/index.ts'
import { sharedMessages } from '../../shared/i18n/messages/index.ts'

addMessages(clientMessages)

const placeholders = (m: Message) =>
  [
    ...new Set([...(typeof m === 'string' ? m : `${m.one ?? ''} ${m.other}`).matchAll(/\{(\w+)\}/g)].map((x) => x[1])),
  ].sort()

describe('the translation catalogue', () => {
  it('English has plural forms: 1 account, 2 accounts; Chinese has one form', () => {
    expect(translateKey('en', 'portfolio.count', { count: 1 })).toBe('1 account')
    expect(translateKey('en', 'portfolio.count', { count: 2 })).toBe('2 accounts')
    expect(translateKey('en', 'portfolio.count', { count: 0 })).toBe('0 accounts')
    expect(translateKey('zh', 'portfolio.count', { count: 1 })).toBe('共 1 个客户')
    expect(translateKey('en', 'plan.badge.title', { count: 1 })).toBe('1 finding')
    expect(translateKey('en', 'portfolio.health.value', { score: 80, count: 1 })).toBe('80 · 1 finding')
  })

  it('fills parameters, per language when a parameter has one value per language', () => {
    expect(translateKey('en', 'members.title', { name: 'ACME' })).toBe('Members of “ACME”')
    expect(translateKey('zh', 'members.title', { name: { zh: '甲', en: 'A' } })).toBe('「甲」的成员')
  })

  it('every entry has the same parameters in every language', () => {
    const mismatched: string[] = []
    for (const tables of [clientMessages, sharedMessages] as Record<'zh' | 'en', Record<string, Message>>[]) {
      for (const [key, zh] of Object.entries(tables.zh)) {
        const en = tables.en[key]
        if (en === undefined || placeholders(zh).join() !== placeholders(en).join()) mismatched.push(key)
      }
    }
    expect(mismatched).toEqual([])
  })

  it('the fast lookup says exactly what i18next’s own t() says, for every entry, plural or not', () => {
    const differ: string[] = []
    for (const tables of [clientMessages, sharedMessages] as Record<'zh' | 'en', Record<string, Message>>[]) {
      for (const lang of ['zh', 'en'] as const) {
        for (const [key, m] of Object.entries(tables[lang])) {
          for (const count of [0, 1, 2, 5]) {
            const params = Object.fromEntries(placeholders(m).map((p) => [p, p === 'count' ? count : `<${p}>`]))
            if (translateKey(lang, key, params) !== translateWithI18next(lang, key, params))
              differ.push(`${lang} ${key}`)
          }
        }
      }
    }
    expect(differ).toEqual([])
  })

  it('gives API outputs their { zh, en } shape', () => {
    expect(bilingual('finding.champion.missing')).toEqual({
      zh: '还没有代言人：客户内部需要有人替我们说话。',
      en: 'No champion yet: we need someone inside the customer who sells for us.',
    })
  })
})
