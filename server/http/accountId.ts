import { HTTPException } from 'hono/http-exception'
import { isValidAccountId } from '../../shared/protocol.ts'

/** Refuses a malformed account id with 400, before anything else looks at it. */
export function validateAccountId(id: string) {
  if (!isValidAccountId(id)) {
    throw new HTTPException(400, {
      message: 'invalid account id: use 1–64 of a-z, 0-9 and "-", starting with a letter or digit',
    })
  }
}
