import type { Lang } from '../lang'
import { accessMessages } from './access'
import { accountMessages } from './account'
import { commonMessages } from './common'
import { planMessages } from './plan'
import { roomMessages } from './room'
import { shapeMessages } from './shapes'

/**
 * Every area's strings, merged. To add an area: write `messages/<area>.ts` with
 * `defineMessages` and spread it here; its keys become valid `t()` keys.
 */
export const messages = {
  zh: {
    ...commonMessages.zh,
    ...accessMessages.zh,
    ...roomMessages.zh,
    ...shapeMessages.zh,
    ...planMessages.zh,
    ...accountMessages.zh,
  },
  en: {
    ...commonMessages.en,
    ...accessMessages.en,
    ...roomMessages.en,
    ...shapeMessages.en,
    ...planMessages.en,
    ...accountMessages.en,
  },
} satisfies Record<Lang, Record<string, string>>

export type MessageKey = keyof (typeof messages)['zh']
