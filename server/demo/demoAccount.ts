/**
 * The demo account a fresh installation offers: a fictional provincial energy group's
 * digital-transformation deal (东川省能源集团), with twelve stakeholders in three factions, three
 * blockers, six battle actions, the relation arrows between them, and a few deliberate weak spots
 * the methodology checks point out, so a newcomer sees the point within a minute.
 *
 * Records are written in the stored document format (docs/document-format.md): tldraw records as
 * tldraw 5.4 serialises them, War Room shape props from shared/shapes' defaults. Dates are relative
 * to the day the demo is created, so "overdue" stays true of the same action.
 */
import type { AccountFields } from '../../shared/account.ts'
import { defaultActionProps } from '../../shared/shapes/action.ts'
import { defaultBlockerProps } from '../../shared/shapes/blocker.ts'
import { defaultFactionProps } from '../../shared/shapes/faction.ts'
import { arrowBinding, arrowProps, PAGE_ID, shapeRecord } from '../../shared/shapes/records.ts'
import { RELATION_LOOKS } from '../../shared/shapes/relations.ts'
import { defaultStakeholderProps } from '../../shared/shapes/stakeholder.ts'
import type {
  ActionProps,
  BlockerProps,
  FactionProps,
  RelationKind,
  StakeholderProps,
} from '../../shared/shapes/types.ts'

export const DEMO_ACCOUNT_ID = 'demo'
export const DEMO_ACCOUNT_NAME = '东川省能源集团 · 智慧能源平台（演示）'

type Rec = Record<string, unknown>

/** Fractional index keys in order: a1 … a9, aA … aZ, aa … az. */
const INDEX_DIGITS = '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
function indexKey(n: number): string {
  if (n >= INDEX_DIGITS.length) throw new Error('the demo has more shapes than index keys')
  return `a${INDEX_DIGITS[n]}`
}

function isoInDays(today: Date, days: number): string {
  const d = new Date(today.getTime() + days * 86_400_000)
  return d.toISOString().slice(0, 10)
}

interface Box {
  id: string
  x: number
  y: number
  w: number
  h: number
  parent?: Box
}

