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

/**
 * The `file` part of a multipart body (uploads and contact imports), refused in the person's terms:
 * 400 when the body is not multipart or has no file, 413 when the file is over `maxBytes`.
 */
export async function multipartFile(request: Request, maxBytes: number): Promise<File> {
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    throw personError(400, 'error.file.multipart')
  }
  const file = form.get('file')
  if (!(file instanceof File)) throw personError(400, 'error.file.missing')
  if (file.size > maxBytes) throw personError(413, 'error.file.tooLarge', { limit: maxBytes })
  return file
}
