import { describe, expect, it } from 'vitest'
import { isValidAccountId } from '../../shared/protocol.ts'
import { slugFor } from './AccountService.ts'

describe('slugFor', () => {
  it('makes ids that match the account id pattern', () => {
    for (const name of [
      'Acme Bank',
      '  ÉDF — Énergie  ',
      'a'.repeat(200),
      '中国 Mobile 移动',
      '华东电网',
      '!!!',
      'x',
    ]) {
      expect(isValidAccountId(slugFor(name)), name).toBe(true)
    }
  })

  it('keeps Latin words and gives other names a random id', () => {
    expect(slugFor('Acme Bank')).toBe('acme-bank')
    expect(slugFor('  ÉDF — Énergie  ')).toBe('edf-energie')
    expect(slugFor('中国 Mobile 移动')).toBe('mobile')
    expect(slugFor('华东电网')).toMatch(/^account-[0-9a-f]{6}$/)
    expect(slugFor('华东电网')).not.toBe(slugFor('华东电网'))
  })
})
