/**
 * The template library: the starter decision chain ("insert template") and five starting maps in
 * Chinese and English (a state-owned enterprise's decision chain, a private company's, a bid
 * evaluation committee, a three-faction map, a blocker-and-actions board), as plain data: cards
 * placed relative to the template's top-left corner and the relations between them. The client
 * inserts them (client/contacts/templates.ts); tests derive plans from the same data.
 * Placeholder text is meant to be overwritten in the first workshop.
 */
import { bilingual } from '../i18n'
import { defaultActionProps } from '../shapes/action'
import { defaultBlockerProps } from '../shapes/blocker'
import { defaultFactionProps } from '../shapes/faction'
import { defaultStakeholderProps } from '../shapes/stakeholder'
import type { RelationKind, WarRoomShapeType } from '../shapes/types'

type Text = { zh: string; en: string }
export type TemplateValue = string | number | boolean | Text

export interface TemplateCard {
  key: string
  type: WarRoomShapeType
  x: number
  y: number
  w?: number
  h?: number
  /** A faction's key: the card sits inside it (x, y relative to the faction). */
  parent?: string
  props: Record<string, TemplateValue>
}

export interface Template {
  id: string
  name: Text
  description: Text
  cards: TemplateCard[]
  links: [string, string, RelationKind][]
}

const person = (
  key: string,
  x: number,
  y: number,
  title: Text,
  department: Text,
  role: string,
  extra: Record<string, TemplateValue> = {},
  parent?: string,
): TemplateCard => ({
  key,
  type: 'stakeholder',
  x,
  y,
  parent,
  props: { name: { zh: '（姓名）', en: '(name)' }, title, department, role, ...extra },
})