/** Builds the demo account's fields and canvas records. `ownerName` becomes the account owner. */
export function buildDemoAccount(ownerName: string, today = new Date()): { fields: AccountFields; records: Rec[] } {
  const records: Rec[] = [
    { id: 'document:document', typeName: 'document', gridSize: 10, name: '', meta: {} },
    { id: PAGE_ID, typeName: 'page', name: '作战地图', index: 'a1', meta: {} },
  ]
  const boxes = new Map<string, Box>()
  let order = 0

  const shape = (id: string, type: string, box: Omit<Box, 'id'>, props: Rec) => {
    const b: Box = { id, ...box }
    boxes.set(id, b)
    records.push(
      shapeRecord(
        id,
        type,
        { ...props, w: box.w, h: box.h },
        { x: box.x, y: box.y, index: indexKey(order++), parentId: box.parent?.id },
      ),
    )
    return b
  }

  const faction = (key: string, x: number, props: Partial<FactionProps>) =>
    shape(`shape:demo-faction-${key}`, 'faction', { x, y: 0, w: 880, h: 500 }, { ...defaultFactionProps(), ...props })

  // Each faction: its leader on top, the three others in a row beneath, so reports-to arrows are short.
  const SLOTS = [
    [310, 60],
    [30, 290],
    [310, 290],
    [590, 290],
  ] as const
  const person = (key: string, parent: Box, slot: number, props: Partial<StakeholderProps>) =>
    shape(
      `shape:demo-s-${key}`,
      'stakeholder',
      { x: SLOTS[slot][0], y: SLOTS[slot][1], w: 260, h: 180, parent },
      { ...defaultStakeholderProps(), ...props },
    )

  const blocker = (key: string, x: number, props: Partial<BlockerProps>) =>
    shape(`shape:demo-b-${key}`, 'blocker', { x, y: 580, w: 300, h: 160 }, { ...defaultBlockerProps(), ...props })

  const action = (key: string, x: number, y: number, props: Partial<ActionProps>) =>
    shape(`shape:demo-a-${key}`, 'action', { x, y, w: 300, h: 190 }, { ...defaultActionProps(), ...props })

  // Factions first, so they sit beneath the cards on the canvas.
  const reform = faction('reform', 0, {
    name: '数字化改革派',
    stance: 'ally',
    leader: 'shape:demo-s-liu',
    strategy: '借总经理的数字化考核压力，把平台定位为“一把手工程”',
  })
  const steady = faction('steady', 960, {
    name: '稳健财务派',
    stance: 'neutral',
    leader: 'shape:demo-s-sun',
    strategy: '用分阶段投资回报打消预算顾虑，争取中立转支持',
  })
  const legacy = faction('legacy', 1920, {
    name: '信息中心旧体系派',
    stance: 'hostile',
    leader: 'shape:demo-s-zhou',
    strategy: '保障旧系统数据迁移与团队转型，分化周主任与吴副主任',
  })

  const liu = person('liu', reform, 0, {
    name: '刘振宇',
    title: '总经理',
    department: '集团领导班子',
    role: 'kdm',
    relationship: 'cr2',
    influence: 'high',
    concern: '集团数字化考核指标，年内要见成效',
    contact: '王强（副总裁）',
    lastContact: isoInDays(today, -12),
  })
  const chen = person('chen', reform, 3, {
    name: '陈思远',
    title: '数字化转型办公室主任',
    department: '数字化办',
    role: 'ki',
    relationship: 'cr1',
    influence: 'high',
    champion: true,
    concern: '平台统一、数据打通，做出全省标杆',
    contact: '李明',
    lastContact: isoInDays(today, -3),
  })
  const wang = person('wang', reform, 2, {
    name: '王蕾',
    title: '生产运营部副部长',
    department: '生产运营部',
    role: 'ku',
    relationship: 'cr2',
    influence: 'medium',
    concern: '调度数据实时可见，少报表',
    contact: '李明',
    lastContact: isoInDays(today, -20),
  })
  const he = person('he', reform, 1, {
    name: '何军',
    title: '东川第二发电厂厂长',
    department: '二级单位',
    role: 'ku',
    relationship: 'cr3',
    influence: 'medium',
    concern: '试点不能影响安全生产',
    contact: '赵敏',
  })
  const sun = person('sun', steady, 0, {
    name: '孙立新',
    title: '副总经理（分管财务、信息化）',
    department: '集团领导班子',
    role: 'kdm',
    relationship: 'unknown',
    influence: 'high',
    concern: '投资合规，不想担风险',
  })
  const zheng = person('zheng', steady, 1, {
    name: '郑涛',
    title: '财务部部长',
    department: '财务部',
    role: 'ki',
    relationship: 'cr3',
    influence: 'high',
    concern: '投资回报测算、预算口径',
    contact: '赵敏',
    lastContact: isoInDays(today, -30),
  })
  const qian = person('qian', steady, 2, {
    name: '钱宏',
    title: '审计部部长',
    department: '审计部',
    role: 'gatekeeper',
    relationship: 'cr3',
    influence: 'medium',
    concern: '采购流程经得起审计',
  })
  const feng = person('feng', steady, 3, {
    name: '冯雪',
    title: '采购中心主任',
    department: '采购中心',
    role: 'ki',
    relationship: 'cr3',
    influence: 'medium',
    concern: '招标文件技术条款公平',
    contact: '赵敏',
    lastContact: isoInDays(today, -8),
  })
  const zhou = person('zhou', legacy, 0, {
    name: '周建国',
    title: '信息中心主任',
    department: '信息中心',
    role: 'ki',
    relationship: 'cr4',
    influence: 'high',
    competitor: '华信软件',
    concern: '保住现有系统和团队的话语权',
    contact: '王强',
    lastContact: isoInDays(today, -45),
  })
  const wu = person('wu', legacy, 1, {
    name: '吴海',
    title: '信息中心副主任',
    department: '信息中心',
    role: 'gatekeeper',
    relationship: 'cr5',
    influence: 'high',
    competitor: '华信软件',
    concern: '技术路线由他把关，倾向原厂升级',
  })
  const lin = person('lin', legacy, 2, {
    name: '林芳',
    title: '系统架构师',
    department: '信息中心',
    role: 'ku',
    relationship: 'cr4',
    influence: 'low',
    concern: '新平台学习成本',
  })
  const huang = person('huang', legacy, 3, {
    name: '黄斌',
    title: '网络安全处处长',
    department: '信息中心',
    role: 'gatekeeper',
    relationship: 'cr3',
    influence: 'medium',
    concern: '等保三级合规',
  })

  const legacyPlan = blocker('legacy', 1950, {
    title: '信息中心力推华信旧平台升级方案',
    detail: '周主任在技术论证会上主张“原厂升级、风险最小”',
    severity: 'critical',
    status: 'attacking',
    stage: 'P3',
  })
  const budget = blocker('budget', 1100, {
    title: '项目预算未列入年度投资计划',
    detail: '财务部要求先看分阶段投资回报',
    severity: 'high',
    status: 'open',
    stage: 'P4',
  })
  const security = blocker('security', 2500, {
    title: '等保测评要求不明确',
    detail: '安全处尚未给出新平台的测评口径，招标条款可能被卡',
    severity: 'medium',
    status: 'open',
    stage: 'P4',
  })

  const workshop = action('workshop', 1920, 850, {
    title: '联合数字化办举办平台架构对标交流会',
    owner: '李明',
    department: 'presales',
    resources: '售前架构师 2 人；样板客户参观名额 2 个',
    due: isoInDays(today, 18),
    checkpoint: '信息中心书面认可新架构评估结论',
    status: 'in-progress',
  })
  // Beside the legacy faction's leader, whom it targets.
  const visit = action('visit', 2840, 60, {
    title: '副总裁拜访周主任，承诺旧系统数据迁移保障',
    owner: '王强',
    department: 'management',
    resources: '公司副总裁出面；迁移团队 4 人',
    due: isoInDays(today, 10),
    checkpoint: '周主任同意联合论证',
    status: 'planned',
  })
  const roi = action('roi', 960, 850, {
    title: '提交分阶段投资回报测算',
    owner: '赵敏',
    department: 'sales',
    resources: '',
    due: isoInDays(today, 25),
    checkpoint: '财务部出具预算初审意见',
    status: 'planned',
  })
  const meeting = action('meeting', 1300, 850, {
    title: '推动刘总在季度经营会上点名立项',
    owner: '张伟、刘洋',
    department: 'management',
    resources: '总部分管副总裁陪同汇报',
    due: isoInDays(today, -6),
    checkpoint: '会议纪要写明立项',
    status: 'in-progress',
  })
  const pilot = action('pilot', 30, 850, {
    title: '二电厂样板试点方案',
    owner: '李明',
    department: 'delivery',
    resources: '交付团队 3 人 × 4 周',
    due: isoInDays(today, 40),
    checkpoint: '',
    status: 'planned',
  })
  const whitepaper = action('whitepaper', 400, 850, {
    title: '完成竞品对比白皮书，供陈主任内部汇报',
    owner: '陈静',
    department: 'marketing',
    resources: '市场部预算 3 万元',
    due: isoInDays(today, -15),
    checkpoint: '陈主任在党委会上引用',
    status: 'done',
  })

  const pageCenter = (b: Box) => {
    const px = b.parent ? b.parent.x + b.x : b.x
    const py = b.parent ? b.parent.y + b.y : b.y
    return { x: px + b.w / 2, y: py + b.h / 2 }
  }
  let arrows = 0
  const link = (from: Box, to: Box, relation: RelationKind) => {
    const key = `demo-r${++arrows}`
    const id = `shape:${key}`
    const a = pageCenter(from)
    const b = pageCenter(to)
    records.push(
      shapeRecord(
        id,
        'arrow',
        { ...arrowProps({ x: b.x - a.x, y: b.y - a.y }), ...(RELATION_LOOKS[relation] as Rec) },
        { x: a.x, y: a.y, index: indexKey(order++), meta: { relation } },
      ),
    )
    for (const [terminal, target] of [
      ['start', from],
      ['end', to],
    ] as const) {
      records.push(arrowBinding(`binding:${key}-${terminal}`, id, target.id, terminal))
    }
  }

  // The decision chain: who reports to whom, who sways whom.
  for (const s of [chen, wang, he, sun]) link(s, liu, 'reports-to')
  for (const s of [zheng, qian, feng, zhou]) link(s, sun, 'reports-to')
  for (const s of [wu, lin, huang]) link(s, zhou, 'reports-to')
  link(chen, zheng, 'influences')
  link(wu, feng, 'influences')
  // Where the deal is stuck, and with whom.
  link(legacyPlan, wu, 'held-by')
  link(legacyPlan, lin, 'held-by')
  link(budget, zheng, 'held-by')
  link(security, huang, 'held-by')
  // What is aimed at it.
  link(workshop, legacyPlan, 'targets')
  link(visit, zhou, 'targets')
  link(roi, budget, 'targets')
  link(meeting, budget, 'targets')
  link(pilot, he, 'targets')
  link(whitepaper, chen, 'targets')

  const fields: AccountFields = {
    name: DEMO_ACCOUNT_NAME,
    tier: 'strategic',
    owner: ownerName,
    goal: '拿下集团智慧能源管理平台一期建设',
    target: '合同额 3800 万元，覆盖 12 家二级单位',
    deadline: isoInDays(today, 220),
    window: '',
    stage: 'P3',
    closeness: 3,
    potential: 5,
    winProbability: 45,
    competitors: [
      {
        name: '华信软件',
        manager: '周启明',
        strengths: '与信息中心合作十年，价格低',
        weaknesses: '平台架构老旧，交付团队薄弱',
      },
      { name: '云擎科技', manager: '韩冰', strengths: '云原生技术新，资本背景强', weaknesses: '没有能源行业案例' },
    ],
  }
  return { fields, records }
}

/**
 * Creates the demo account for a fresh installation (no accounts yet), owned by `admin`.
 * Returns false when there already are accounts.
 */
export async function seedDemoAccount(
  accounts: import('../accounts/AccountService.ts').AccountService,
  db: import('../db/Records.ts').Records,
  admin: import('../db/Database.ts').UserRecord,
): Promise<boolean> {
  if (Object.keys(db.data.accounts).length > 0) return false
  const { fields, records } = buildDemoAccount(admin.name)
  await accounts.create({ id: DEMO_ACCOUNT_ID, name: fields.name, tier: fields.tier, owner: fields.owner }, admin, {
    fields,
    records,
  })
  return true
}
