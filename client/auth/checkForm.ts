/**
 * Checks a form's fields in the browser with the same schemas the server applies
 * (shared/users.ts), so a person sees "密码：至少 8 个字符" before anything is sent.
 */
import { z } from 'zod'
import type { Bilingual } from '../../shared/i18n'
import { describeIssues } from '../../shared/i18n/issues'
import { emailSchema, nameSchema, passwordSchema } from '../../shared/users'

const FIELDS = { email: emailSchema, name: nameSchema, password: passwordSchema }

/** What is wrong with these fields, in every language, or null when they would be accepted. */
export function checkPersonFields(values: Partial<Record<keyof typeof FIELDS, string>>): Bilingual | null {
  const shape = Object.fromEntries(Object.keys(values).map((k) => [k, FIELDS[k as keyof typeof FIELDS]]))
  const result = z.object(shape).safeParse(values)
  return result.success ? null : describeIssues(result.error)
}
