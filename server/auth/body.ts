import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { describeIssues } from '../../shared/i18n/issues.ts'
import { personError } from '../http/errors.ts'

/**
 * Reads and validates a JSON body at the boundary. Only `application/json` is accepted (a
 * cross-site HTML form cannot send it); a bad body is a 400 naming every field at fault.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new HTTPException(415, { message: 'send the body as application/json' })
  }
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch {
    throw new HTTPException(400, { message: 'the body is not valid JSON' })
  }
  const result = schema.safeParse(raw)
  if (!result.success) throw personError(400, 'error.invalid', { details: describeIssues(result.error) })
  return result.data
}
