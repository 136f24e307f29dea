import type { Lang } from '../lang'
import { accessMessages } from './access'
import { accountMessages } from './account'
import { commonMessages } from './common'
import { contactMessages } from './contacts'
import type { Message } from './define'
import { liveMessages } from './live'
import { planMessages } from './plan'
import { presentMessages } from './present'
import { reviewMessages } from './review'
import { roomMessages } from './room'
import { shapeMessages } from './shapes'
import { storageMessages } from './storage'
import { webMessages } from './web'

/**
 * The browser's areas of the catalogue, merged (the shared areas are in shared/i18n/messages).
 * To add an area: write `messages/<area>.ts` with `defineMessages` and spread it here, in both
 * languages; its keys become valid `t()` keys. See docs/architecture.md, "Adding a string".
 */
export const messages = {
  zh: {
    ...commonMessages.zh,
    ...accessMessages.zh,
    ...roomMessages.zh,
    ...shapeMessages.zh,
    ...planMessages.zh,
    ...accountMessages.zh,
    ...reviewMessages.zh,
    ...storageMessages.zh,
    ...contactMessages.zh,
    ...webMessages.zh,
    ...liveMessages.zh,
    ...presentMessages.zh,
  },
  en: {
    ...commonMessages.en,
    ...accessMessages.en,
    ...roomMessages.en,
    ...shapeMessages.en,
    ...planMessages.en,
    ...accountMessages.en,
    ...reviewMessages.en,
    ...storageMessages.en,
    ...contactMessages.en,
    ...webMessages.en,
    ...liveMessages.en,
    ...presentMessages.en,
  },
} satisfies Record<Lang, Record<string, Message>>

export type MessageKey = keyof (typeof messages)['zh']
