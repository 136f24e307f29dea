/**
 * The account fields contract: what lives in a room's `doc.getMap('account')` (DocKeys.account).
 * The map holds plain JSON values under the keys below; the account panel writes them and every
 * reader goes through {@link parseAccount}, which never throws: the map is edited by any client,
 * so a bad value is reported and replaced by its default instead of breaking the plan.
 */
import { z } from 'zod'
import { isIsoDate } from './plan/dates'
import { FUNNEL_STAGES, type FunnelStage } from './shapes/types'

/** 分层: strategic 战略型 · breakthrough 攻坚型 · opportunity 机会型. */
export const ACCOUNT_TIERS = ['strategic', 'breakthrough', 'opportunity'] as const
export type AccountTier = (typeof ACCOUNT_TIERS)[number]

/** 竞争对手 (seed 004 §5). */
export interface Competitor {
  name: string
  /** Their account manager on this customer. */
  manager: string
  strengths: string
  weaknesses: string
}

export interface AccountFields {
  name: string
  /** Empty until the team has tiered the account. */
  tier: AccountTier | ''
  /** 唯一负责人: exactly one person. */
  owner: string
  goal: string
  /** The measurable target (amount, scope), free text. */
  target: string
  /** `YYYY-MM-DD` or empty. */
  deadline: string
  /** `YYYY-MM-DD` or empty; the window of a breakthrough account. */
  window: string
  stage: FunnelStage | ''
  /** 客情关系紧密度 1–5, null when not assessed. */
  closeness: number | null
  /** 潜在价值 1–5, null when not assessed. */
  potential: number | null
  /** 赢单概率 0–100 (percent), null when not assessed. */
  winProbability: number | null
  competitors: Competitor[]
}

export type AccountFieldName = keyof AccountFields

export const ACCOUNT_FIELD_NAMES = [
  'name',
  'tier',
  'owner',
  'goal',
  'target',
  'deadline',
  'window',
  'stage',
  'closeness',
  'potential',
  'winProbability',
  'competitors',
] as const satisfies readonly AccountFieldName[]

const isoDateOrEmpty = z.string().refine((s) => s === '' || isIsoDate(s), 'expected YYYY-MM-DD or empty')
const score1to5 = z.number().int().min(1).max(5).nullable()

export const competitorSchema = z.object({
  name: z.string(),
  manager: z.string(),
  strengths: z.string(),
  weaknesses: z.string(),
})

/** One schema per field, so the account panel can check a value before writing it. */
export const accountFieldSchemas = {
  name: z.string(),
  tier: z.enum([...ACCOUNT_TIERS, '']),
  owner: z.string(),
  goal: z.string(),
  target: z.string(),
  deadline: isoDateOrEmpty,
  window: isoDateOrEmpty,
  stage: z.enum([...FUNNEL_STAGES, '']),
  closeness: score1to5,
  potential: score1to5,
  winProbability: z.number().min(0).max(100).nullable(),
  competitors: z.array(competitorSchema),
} satisfies { [K in AccountFieldName]: z.ZodType<AccountFields[K]> }

/** The strict schema of a complete, valid set of account fields (as found in a PlanRecord). */
export const accountFieldsSchema = z.object(accountFieldSchemas)

export const DEFAULT_ACCOUNT: Readonly<AccountFields> = Object.freeze({
  name: '',
  tier: '',
  owner: '',
  goal: '',
  target: '',
  deadline: '',
  window: '',
  stage: '',
  closeness: null,
  potential: null,
  winProbability: null,
  competitors: [],
})

/** A field whose stored value could not be used; the default was used in its place. */
export interface AccountFieldIssue {
  /** The field name, or `competitors.N` / `competitors.N.name` for one competitor. */
  field: string
  /** Why, in English (for logs; findings carry the bilingual message). */
  reason: string
}

export interface ParsedAccount {
  account: AccountFields
  issues: AccountFieldIssue[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function firstIssueMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid value'
}

const competitorKeys = ['name', 'manager', 'strengths', 'weaknesses'] as const

function parseCompetitors(value: unknown, issues: AccountFieldIssue[]): Competitor[] {
  if (!Array.isArray(value)) {
    issues.push({ field: 'competitors', reason: 'expected a list of competitors' })
    return []
  }
  const competitors: Competitor[] = []
  value.forEach((entry, i) => {
    if (!isRecord(entry)) {
      issues.push({ field: `competitors.${i}`, reason: 'expected an object' })
      return
    }
    const competitor: Competitor = { name: '', manager: '', strengths: '', weaknesses: '' }
    for (const key of competitorKeys) {
      const v = entry[key]
      if (typeof v === 'string') competitor[key] = v
      else if (v !== undefined && v !== null) issues.push({ field: `competitors.${i}.${key}`, reason: 'expected text' })
    }
    competitors.push(competitor)
  })
  return competitors
}

/**
 * Reads account fields from untrusted JSON (typically `doc.getMap('account').toJSON()`).
 * Missing or null fields take their defaults silently (a new account is empty); present but
 * invalid ones take their defaults and are listed in `issues`. Unknown keys are ignored.
 * Never throws.
 */
export function parseAccount(raw: unknown): ParsedAccount {
  const issues: AccountFieldIssue[] = []
  const account: AccountFields = { ...DEFAULT_ACCOUNT, competitors: [] }
  if (raw === undefined || raw === null) return { account, issues }
  if (!isRecord(raw)) {
    issues.push({ field: '', reason: 'account fields are not an object' })
    return { account, issues }
  }
  for (const field of ACCOUNT_FIELD_NAMES) {
    let value = raw[field]
    if (value === undefined || value === null) continue
    if (field === 'competitors') {
      account.competitors = parseCompetitors(value, issues)
      continue
    }
    // Stage codes are upper case; accept "p3" as typed by hand rather than discard it.
    if (field === 'stage' && typeof value === 'string') value = value.trim().toUpperCase()
    const result = accountFieldSchemas[field].safeParse(value)
    if (result.success) {
      ;(account as unknown as Record<string, unknown>)[field] = result.data
    } else {
      issues.push({ field, reason: firstIssueMessage(result.error) })
    }
  }
  return { account, issues }
}
