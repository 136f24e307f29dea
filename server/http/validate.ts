/**
 * Request bodies validated at the boundary with @hono/zod-validator: `app.post(path, jsonBody(schema),
 * (c) => c.req.valid('json'))`. Only `application/json` is accepted (a cross-site HTML form cannot
 * send it: part of the CSRF model), and a bad body is a 400 naming every field at fault, in the
 * catalogue's languages.
 */
import { zValidator } from '@hono/zod-validator'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { z } from 'zod'
import { describeIssues } from '../../shared/i18n/issues.ts'
import { personError } from './errors.ts'

const JSON_TYPE = /^application\/json\b/i

const invalid = (error: Pick<z.ZodError, 'issues'>) =>
  personError(400, 'error.invalid', { details: describeIssues(error) })

/** Validates the JSON body against `schema`; the handler reads it with `c.req.valid('json')`. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  const validator = zValidator('json', schema, (result, c) => {
    // The validator reads only JSON bodies and validates `{}` for any other type: refuse those first.
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) throw personError(415, 'error.body.notJson')
    if (!result.success) throw invalid(result.error)
  })
  // A body that is not JSON at all gets the catalogue's 400, not the validator's English-only one;
  // Hono keeps the parsed body, so the validator does not read it twice.
  const parsedFirst = createMiddleware(async (c, next) => {
    if (JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      try {
        await c.req.json()
      } catch {
        throw personError(400, 'error.body.malformed')
      }
    }
    return validator(c, next)
  })
  // Typed as the validator itself, so handlers and hono/client see the body's type.
  return parsedFirst as unknown as typeof validator
}

/**
 * Runs an access check as a middleware, before the body is read, so a caller without access
 * learns nothing about the body's rules; the handler reads the result as `c.var.access`.
 */
export function authorise<T>(check: (c: Context) => T) {
  return createMiddleware<{ Variables: { access: T } }>(async (c, next) => {
    c.set('access', check(c))
    await next()
  })
}

/**
 * Validates the query string against `schema` (a bad one is the same bilingual 400 as a bad body);
 * the handler reads it with `c.req.valid('query')`, and hono/client knows the parameters.
 */
export function queryParams<S extends z.ZodType>(schema: S) {
  return zValidator('query', schema, (result) => {
    if (!result.success) throw invalid(result.error)
  })
}

/** The same validation for a value that is not a JSON body (a query parameter, say). */
export function validated<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error)
  return result.data
}
