import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { type Bilingual, bilingual, type Params, type SharedMessageKey } from '../../shared/i18n/index.ts'

/**
 * An HTTP error a person reads: `error` is the English text (what scripts and the tests match),
 * and the answer also carries `message: { zh, en }` from the catalogue for the UI to show.
 */
export class PersonError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly localized: Bilingual,
  ) {
    super(status, { message: localized.en })
  }
}

export function personError(status: ContentfulStatusCode, key: SharedMessageKey, params?: Params): PersonError {
  return new PersonError(status, bilingual(key, params))
}
