import { defineMessages } from './define'

/** The landing page at `/`. */
export const landingMessages = defineMessages({
  zh: {
    'landing.openTitle': '打开客户作战室',
    'landing.accountIdLabel': '客户编号',
    'landing.accountIdPlaceholder': '例如 acme-bank',
    'landing.accountIdHint': '小写字母、数字和连字符，以字母或数字开头，最多 64 个字符。',
    'landing.accountIdInvalid': '客户编号格式不正确。',
    'landing.open': '打开',
  },
  en: {
    'landing.openTitle': 'Open an account war room',
    'landing.accountIdLabel': 'Account id',
    'landing.accountIdPlaceholder': 'e.g. acme-bank',
    'landing.accountIdHint': 'Lower-case letters, digits and dashes; starts with a letter or digit; up to 64 characters.',
    'landing.accountIdInvalid': 'That is not a valid account id.',
    'landing.open': 'Open',
  },
})
