/**
 * The accounts API's shared contract: membership roles and what a portfolio row carries.
 * The server answers with these shapes (server/accounts/AccountService.ts) and the client reads
 * them (client/auth/api.ts), so both name them from here.
 */
import type { AccountTier } from './account'
import type { ChangeSummary } from './review/types'

export const MEMBER_ROLES = ['owner', 'editor', 'viewer'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

/** What a portfolio row shows about an account. */
export interface AccountSummary {
  id: string
  name: string
  tier: AccountTier | ''
  owner: string
  stage: string
  /** From the stored plan record; null until the plan has been derived once. */
  health: { score: number; findings: number; errors: number; warnings: number } | null
  lastActivityAt: string
  createdAt: string
  archived: boolean
  /** The caller's effective role. */
  role: MemberRole
  /** The newest review (复盘) of the account, or null (listing only). */
  lastReview?: { id: string; at: string; title: string } | null
  /** What moved since that review, against the stored plan (listing only; null without a review). */
  sinceLastReview?: ChangeSummary | null
}
