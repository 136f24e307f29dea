import { defineMessages } from './define'

/** The room's "cannot save" state: the server's storage refuses writes (close code 4507). */
export const storageMessages = defineMessages({
  zh: {
    'room.status.cannotSave': '无法保存',
    'room.status.cannotSaveHint':
      '服务器暂时无法保存（存储已满或故障）。修改会保留在本页，服务器恢复后自动补存，无需刷新',
  },
  en: {
    'room.status.cannotSave': 'Cannot save',
    'room.status.cannotSaveHint':
      'The server cannot save right now (storage full or failing). Your edits stay on this page and are saved automatically once it recovers; no need to reload',
  },
})
