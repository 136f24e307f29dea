import type { Message } from '../define'
import type { Lang } from '../lang'
import { contactMessages } from './contacts'
import { customerReportMessages } from './customerReport'
import { errorMessages } from './errors'
import { findingMessages } from './findings'
import { labelMessages } from './labels'
import { reportMessages } from './report'
import { reviewMessages } from './review'
import { templateMessages } from './templates'

/**
 * The areas of the shared catalogue: strings the server renders too (findings, labels, exports,
 * error messages). To add an area: write `messages/<area>.ts` with `defineMessages` and spread it
 * here, in both languages (docs/architecture.md, "Adding a string").
 */
export const sharedMessages = {
  zh: {
    ...labelMessages.zh,
    ...findingMessages.zh,
    ...reportMessages.zh,
    ...errorMessages.zh,
    ...reviewMessages.zh,
    ...contactMessages.zh,
    ...templateMessages.zh,
    ...customerReportMessages.zh,
  },
  en: {
    ...labelMessages.en,
    ...findingMessages.en,
    ...reportMessages.en,
    ...errorMessages.en,
    ...reviewMessages.en,
    ...contactMessages.en,
    ...templateMessages.en,
    ...customerReportMessages.en,
  },
} satisfies Record<Lang, Record<string, Message>>
