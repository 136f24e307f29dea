import { bilingual } from '../../shared/i18n/index.ts'
import { isValidAccountId } from '../../shared/protocol.ts'
import { type PersonError, personError } from './errors.ts'

/** The one answer to a malformed account id (the sync route, the account routes, account creation). */
export function invalidAccountId(): PersonError {
  return personError(400, 'error.accountId.invalid', { rule: bilingual('validation.accountId') })
}

/** Refuses a malformed account id with 400, before anything else looks at it. */
export function validateAccountId(id: string) {
  if (!isValidAccountId(id)) throw invalidAccountId()
}
