import { defineMessages } from './define'

/** Present mode, the customer-safe view and the exports (issue 9). */
export const presentMessages = defineMessages({
  zh: {
    'present.start': '演示',
    'present.startHint': '全屏演示：按方向键或翻页键切换，Esc 退出',
    'present.exit': '退出演示',
    'present.prev': '上一页',
    'present.next': '下一页',
    'present.empty': '没有可演示的内容',
    'present.customer': '对客版',
    'present.customerHint': '给客户看：只显示人员、汇报关系、客户目标和行动计划',
    'present.health': '健康度',
    'present.owner': '负责人',
    'present.noTier': '未分层',
    'present.noStage': '阶段未定',
    'present.followers': '{count} 人跟随',
    'export.failed': '导出失败：{message}',
    'present.export.customerMarkdown': '对客版计划（Markdown）',
  },
  en: {
    'present.start': 'Present',
    'present.startHint': 'Full-screen presentation: arrow or page keys step, Esc leaves',
    'present.exit': 'Leave',
    'present.prev': 'Previous slide',
    'present.next': 'Next slide',
    'present.empty': 'Nothing to present',
    'present.customer': 'Customer-safe',
    'present.customerHint': 'For the customer: people, reporting lines, the goal and the actions only',
    'present.health': 'Health',
    'present.owner': 'Owner',
    'present.noTier': 'No tier',
    'present.noStage': 'No stage',
    'present.followers': '{count} following',
    'export.failed': 'Export failed: {message}',
    'present.export.customerMarkdown': 'Customer-safe plan (Markdown)',
  },
})
