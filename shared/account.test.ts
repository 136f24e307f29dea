import { describe, expect, it } from 'vitest'
import { accountFieldSchemas, accountFieldsSchema, DEFAULT_ACCOUNT, parseAccount } from './account'

describe('parseAccount', () => {
  it('an empty or missing map is the default account, without issues', () => {
    expect(parseAccount({})).toEqual({ account: DEFAULT_ACCOUNT, issues: [] })
    expect(parseAccount(undefined)).toEqual({ account: DEFAULT_ACCOUNT, issues: [] })
    expect(accountFieldsSchema.safeParse(DEFAULT_ACCOUNT).success).toBe(true)
  })

  it('keeps valid fields and ignores unknown keys', () => {
    const raw = {
      name: '华东电网',
      tier: 'breakthrough',
      owner: '张三',
      goal: '拿下调度系统',
      target: '5000 万',
      deadline: '2027-06-30',
      window: '2027-03-31',
      stage: 'P4',
      closeness: 4,
      potential: 5,
      winProbability: 62.5,
      competitors: [{ name: '友商甲', manager: '周经理', strengths: '价格', weaknesses: '交付' }],
      somethingElse: 1,
    }
    const { account, issues } = parseAccount(raw)
    expect(issues).toEqual([])
    const { somethingElse: _ignored, ...expected } = raw
    expect(account).toEqual(expected)
  })

  it('reports each invalid field and uses its default instead', () => {
    const { account, issues } = parseAccount({
      name: 42,
      tier: 'gold',
      deadline: '2026-02-30',
      window: '31/12/2026',
      stage: 'P9',
      closeness: 0,
      potential: 3.5,
      winProbability: 101,
      owner: '张三',
    })
    expect(issues.map((i) => i.field)).toEqual([
      'name',
      'tier',
      'deadline',
      'window',
      'stage',
      'closeness',
      'potential',
      'winProbability',
    ])
    expect(account).toEqual({ ...DEFAULT_ACCOUNT, owner: '张三' })
  })

  it('accepts a lower-case stage typed by hand', () => {
    expect(parseAccount({ stage: 'p2' }).account.stage).toBe('P2')
  })

  it('keeps good competitors, fills missing text, and reports bad entries', () => {
    const { account, issues } = parseAccount({ competitors: [{ name: '甲' }, 'junk', { name: '乙', manager: 7 }] })
    expect(account.competitors).toEqual([
      { name: '甲', manager: '', strengths: '', weaknesses: '' },
      { name: '乙', manager: '', strengths: '', weaknesses: '' },
    ])
    expect(issues.map((i) => i.field)).toEqual(['competitors.1', 'competitors.2.manager'])
    expect(parseAccount({ competitors: 'none' }).issues.map((i) => i.field)).toEqual(['competitors'])
  })

  it('never throws on non-objects', () => {
    for (const raw of [null, 7, 'x', [], true]) {
      const { account } = parseAccount(raw)
      expect(account).toEqual(DEFAULT_ACCOUNT)
    }
    expect(parseAccount([]).issues).toHaveLength(1)
  })

  it('per-field schemas let the panel check one value before writing it', () => {
    expect(accountFieldSchemas.deadline.safeParse('2026-12-31').success).toBe(true)
    expect(accountFieldSchemas.deadline.safeParse('2026-12-32').success).toBe(false)
    expect(accountFieldSchemas.tier.safeParse('').success).toBe(true)
    expect(accountFieldSchemas.closeness.safeParse(null).success).toBe(true)
  })
})
