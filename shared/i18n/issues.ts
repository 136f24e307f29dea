import type { z } from 'zod'
import { type Bilingual, hasKey, translateKey } from './index'
import { LANGS } from './lang'

/**
 * A zod error as people read it, in every language: "password: at least 8 characters" /
 * "密码：至少 8 个字符". Issue messages and field names that are catalogue keys
 * (`validation.*`, `error.field.<name>`) are translated; others (zod's own) stay as they are.
 */
export function describeIssues(error: Pick<z.ZodError, 'issues'>): Bilingual {
  const out = {} as Bilingual
  for (const lang of LANGS) {
    out[lang] = error.issues
      .map((issue) => {
        const path = issue.path.join('.') || 'body'
        const field = hasKey(`error.field.${path}`) ? translateKey(lang, `error.field.${path}`) : path
        const text = hasKey(issue.message) ? translateKey(lang, issue.message) : issue.message
        return lang === 'zh' ? `${field}：${text}` : `${field}: ${text}`
      })
      .join(lang === 'zh' ? '；' : '; ')
  }
  return out
}
