import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AUDIENCES, type Audience, parseAudience } from '../../shared/audience.ts'

/**
 * `?audience=team|customer` of a report route (absent: team). The customer variant applies the
 * allow-list in shared/audience.ts; an unknown value is a 400, never a silent full report.
 */
export function audienceOf(c: Context): Audience {
  const audience = parseAudience(c.req.query('audience'))
  if (!audience) throw new HTTPException(400, { message: `audience must be ${AUDIENCES.join(' or ')}` })
  return audience
}
