import { describe, expect, it } from 'vitest'
import { checkPortfolioFocus, type PortfolioAccount } from './portfolio'

const acct = (id: string, owner: string, tier: PortfolioAccount['tier'], archived = false): PortfolioAccount => ({
  id,
  name: id,
  owner,
  tier,
  archived,
})

describe('checkPortfolioFocus', () => {
  it('flags an owner with more strategic + breakthrough accounts than the limit', () => {
    const findings = checkPortfolioFocus(
      [
        acct('a', '张三', 'strategic'),
        acct('b', '张三', 'breakthrough'),
        acct('c', '张三', 'strategic'),
        acct('d', '张三', 'breakthrough'),
        acct('e', '李四', 'strategic'),
      ],
      3,
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      code: 'portfolio.focus.exceeded',
      severity: 'warning',
      owner: '张三',
      accountIds: ['a', 'b', 'c', 'd'],
      limit: 3,
    })
    expect(findings[0].message.zh).toContain('张三')
    expect(findings[0].message.zh).toContain('4')
    expect(findings[0].message.en).toContain('force spread evenly')
  })

  it('allows exactly the limit, and does not count opportunity, untiered or archived accounts', () => {
    const accounts = [
      acct('a', '张三', 'strategic'),
      acct('b', '张三', 'breakthrough'),
      acct('c', '张三', 'strategic'),
      acct('d', '张三', 'opportunity'),
      acct('e', '张三', ''),
      acct('f', '张三', 'strategic', true),
    ]
    expect(checkPortfolioFocus(accounts, 3)).toEqual([])
    expect(checkPortfolioFocus(accounts, 2)).toHaveLength(1)
  })

  it('counts an account for each person a shared owner field names, and ignores placeholders', () => {
    const findings = checkPortfolioFocus(
      [
        acct('a', '张三、李四', 'strategic'),
        acct('b', '张三', 'strategic'),
        acct('c', '待定', 'strategic'),
        acct('d', ' 张三 ', 'breakthrough'),
      ],
      2,
    )
    expect(findings.map((f) => [f.owner, f.accountIds])).toEqual([['张三', ['a', 'b', 'd']]])
  })

  it('uses the default limit of 3', () => {
    const four = ['a', 'b', 'c', 'd'].map((id) => acct(id, 'Alice', 'strategic'))
    expect(checkPortfolioFocus(four)).toHaveLength(1)
    expect(checkPortfolioFocus(four.slice(0, 3))).toEqual([])
  })
})
