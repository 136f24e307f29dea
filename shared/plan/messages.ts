/**
 * The wording of every finding, in Chinese and English, with the domain guide's terms. Names
 * quoted here are user input: the messages are plain text, and every renderer escapes them.
 */
import type { AccountFieldName } from '../account'
import { SHAPE_TYPE_LABELS } from '../shapes/labels'
import type { ActionStatus, RelationKind, StakeholderRole, WarRoomShapeType } from '../shapes/types'
import { ACTION_STATUS_LABELS, type Bilingual, RELATION_LABELS, ROLE_LABELS } from './labels'

const MAX_NAME = 40

function clip(s: string): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()]
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : chars.join('')
}

/** A shape's name for a message: 「name」 / “name”, or "unnamed". */
function quoted(name: string, unnamed: Bilingual = { zh: '（未命名）', en: '(untitled)' }): Bilingual {
  const n = clip(name)
  return n ? { zh: `「${n}」`, en: `“${n}”` } : unnamed
}

function list(names: string[]): Bilingual {
  const clipped = names.map(clip)
  return { zh: clipped.join('、'), en: clipped.join(', ') }
}

export type RecordKind = WarRoomShapeType | 'arrow' | 'binding' | 'shape'

const SHAPE_LABELS: Record<RecordKind, Bilingual> = {
  ...SHAPE_TYPE_LABELS,
  arrow: { zh: '连线', en: 'Arrow' },
  binding: { zh: '连线端点', en: 'Arrow binding' },
  shape: { zh: '图形', en: 'Shape' },
}

const ACCOUNT_FIELD_LABELS: Record<AccountFieldName, Bilingual> = {
  name: { zh: '客户名称', en: 'name' },
  tier: { zh: '分层', en: 'tier' },
  owner: { zh: '唯一负责人', en: 'owner' },
  goal: { zh: '目标', en: 'goal' },
  target: { zh: '量化指标', en: 'target' },
  deadline: { zh: '截止日期', en: 'deadline' },
  window: { zh: '窗口期', en: 'window' },
  stage: { zh: '销售阶段', en: 'stage' },
  closeness: { zh: '客情关系紧密度', en: 'closeness' },
  potential: { zh: '潜在价值', en: 'potential' },
  winProbability: { zh: '赢单概率', en: 'win probability' },
  competitors: { zh: '竞争对手', en: 'competitors' },
}

function accountFieldLabel(field: string): Bilingual {
  const root = field.split('.')[0] as AccountFieldName
  const base = ACCOUNT_FIELD_LABELS[root]
  if (!base) return { zh: field, en: field }
  const rest = field.slice(root.length)
  return { zh: base.zh + rest, en: base.en + rest }
}

