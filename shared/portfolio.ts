/**
 * Portfolio checks: across the accounts a person can see, does one owner hold too many accounts
 * that demand heavy investment? Strategic (战略型) and breakthrough (攻坚型) accounts each need a
 * committed owner; more than a few per person is "force spread evenly" (平均用力), the first
 * failure the source articles name. Pure: used by the portfolio page, testable without a server.
 */
import type { AccountTier } from './account'
import { bilingual } from './i18n'
import { analyzeOwner } from './plan/owners'

export const PORTFOLIO_FOCUS_CODE = 'portfolio.focus.exceeded'
export const DEFAULT_PORTFOLIO_FOCUS_LIMIT = 3

/** Tiers that call for heavy, focused investment. */
const FOCUS_TIERS: readonly AccountTier[] = ['strategic', 'breakthrough']

export interface PortfolioAccount {
  id: string
  name: string
  tier: AccountTier | ''
  owner: string
  /** Archived accounts no longer take anyone's time. */
  archived?: boolean
}

export interface PortfolioFinding {
  code: typeof PORTFOLIO_FOCUS_CODE
  severity: 'warning'
  /** The owner as written on the accounts. */
  owner: string
  /** Their strategic + breakthrough accounts, in the order given. */
  accountIds: string[]
  limit: number
  message: { zh: string; en: string }
}

/**
 * One finding per owner who holds more than `limit` strategic + breakthrough accounts. An owner
 * field naming several people ("张三、李四") counts the account for each of them.
 */
export function checkPortfolioFocus(
  accounts: readonly PortfolioAccount[],
  limit = DEFAULT_PORTFOLIO_FOCUS_LIMIT,
): PortfolioFinding[] {
  const byOwner = new Map<string, { owner: string; ids: string[] }>()
  for (const account of accounts) {
    if (account.archived || !FOCUS_TIERS.includes(account.tier as AccountTier)) continue
    const analysis = analyzeOwner(account.owner)
    const names = analysis.kind === 'single' ? [analysis.name] : analysis.kind === 'multiple' ? analysis.names : []
    for (const name of names) {
      const key = name.normalize('NFKC').trim().toLowerCase()
      const entry = byOwner.get(key) ?? { owner: name.trim(), ids: [] }
      if (!entry.ids.includes(account.id)) entry.ids.push(account.id)
      byOwner.set(key, entry)
    }
  }
  const findings: PortfolioFinding[] = []
  for (const { owner, ids } of byOwner.values()) {
    if (ids.length <= limit) continue
    findings.push({
      code: PORTFOLIO_FOCUS_CODE,
      severity: 'warning',
      owner,
      accountIds: ids,
      limit,
      message: bilingual('finding.portfolio.focus', { owner, count: ids.length, limit }),
    })
  }
  return findings.sort((a, b) => b.accountIds.length - a.accountIds.length || a.owner.localeCompare(b.owner))
}
