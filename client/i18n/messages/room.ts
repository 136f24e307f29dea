import { defineMessages } from './define'

/** The account room at `/a/:accountId`: loading, connection state, schema errors. */
export const roomMessages = defineMessages({
  zh: {
    'room.invalidAccount': '无效的客户编号：{id}',
    'room.backHome': '返回首页',
    'room.loading': '正在连接作战室…',
    'room.status.connected': '已连接',
    'room.status.reconnecting': '正在重新连接…',
    'room.status.offline': '离线',
    'room.status.offlineHint': '修改会保留在本页，恢复连接后自动合并',
    'room.status.reconnectingHint': '与服务器的连接已断开，正在重试；修改会保留在本页',
    'room.tooOld.title': '此客户端版本过旧，无法打开此文档',
    'room.tooOld.body':
      '这份白板由更新版本的作战室保存。为避免损坏数据，本页不会写入任何修改。请刷新页面或更新客户端。',
    'room.reload': '刷新页面',
    'room.error.title': '无法加载此作战室',
    'room.error.body': '白板数据无法读取：{message}',
    'room.error.refused': '服务器拒绝了连接：{message}',
    'room.defaultPage': '第 1 页',
  },
  en: {
    'room.invalidAccount': 'Not a valid account id: {id}',
    'room.backHome': 'Back to start',
    'room.loading': 'Connecting to the war room…',
    'room.status.connected': 'Connected',
    'room.status.reconnecting': 'Reconnecting…',
    'room.status.offline': 'Offline',
    'room.status.offlineHint': 'Edits stay on this page and merge when the connection returns',
    'room.status.reconnectingHint':
      'The connection to the server dropped and is being retried; edits stay on this page',
    'room.tooOld.title': 'This client is too old for this document',
    'room.tooOld.body':
      'This board was saved by a newer version of War Room. To avoid corrupting it, this page will not write anything. Please reload the page or update the client.',
    'room.reload': 'Reload',
    'room.error.title': 'This war room could not be loaded',
    'room.error.body': 'The board data could not be read: {message}',
    'room.error.refused': 'The server refused the connection: {message}',
    'room.defaultPage': 'Page 1',
  },
})