export const TEMPLATES: Template[] = [
  {
    id: 'soe',
    name: { zh: '国企决策链', en: 'State-owned enterprise' },
    description: {
      zh: '党委 → 总经理办公会 → 分管领导 → 使用部门，采购与纪检把关流程',
      en: 'Party committee → general manager’s office meeting → leader in charge → user department; procurement and discipline inspection guard the process',
    },
    cards: [
      person('party', 420, 0, { zh: '党委书记', en: 'Party secretary' }, { zh: '党委', en: 'Party committee' }, 'kdm', {
        influence: 'high',
        concern: { zh: '“三重一大”事项合规、政治站位', en: 'Major decisions made by the rules; political alignment' },
      }),
      person(
        'gm',
        420,
        240,
        { zh: '总经理', en: 'General manager' },
        { zh: '总经理办公会', en: 'GM office meeting' },
        'kdm',
        {
          influence: 'high',
          concern: { zh: '经营指标、投资回报', en: 'Business targets, return on investment' },
        },
      ),
      person(
        'vp',
        420,
        480,
        { zh: '分管副总', en: 'Vice president in charge' },
        { zh: '分管领导', en: 'Leader in charge' },
        'ki',
        {
          influence: 'high',
        },
      ),
      person(
        'user',
        140,
        720,
        { zh: '部门负责人', en: 'Department head' },
        { zh: '使用部门', en: 'User department' },
        'ku',
        {
          concern: { zh: '好用、上线不影响业务', en: 'Easy to use; go-live without disruption' },
        },
      ),
      person(
        'proc',
        700,
        720,
        { zh: '采购负责人', en: 'Procurement lead' },
        { zh: '采购', en: 'Procurement' },
        'gatekeeper',
        {
          concern: { zh: '流程合规、招标文件', en: 'A compliant process and tender documents' },
        },
      ),
      person(
        'disc',
        800,
        0,
        { zh: '纪检组长', en: 'Discipline inspection head' },
        { zh: '纪检', en: 'Discipline inspection' },
        'gatekeeper',
        {
          concern: { zh: '廉洁风险', en: 'Integrity risks' },
        },
      ),
    ],
    links: [
      ['gm', 'party', 'reports-to'],
      ['vp', 'gm', 'reports-to'],
      ['user', 'vp', 'reports-to'],
      ['proc', 'vp', 'reports-to'],
      ['disc', 'party', 'reports-to'],
    ],
  },
  {
    id: 'private',
    name: { zh: '民企决策链', en: 'Private company' },
    description: {
      zh: '老板拍板，总经理与财务把关投入，IT 负责人定技术，业务部门用',
      en: 'The owner decides; the GM and finance weigh the spend; the IT head judges the technology; the business uses it',
    },
    cards: [
      person('boss', 420, 0, { zh: '董事长', en: 'Chairman / owner' }, { zh: '董事会', en: 'Board' }, 'kdm', {
        influence: 'high',
        concern: { zh: '能不能赚钱、快不快', en: 'Will it pay off, and how fast' },
      }),
      person('ceo', 140, 260, { zh: '总经理', en: 'General manager' }, { zh: '经营层', en: 'Management' }, 'ki', {
        influence: 'high',
      }),
      person('cfo', 700, 260, { zh: '财务总监', en: 'CFO' }, { zh: '财务部', en: 'Finance' }, 'ki', {
        concern: { zh: '预算与付款条件', en: 'Budget and payment terms' },
      }),
      person('it', 140, 520, { zh: 'IT 负责人', en: 'Head of IT' }, { zh: '信息部', en: 'IT' }, 'gatekeeper'),
      person(
        'biz',
        700,
        520,
        { zh: '业务经理', en: 'Business manager' },
        { zh: '业务部门', en: 'Business unit' },
        'ku',
      ),
    ],
    links: [
      ['ceo', 'boss', 'reports-to'],
      ['cfo', 'boss', 'reports-to'],
      ['it', 'ceo', 'reports-to'],
      ['biz', 'ceo', 'reports-to'],
      ['cfo', 'ceo', 'influences'],
    ],
  },
  {
    id: 'bid',
    name: { zh: '评标委员会', en: 'Bid evaluation committee' },
    description: {
      zh: '评标委员会的专家与业主代表，一个评分卡点和针对它的行动',
      en: 'The committee’s experts and the owner’s representative, a scoring blocker and the action against it',
    },
    cards: [
      {
        key: 'committee',
        type: 'faction',
        x: 0,
        y: 0,
        w: 1200,
        h: 520,
        props: {
          name: { zh: '评标委员会', en: 'Bid evaluation committee' },
          stance: 'neutral',
          strategy: {
            zh: '技术评分项提前澄清，让专家看到我们的优势',
            en: 'Clarify the technical scoring early so the experts see our strengths',
          },
        },
      },
      person(
        'owner',
        470,
        80,
        { zh: '业主代表', en: 'Owner’s representative' },
        { zh: '业主', en: 'Owner' },
        'kdm',
        { influence: 'high' },
        'committee',
      ),
      person(
        'tech1',
        30,
        300,
        { zh: '技术专家', en: 'Technical expert' },
        { zh: '专家库', en: 'Expert pool' },
        'ki',
        {},
        'committee',
      ),
      person(
        'tech2',
        330,
        300,
        { zh: '技术专家', en: 'Technical expert' },
        { zh: '专家库', en: 'Expert pool' },
        'ki',
        {},
        'committee',
      ),
      person(
        'econ',
        630,
        300,
        { zh: '经济专家', en: 'Commercial expert' },
        { zh: '专家库', en: 'Expert pool' },
        'ki',
        {},
        'committee',
      ),
      person(
        'agent',
        930,
        300,
        { zh: '招标代理', en: 'Tender agent' },
        { zh: '招标代理机构', en: 'Tender agency' },
        'gatekeeper',
        {},
        'committee',
      ),
      {
        key: 'scoring',
        type: 'blocker',
        x: 0,
        y: 600,
        props: {
          title: { zh: '评分标准偏向对手', en: 'Scoring favours a rival' },
          detail: { zh: '技术分值设置对我方不利', en: 'The technical points are weighted against us' },
          severity: 'high',
          stage: 'P4',
        },
      },
      {
        key: 'clarify',
        type: 'action',
        x: 420,
        y: 600,
        props: {
          title: { zh: '技术交流，澄清评分项', en: 'Technical session to clarify the scoring' },
          owner: { zh: '（负责人）', en: '(owner)' },
          department: 'presales',
          checkpoint: { zh: '招标文件定稿前确认评分项', en: 'Scoring confirmed before the tender is final' },
        },
      },
    ],
    links: [['clarify', 'scoring', 'targets']],
  },
  {
    id: 'factions',
    name: { zh: '三派系图', en: 'Three-faction map' },
    description: {
      zh: '支持、中立、反对三派，各有带头人位置',
      en: 'Supporters, neutrals and opponents, each with a place for its leader',
    },
    cards: (
      [
        [
          'ally',
          { zh: '支持派', en: 'Supporters' },
          'cr2',
          { zh: '巩固并让其为我们发声', en: 'Keep them close and let them speak for us' },
        ],
        [
          'neutral',
          { zh: '中立派', en: 'Neutrals' },
          'cr3',
          { zh: '用价值争取，转为支持', en: 'Win them over with value' },
        ],
        [
          'hostile',
          { zh: '反对派', en: 'Opponents' },
          'cr4',
          { zh: '化解顾虑，至少不反对', en: 'Defuse their concerns; at least no veto' },
        ],
      ] as const
    ).flatMap(([stance, name, cr, strategy], i): TemplateCard[] => [
      { key: stance, type: 'faction', x: i * 420, y: 0, w: 380, h: 300, props: { name, stance, strategy } },
      person(
        `${stance}-lead`,
        60,
        100,
        { zh: '带头人', en: 'Leader' },
        { zh: '（部门）', en: '(department)' },
        'ki',
        { relationship: cr },
        stance,
      ),
    ]),
    links: [],
  },
  {
    id: 'blockers',
    name: { zh: '卡点与行动看板', en: 'Blockers and actions board' },
    description: {
      zh: '三个卡点（致命、高、中），每个都有针对它的行动项',
      en: 'Three blockers (critical, high, medium), each with an action aimed at it',
    },
    cards: (
      [
        [
          'b1',
          'critical',
          { zh: '预算未立项', en: 'No approved budget' },
          { zh: '高层拜访，推动立项', en: 'Executive visit to get the budget approved' },
        ],
        [
          'b2',
          'high',
          { zh: '技术方案未获认可', en: 'Technical solution not accepted' },
          { zh: '样板点参观', en: 'Reference site visit' },
        ],
        [
          'b3',
          'medium',
          { zh: '对手已有关系', en: 'A rival is already in' },
          { zh: '找到并培养代言人', en: 'Find and develop a champion' },
        ],
      ] as const
    ).flatMap(([key, severity, title, action], i): TemplateCard[] => [
      { key, type: 'blocker', x: i * 360, y: 0, props: { title, severity, status: 'open' } },
      {
        key: `${key}-a`,
        type: 'action',
        x: i * 360,
        y: 240,
        props: { title: action, owner: { zh: '（负责人）', en: '(owner)' }, status: 'planned' },
      },
    ]),
    links: [
      ['b1-a', 'b1', 'targets'],
      ['b2-a', 'b2', 'targets'],
      ['b3-a', 'b3', 'targets'],
    ],
  },
]

