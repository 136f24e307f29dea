// Area files keep importing defineMessages from here; it is the shared catalogue's (plurals included).
export { defineMessages, type Message } from '../../../shared/i18n/define'
