/**
 * Builders of tldraw records in the stored document format, for the plan's tests and the
 * derivation benchmark. The records match what tldraw 5.4 serialises (bindings are checked
 * against @tldraw/tlschema's own validator in the tests).
 */
import type { AccountFields } from '../../account'
import { arrowBinding, arrowProps, PAGE_ID, shapeRecord } from '../../shapes/records'
import type { ActionProps, BlockerProps, FactionProps, StakeholderProps } from '../../shapes/types'

export { PAGE_ID }

type Rec = Record<string, unknown>

function shape(id: string, type: string, props: Rec, parentId: string, extra: Rec = {}): Rec {
  return { ...shapeRecord(id, type, props, { parentId }), ...extra }
}

export function stakeholder(id: string, props: Partial<StakeholderProps> = {}, parentId = PAGE_ID): Rec {
  return shape(
    id,
    'stakeholder',
    {
      w: 220,
      h: 120,
      name: '',
      title: '',
      department: '',
      role: 'other',
      relationship: 'unknown',
      influence: 'medium',
      concern: '',
      champion: false,
      contact: '',
      lastContact: '',
      ...props,
    },
    parentId,
  )
}

export function faction(id: string, props: Partial<FactionProps> = {}, parentId = PAGE_ID): Rec {
  return shape(
    id,
    'faction',
    { w: 600, h: 400, name: '', stance: 'neutral', leader: '', strategy: '', ...props },
    parentId,
  )
}

export function blocker(id: string, props: Partial<BlockerProps> = {}, parentId = PAGE_ID): Rec {
  return shape(
    id,
    'blocker',
    { w: 220, h: 100, title: '', detail: '', severity: 'high', status: 'open', stage: '', ...props },
    parentId,
  )
}

export function action(id: string, props: Partial<ActionProps> = {}, parentId = PAGE_ID): Rec {
  return shape(
    id,
    'action',
    {
      w: 240,
      h: 120,
      title: '',
      owner: '',
      department: 'sales',
      resources: '',
      due: '',
      checkpoint: '',
      status: 'planned',
      reviewCause: '',
      reviewNote: '',
      ...props,
    },
    parentId,
  )
}

export function group(id: string, parentId = PAGE_ID): Rec {
  return shape(id, 'group', {}, parentId)
}

/** An arrow from `startId` to `endId` (either may be undefined: a loose end) and its bindings. */
export function arrow(id: string, startId: string | undefined, endId: string | undefined, relation?: unknown): Rec[] {
  const arrowShape = shape(id, 'arrow', arrowProps({ x: 100, y: 0 }), PAGE_ID, {
    meta: relation === undefined ? {} : { relation },
  })
  const out = [arrowShape]
  const suffix = id.slice('shape:'.length)
  if (startId) out.push(binding(`binding:${suffix}-start`, id, startId, 'start'))
  if (endId) out.push(binding(`binding:${suffix}-end`, id, endId, 'end'))
  return out
}

export const binding = arrowBinding

export const TODAY = '2026-11-22'

/** A complete account whose fields raise no finding. */
export function goodAccount(overrides: Partial<AccountFields> = {}): AccountFields {
  return {
    name: '华东电网',
    tier: 'strategic',
    owner: '张三',
    goal: '拿下 2027 年调度系统升级项目',
    target: '合同额 5000 万元',
    deadline: '2027-06-30',
    window: '',
    stage: 'P3',
    closeness: 3,
    potential: 5,
    winProbability: 60,
    competitors: [{ name: '友商甲', manager: '周经理', strengths: '价格低', weaknesses: '交付慢' }],
    ...overrides,
  }
}

export interface GoodDocOptions {
  account?: Partial<AccountFields>
  stakeholders?: Record<string, Partial<StakeholderProps>>
  blockers?: Record<string, Partial<BlockerProps>>
  actions?: Record<string, Partial<ActionProps>>
  extra?: Rec[]
}

/**
 * A small, realistic document with no findings at all: a KDM over a KI champion and a KU in
 * an allied faction, a high-influence opponent with a live action aimed at him, and an open
 * blocker held by the KDM with a complete live action against it. Overrides change one thing.
 */
export function goodDoc(options: GoodDocOptions = {}): { account: AccountFields; records: Rec[] } {
  const s = options.stakeholders ?? {}
  const b = options.blockers ?? {}
  const a = options.actions ?? {}
  const records: Rec[] = [
    faction('shape:f1', { name: '技术派', stance: 'ally', leader: 'shape:s2', strategy: '以技术方案打动' }),
    stakeholder('shape:s1', {
      name: '王总',
      title: '总经理',
      role: 'kdm',
      relationship: 'cr3',
      influence: 'high',
      contact: '张三',
      lastContact: '2026-11-20',
      ...s['shape:s1'],
    }),
    stakeholder(
      'shape:s2',
      {
        name: '李处',
        title: '信息处处长',
        role: 'ki',
        relationship: 'cr1',
        influence: 'high',
        champion: true,
        contact: '李四',
        lastContact: '2026-11-18',
        ...s['shape:s2'],
      },
      'shape:f1',
    ),
    stakeholder(
      'shape:s3',
      { name: '赵工', title: '调度工程师', role: 'ku', relationship: 'unknown', ...s['shape:s3'] },
      'shape:f1',
    ),
    stakeholder('shape:s4', {
      name: '孙主任',
      title: '采购主任',
      role: 'other',
      relationship: 'cr5',
      influence: 'high',
      ...s['shape:s4'],
    }),
    blocker('shape:b1', { title: '预算未立项', severity: 'critical', status: 'open', stage: 'P3', ...b['shape:b1'] }),
    action('shape:a1', {
      title: '高层拜访，推动立项',
      owner: '张三',
      department: 'management',
      resources: '副总裁出面，差旅预算 2 万',
      due: '2026-12-15',
      checkpoint: '12 月底前拿到立项批复',
      status: 'in-progress',
      ...a['shape:a1'],
    }),
    action('shape:a2', {
      title: '技术交流会，化解采购疑虑',
      owner: '李四',
      department: 'presales',
      resources: '售前专家两人，演示环境',
      due: '2026-12-20',
      checkpoint: '会后孙主任不再反对技术选型',
      status: 'planned',
      ...a['shape:a2'],
    }),
    ...arrow('shape:r1', 'shape:s2', 'shape:s1', 'reports-to'),
    ...arrow('shape:r2', 'shape:s3', 'shape:s2'),
    ...arrow('shape:r3', 'shape:b1', 'shape:s1', 'held-by'),
    ...arrow('shape:r4', 'shape:a1', 'shape:b1', 'targets'),
    ...arrow('shape:r5', 'shape:a2', 'shape:s4', 'targets'),
    ...(options.extra ?? []),
  ]
  return { account: goodAccount(options.account), records }
}