const DEFAULTS: Record<WarRoomShapeType, () => Record<string, unknown>> = {
  stakeholder: () => ({ ...defaultStakeholderProps() }),
  faction: () => ({ ...defaultFactionProps() }),
  blocker: () => ({ ...defaultBlockerProps() }),
  action: () => ({ ...defaultActionProps() }),
}

function sizeOf(card: TemplateCard): { w: number; h: number } {
  const d = DEFAULTS[card.type]() as { w: number; h: number }
  return { w: card.w ?? d.w, h: card.h ?? d.h }
}

/** A card's props before its own: the shape's defaults at the card's size. */
export function defaultPropsOf(card: TemplateCard): Record<string, unknown> {
  return { ...DEFAULTS[card.type](), ...sizeOf(card) }
}

/** The template's extent, relative to its origin (top-level cards only: members sit inside factions). */
export function templateSize(template: Template): { w: number; h: number } {
  let w = 0
  let h = 0
  for (const c of template.cards) {
    if (c.parent) continue
    const s = sizeOf(c)
    w = Math.max(w, c.x + s.w)
    h = Math.max(h, c.y + s.h)
  }
  return { w, h }
}

/** A date `days` after `today` (YYYY-MM-DD), in UTC arithmetic so it never shifts by a time zone. */
function daysAfter(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/**
 * The starter decision chain of "insert template": a decision maker over two influencers and two
 * users, a blocker held by one influencer and an action aimed at it (due two weeks after `today`),
 * in both languages from the catalogue (shared/i18n/messages/templates.ts).
 */
export function starterTemplate(today: string): Template {
  const t = (key: string) => bilingual(`template.${key}` as Parameters<typeof bilingual>[0])
  const card = { w: 260, h: 160 }
  const starter = (key: string, x: number, y: number, props: Record<string, TemplateValue>): TemplateCard => ({
    key,
    type: 'stakeholder',
    x,
    y,
    ...card,
    props: {
      name: t(`${key}.name`),
      title: t(`${key}.title`),
      department: t(`${key}.department`),
      concern: t(`${key}.concern`),
      contact: t('contact'),
      ...props,
    },
  })
  return {
    id: 'starter',
    name: { zh: '决策链模板', en: 'Decision-chain template' },
    description: {
      zh: '决策者、影响者、使用者，一个卡点和针对它的行动',
      en: 'Decision maker, influencers, users; one blocker and an action against it',
    },
    cards: [
      starter('kdm', 660, 0, { role: 'kdm', relationship: 'cr3', influence: 'high' }),
      starter('ki1', 460, 260, { role: 'ki', relationship: 'cr4', influence: 'high' }),
      starter('ki2', 860, 260, { role: 'ki', relationship: 'cr2', influence: 'medium' }),
      starter('ku1', 320, 520, { role: 'ku', relationship: 'cr1', influence: 'low', champion: true }),
      starter('ku2', 620, 520, { role: 'ku', relationship: 'unknown', influence: 'low' }),
      {
        key: 'blocker',
        type: 'blocker',
        x: 0,
        y: 260,
        w: 280,
        h: 160,
        props: {
          title: t('blocker.title'),
          detail: t('blocker.detail'),
          severity: 'high',
          status: 'open',
          stage: 'P3',
        },
      },
      {
        key: 'action',
        type: 'action',
        x: 0,
        y: 520,
        w: 280,
        h: 170,
        props: {
          title: t('action.title'),
          owner: t('action.owner'),
          department: 'presales',
          resources: t('action.resources'),
          due: daysAfter(today, 14),
          checkpoint: t('action.checkpoint'),
          status: 'planned',
        },
      },
    ],
    links: [
      ['ki1', 'kdm', 'reports-to'],
      ['ki2', 'kdm', 'reports-to'],
      ['ku1', 'ki1', 'reports-to'],
      ['ku2', 'ki1', 'reports-to'],
      ['blocker', 'ki1', 'held-by'],
      ['action', 'blocker', 'targets'],
    ],
  }
}