export const messages = {
  accountOwnerMissing: (): Bilingual => ({
    zh: '客户还没有唯一负责人：请指定一位对结果负责的人，而不是“支持”或“协调”。',
    en: 'The account has no owner: name the one person accountable for the result, not a supporter or coordinator.',
  }),
  accountOwnerMultiple: (names: string[]): Bilingual => {
    const l = list(names)
    return {
      zh: `客户负责人写了多个人（${l.zh}）：唯一负责人只能有一位，多人负责等于没人兜底。`,
      en: `The account owner names more than one person (${l.en}): there must be exactly one accountable owner; shared ownership means nobody owns the result.`,
    }
  },
  accountTierMissing: (): Bilingual => ({
    zh: '客户尚未分层：请选择战略型、攻坚型或机会型，集中力量，避免平均用力。',
    en: 'The account has no tier: choose strategic, breakthrough or opportunity, so effort is concentrated rather than spread evenly.',
  }),
  accountGoalIncomplete: (missing: ('goal' | 'target' | 'deadline')[]): Bilingual => {
    const zh = missing.map((f) => ACCOUNT_FIELD_LABELS[f].zh).join('、')
    const en = missing.map((f) => ACCOUNT_FIELD_LABELS[f].en).join(', ')
    return {
      zh: `目标不完整，缺少${zh}：按 SMART 原则写清要赢什么、赢多少、何时赢。`,
      en: `The goal is incomplete (missing ${en}): make it SMART: what to win, how much, and by when.`,
    }
  },
  accountWindowMissing: (): Bilingual => ({
    zh: '攻坚型客户需要窗口期日期：错过窗口，半年内机会可能就没了。',
    en: 'A breakthrough account needs a window date: miss the window and the chance may be gone within half a year.',
  }),
  accountFieldInvalid: (field: string): Bilingual => {
    const l = accountFieldLabel(field)
    return {
      zh: `客户字段“${l.zh}”的值无效，已按空值处理。`,
      en: `The account field “${l.en}” has an invalid value and was treated as empty.`,
    }
  },
  kdmMissing: (): Bilingual => ({
    zh: '决策链中还没有关键决策者（KDM）：先弄清楚最终由谁拍板。',
    en: 'The decision chain has no key decision maker (KDM): find out who makes the final call.',
  }),
  relationshipUnknown: (name: string, role: StakeholderRole): Bilingual => {
    const q = quoted(name)
    const r = ROLE_LABELS[role]
    return {
      zh: `${r.zh}${q.zh}的客户关系等级未知：请评估其立场（CR1 铁杆支持者 … CR5 坚决反对者）。`,
      en: `${r.en} ${q.en} has an unknown relationship level: assess where they stand (CR1 firm supporter … CR5 firm opponent).`,
    }
  },
  championMissing: (): Bilingual => ({
    zh: '还没有代言人：客户内部需要有人替我们说话。',
    en: 'No champion yet: we need someone inside the customer who sells for us.',
  }),
  opponentUnaddressed: (name: string, level: 'cr4' | 'cr5'): Bilingual => {
    const q = quoted(name)
    const who =
      level === 'cr4'
        ? { zh: '对手铁杆支持者', en: "competitor's firm supporter" }
        : { zh: '坚决反对者', en: 'firm opponent' }
    return {
      zh: `高影响力的${who.zh}${q.zh}没有任何进行中的行动项针对，这是风险。`,
      en: `High-influence ${who.en} ${q.en} is not targeted by any live action: a risk.`,
    }
  },
  blockerUntargeted: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `卡点${q.zh}还没有任何进行中的行动项针对：不打卡点，动作都只是消耗。`,
      en: `Blocker ${q.en} is not targeted by any live action: actions that ignore the blocker are just spending.`,
    }
  },
  actionUntargeted: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `行动项${q.zh}没有针对任何卡点或决策链角色：它直接服务于破解哪个卡点？`,
      en: `Action ${q.en} targets no blocker or stakeholder: which blocker does it help break?`,
    }
  },
  actionOwnerMissing: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `行动项${q.zh}没有负责人：需要一位明确的负责人，而不是“大家一起推”。`,
      en: `Action ${q.en} has no owner: it needs one clear owner, not “everyone pushes”.`,
    }
  },
  actionOwnerMultiple: (title: string, names: string[]): Bilingual => {
    const q = quoted(title)
    const l = list(names)
    return {
      zh: `行动项${q.zh}的负责人写了多个人（${l.zh}）：只能有一位负责人。`,
      en: `Action ${q.en} names more than one owner (${l.en}): it needs exactly one.`,
    }
  },
  actionResourcesMissing: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `行动项${q.zh}没有写明资源与授权：只派任务、不配资源和授权，很难落地。`,
      en: `Action ${q.en} states no resources or authority: a task without matching resources rarely lands.`,
    }
  },
  actionDueMissing: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `行动项${q.zh}没有截止日期：效果要在阶段内验证，而不是等到年底。`,
      en: `Action ${q.en} has no due date: its effect must be verified within the stage, not at year end.`,
    }
  },
  actionCheckpointMissing: (title: string): Bilingual => {
    const q = quoted(title)
    return {
      zh: `行动项${q.zh}没有检查点：写明如何、何时验证效果。`,
      en: `Action ${q.en} has no checkpoint: state how and when its effect will be verified.`,
    }
  },
  actionOverdue: (title: string, due: string, status: ActionStatus): Bilingual => {
    const q = quoted(title)
    const s = ACTION_STATUS_LABELS[status]
    return {
      zh: `行动项${q.zh}已逾期：截止日期 ${due}，状态仍为“${s.zh}”。`,
      en: `Action ${q.en} is overdue: due ${due}, still “${s.en.toLowerCase()}”.`,
    }
  },
  /** A shape whose props were partly unusable: it still counts, with defaults for those props. */
  propsInvalid: (kind: keyof typeof SHAPE_LABELS, fields: string[]): Bilingual => {
    const k = SHAPE_LABELS[kind]
    const f = list(fields)
    return {
      zh: `${k.zh}的字段 ${f.zh} 缺失或无效，已按默认值处理。`,
      en: `${k.en} field(s) ${f.en} are missing or invalid; defaults were used.`,
    }
  },
  /** A record that could not be used at all and was left out of the plan. */
  recordInvalid: (kind: keyof typeof SHAPE_LABELS, fields: string[]): Bilingual => {
    const k = SHAPE_LABELS[kind]
    if (fields.length === 0) {
      return {
        zh: `一条${k.zh}记录格式无效，已忽略。`,
        en: `A ${k.en.toLowerCase()} record is malformed and was ignored.`,
      }
    }
    const f = list(fields)
    return {
      zh: `一条${k.zh}记录的字段 ${f.zh} 缺失或无效，该记录已忽略。`,
      en: `A ${k.en.toLowerCase()} record has missing or invalid field(s) ${f.en} and was ignored.`,
    }
  },
  relationInvalid: (declared: string, used: RelationKind | null): Bilingual => {
    const d = clip(declared)
    if (used === null) {
      return {
        zh: `连线声明的关系“${d}”与两端的图形不符，未计入计划。`,
        en: `The arrow declares the relation “${d}”, which does not fit the shapes it connects; it was left out of the plan.`,
      }
    }
    const u = RELATION_LABELS[used]
    return {
      zh: `连线声明的关系“${d}”与两端的图形不符，已按“${u.zh}”处理。`,
      en: `The arrow declares the relation “${d}”, which does not fit the shapes it connects; it was read as “${u.en.toLowerCase()}”.`,
    }
  },
  recordsUnreadable: (count: number): Bilingual => ({
    zh: `有 ${count} 条记录格式无法识别，已忽略。`,
    en: `${count} record(s) could not be read and were ignored.`,
  }),
  derivationFailed: (): Bilingual => ({
    zh: '作战计划生成失败：文档中有无法处理的数据。',
    en: 'The plan could not be derived: the document holds data that could not be processed.',
  }),
}
