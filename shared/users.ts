/**
 * The fields of a person (sign-up, users, members), checked the same way in the browser before
 * sending and on the server at the boundary. Issue messages are catalogue keys
 * (shared/i18n/messages/errors.ts): the server answers in English with `message: { zh, en }`, the
 * forms show them in the reader's language.
 */
import { z } from 'zod'

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'validation.required')
  .max(254, 'validation.email')
  .pipe(z.email({ message: 'validation.email' }))
export const nameSchema = z.string().trim().min(1, 'validation.required').max(100, 'validation.name.max')
export const passwordSchema = z.string().min(8, 'validation.password.min').max(200, 'validation.password.max')
