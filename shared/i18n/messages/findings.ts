import { defineMessages } from '../define'

/**
 * The wording of every finding (shared/plan/messages.ts fills the parameters), and the account
 * fields' names as findings quote them. Names in parameters are user input: the messages are
 * plain text, and every renderer escapes them.
 */
export const findingMessages = defineMessages({
  zh: {
    'finding.account.owner.missing': '客户还没有唯一负责人：请指定一位对结果负责的人，而不是“支持”或“协调”。',
    'finding.account.owner.multiple': '客户负责人写了多个人（{names}）：唯一负责人只能有一位，多人负责等于没人兜底。',
    'finding.account.tier.missing': '客户尚未分层：请选择战略型、攻坚型或机会型，集中力量，避免平均用力。',
    'finding.account.goal.incomplete': '目标不完整，缺少{fields}：按 SMART 原则写清要赢什么、赢多少、何时赢。',
    'finding.account.window.missing': '攻坚型客户需要窗口期日期：错过窗口，半年内机会可能就没了。',
    'finding.account.field.invalid': '客户字段“{field}”的值无效，已按空值处理。',
    'finding.chain.kdm.missing': '决策链中还没有关键决策者（KDM）：先弄清楚最终由谁拍板。',
    'finding.chain.kdm.uncovered': '关键决策者{name}没有我方对接人：指定由谁负责这层关系。',
    'finding.portfolio.focus':
      '{owner} 同时负责 {count} 个战略型/攻坚型客户（上限 {limit} 个）：力量被平均分散，哪个都打不透。请收缩重点，或为部分客户另定唯一负责人。',
    'finding.stakeholder.contact.stale':
      '{role}{name}最近一次接触是 {date}，已超过 {count} 天：安排接触，更新立场判断。',
    'finding.stakeholder.contact.never': '{role}{name}没有记录最近接触日期：记下上次见面的时间。',
    'finding.stakeholder.relationship.unknown':
      '{role}{name}的客户关系等级未知：请评估其立场（CR1 铁杆支持者 … CR5 坚决反对者）。',
    'finding.champion.missing': '还没有代言人：客户内部需要有人替我们说话。',
    'finding.opponent.unaddressed': '高影响力的{who}{name}没有任何进行中的行动项针对，这是风险。',
    'finding.opponent.cr4': '对手铁杆支持者',
    'finding.opponent.cr5': '坚决反对者',
    'finding.blocker.untargeted': '卡点{name}还没有任何进行中的行动项针对：不打卡点，动作都只是消耗。',
    'finding.action.untargeted': '行动项{name}没有针对任何卡点或决策链角色：它直接服务于破解哪个卡点？',
    'finding.action.owner.missing': '行动项{name}没有负责人：需要一位明确的负责人，而不是“大家一起推”。',
    'finding.action.owner.multiple': '行动项{name}的负责人写了多个人（{names}）：只能有一位负责人。',
    'finding.action.resources.missing': '行动项{name}没有写明资源与授权：只派任务、不配资源和授权，很难落地。',
    'finding.action.due.missing': '行动项{name}没有截止日期：效果要在阶段内验证，而不是等到年底。',
    'finding.action.checkpoint.missing': '行动项{name}没有检查点：写明如何、何时验证效果。',
    'finding.action.overdue': '行动项{name}已逾期：截止日期 {due}，状态仍为“{status}”。',
    'finding.props.invalid': '{kind}的字段 {fields} 缺失或无效，已按默认值处理。',
    'finding.record.malformed': '一条{kind}记录格式无效，已忽略。',
    'finding.record.invalid': '一条{kind}记录的字段 {fields} 缺失或无效，该记录已忽略。',
    'finding.relation.dropped': '连线声明的关系“{declared}”与两端的图形不符，未计入计划。',
    'finding.relation.readAs': '连线声明的关系“{declared}”与两端的图形不符，已按“{used}”处理。',
    'finding.records.unreadable': '有 {count} 条记录格式无法识别，已忽略。',
    'finding.derivation.failed': '作战计划生成失败：文档中有无法处理的数据。',
    'finding.untitled': '（未命名）',
    'finding.listSeparator': '、',
    'finding.quoted': '「{name}」',
    'label.recordKind.arrow': '连线',
    'label.recordKind.binding': '连线端点',
    'label.recordKind.shape': '图形',
    'label.accountField.name': '客户名称',
    'label.accountField.tier': '分层',
    'label.accountField.owner': '唯一负责人',
    'label.accountField.goal': '目标',
    'label.accountField.target': '量化指标',
    'label.accountField.deadline': '截止日期',
    'label.accountField.window': '窗口期',
    'label.accountField.stage': '销售阶段',
    'label.accountField.closeness': '客情关系紧密度',
    'label.accountField.potential': '潜在价值',
    'label.accountField.winProbability': '赢单概率',
    'label.accountField.competitors': '竞争对手',
  },
  en: {
    'finding.account.owner.missing':
      'The account has no owner: name the one person accountable for the result, not a supporter or coordinator.',
    'finding.account.owner.multiple':
      'The account owner names more than one person ({names}): there must be exactly one accountable owner; shared ownership means nobody owns the result.',
    'finding.account.tier.missing':
      'The account has no tier: choose strategic, breakthrough or opportunity, so effort is concentrated rather than spread evenly.',
    'finding.account.goal.incomplete':
      'The goal is incomplete (missing {fields}): make it SMART: what to win, how much, and by when.',
    'finding.account.window.missing':
      'A breakthrough account needs a window date: miss the window and the chance may be gone within half a year.',
    'finding.account.field.invalid': 'The account field “{field}” has an invalid value and was treated as empty.',
    'finding.chain.kdm.missing':
      'The decision chain has no key decision maker (KDM): find out who makes the final call.',
    'finding.chain.kdm.uncovered':
      'Key decision maker {name} has no contact on our side: name who owns this relationship.',
    'finding.portfolio.focus': {
      one: '{owner} owns {count} strategic/breakthrough account (limit {limit}): force spread evenly wins none of them. Narrow the focus, or give some of them another single owner.',
      other:
        '{owner} owns {count} strategic/breakthrough accounts (limit {limit}): force spread evenly wins none of them. Narrow the focus, or give some of them another single owner.',
    },
    'finding.stakeholder.contact.stale': {
      one: '{role} {name} was last contacted on {date}, more than {count} day ago: meet them and check where they stand.',
      other:
        '{role} {name} was last contacted on {date}, more than {count} days ago: meet them and check where they stand.',
    },
    'finding.stakeholder.contact.never': '{role} {name} has no last-contact date: record when we last met them.',
    'finding.stakeholder.relationship.unknown':
      '{role} {name} has an unknown relationship level: assess where they stand (CR1 firm supporter … CR5 firm opponent).',
    'finding.champion.missing': 'No champion yet: we need someone inside the customer who sells for us.',
    'finding.opponent.unaddressed': 'High-influence {who} {name} is not targeted by any live action: a risk.',
    'finding.opponent.cr4': "competitor's firm supporter",
    'finding.opponent.cr5': 'firm opponent',
    'finding.blocker.untargeted':
      'Blocker {name} is not targeted by any live action: actions that ignore the blocker are just spending.',
    'finding.action.untargeted': 'Action {name} targets no blocker or stakeholder: which blocker does it help break?',
    'finding.action.owner.missing': 'Action {name} has no owner: it needs one clear owner, not “everyone pushes”.',
    'finding.action.owner.multiple': 'Action {name} names more than one owner ({names}): it needs exactly one.',
    'finding.action.resources.missing':
      'Action {name} states no resources or authority: a task without matching resources rarely lands.',
    'finding.action.due.missing':
      'Action {name} has no due date: its effect must be verified within the stage, not at year end.',
    'finding.action.checkpoint.missing':
      'Action {name} has no checkpoint: state how and when its effect will be verified.',
    'finding.action.overdue': 'Action {name} is overdue: due {due}, still “{status}”.',
    'finding.props.invalid': {
      one: '{kind} field {fields} is missing or invalid; the default was used.',
      other: '{kind} fields {fields} are missing or invalid; defaults were used.',
    },
    'finding.record.malformed': 'A {kind} record is malformed and was ignored.',
    'finding.record.invalid': {
      one: 'A {kind} record has a missing or invalid field {fields} and was ignored.',
      other: 'A {kind} record has missing or invalid fields {fields} and was ignored.',
    },
    'finding.relation.dropped':
      'The arrow declares the relation “{declared}”, which does not fit the shapes it connects; it was left out of the plan.',
    'finding.relation.readAs':
      'The arrow declares the relation “{declared}”, which does not fit the shapes it connects; it was read as “{used}”.',
    'finding.records.unreadable': {
      one: '{count} record could not be read and was ignored.',
      other: '{count} records could not be read and were ignored.',
    },
    'finding.derivation.failed': 'The plan could not be derived: the document holds data that could not be processed.',
    'finding.untitled': '(untitled)',
    'finding.listSeparator': ', ',
    'finding.quoted': '“{name}”',
    'label.recordKind.arrow': 'Arrow',
    'label.recordKind.binding': 'Arrow binding',
    'label.recordKind.shape': 'Shape',
    'label.accountField.name': 'name',
    'label.accountField.tier': 'tier',
    'label.accountField.owner': 'owner',
    'label.accountField.goal': 'goal',
    'label.accountField.target': 'target',
    'label.accountField.deadline': 'deadline',
    'label.accountField.window': 'window',
    'label.accountField.stage': 'stage',
    'label.accountField.closeness': 'closeness',
    'label.accountField.potential': 'potential',
    'label.accountField.winProbability': 'win probability',
    'label.accountField.competitors': 'competitors',
  },
})
