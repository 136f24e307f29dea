import type { Context } from 'hono'
import { AUDIENCES, type Audience, parseAudience } from '../../shared/audience.ts'
import { personError } from './errors.ts'

/**
 * `?audience=team|customer` of a report route (absent: team). The customer variant applies the
 * allow-list in shared/audience.ts; an unknown value is a 400, never a silent full report.
 */
export function audienceOf(c: Context): Audience {
  const audience = parseAudience(c.req.query('audience'))
  if (!audience) {
    throw personError(400, 'error.query.audience', {
      choices: { zh: AUDIENCES.join(' 或 '), en: AUDIENCES.join(' or ') },
    })
  }
  return audience
}
