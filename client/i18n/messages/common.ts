import { defineMessages } from './define'

/** Strings shared by every page: the app's name, the language switch. */
export const commonMessages = defineMessages({
  zh: {
    'app.name': '作战室',
    'app.tagline': '大客户作战规划白板',
    'lang.switch': 'English',
    'lang.switchTitle': '切换到英文',
  },
  en: {
    'app.name': 'War Room',
    'app.tagline': 'Key-account planning canvas',
    'lang.switch': '中文',
    'lang.switchTitle': 'Switch to Chinese',
  },
})
