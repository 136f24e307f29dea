/**
 * The template library: five starting maps in Chinese and English (a state-owned enterprise's
 * decision chain, a private company's, a bid evaluation committee, a three-faction map, a
 * blocker-and-actions board), inserted where the user is looking and never on top of cards
 * already on the page. Placeholder text is meant to be overwritten in the first workshop.
 */
import { Box, createShapeId, type Editor, type TLShapeId, type TLShapePartial } from 'tldraw'
import { defaultActionProps } from '../../shared/shapes/action'
import { defaultBlockerProps } from '../../shared/shapes/blocker'
import { defaultFactionProps } from '../../shared/shapes/faction'
import { defaultStakeholderProps } from '../../shared/shapes/stakeholder'
import type { RelationKind, WarRoomShapeType } from '../../shared/shapes/types'
import type { Lang } from '../i18n'
import { connect } from '../shapes/template'

type Text = { zh: string; en: string }
type Value = string | number | boolean | Text

interface TemplateCard {
  key: string
  type: WarRoomShapeType
  x: number
  y: number
  w?: number
  h?: number
  /** A faction's key: the card sits inside it (x, y relative to the faction). */
  parent?: string
  props: Record<string, Value>
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
  extra: Record<string, Value> = {},
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

/**
 * The top-left corner for a box of `size`: centred in the viewport if that covers nothing, else
 * the nearest free place around it (rings of candidates), else below everything on the page.
 */
export function freeSpot(editor: Editor, size: { w: number; h: number }): { x: number; y: number } {
  const taken = editor
    .getCurrentPageShapes()
    .filter((s) => s.parentId === editor.getCurrentPageId())
    .map((s) => editor.getShapePageBounds(s.id))
    .filter((b): b is Box => b !== undefined)
  const margin = 60
  const free = (x: number, y: number) => {
    const box = new Box(x - margin, y - margin, size.w + 2 * margin, size.h + 2 * margin)
    return !taken.some((b) => b.collides(box))
  }
  const center = editor.getViewportPageBounds().center
  const start = { x: center.x - size.w / 2, y: center.y - size.h / 2 }
  if (free(start.x, start.y)) return start
  const step = { x: (size.w + margin) / 2, y: (size.h + margin) / 2 }
  for (let ring = 1; ring <= 8; ring++) {
    let best: { x: number; y: number; d: number } | null = null
    for (let i = -ring; i <= ring; i++) {
      for (let j = -ring; j <= ring; j++) {
        if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue
        const x = start.x + i * step.x
        const y = start.y + j * step.y
        const d = i * i + j * j
        if (free(x, y) && (!best || d < best.d)) best = { x, y, d }
      }
    }
    if (best) return { x: best.x, y: best.y }
  }
  const page = editor.getCurrentPageBounds()
  return page ? { x: page.x, y: page.maxY + 160 } : start
}

/** Inserts a template in one history step and brings it into view. */
export function insertLibraryTemplate(editor: Editor, template: Template, lang: Lang): TLShapeId[] {
  const text = (v: Value) => (typeof v === 'object' ? v[lang] : v)
  const origin = freeSpot(editor, templateSize(template))
  const ids = new Map(template.cards.map((c) => [c.key, createShapeId()]))
  const shapes: TLShapePartial[] = template.cards.map((c) => {
    const props: Record<string, unknown> = { ...DEFAULTS[c.type](), ...sizeOf(c) }
    for (const [k, v] of Object.entries(c.props)) props[k] = text(v)
    return {
      id: ids.get(c.key)!,
      type: c.type,
      x: c.parent ? c.x : origin.x + c.x,
      y: c.parent ? c.y : origin.y + c.y,
      ...(c.parent ? { parentId: ids.get(c.parent)! } : {}),
      props,
    }
  })
  editor.markHistoryStoppingPoint(`insert template ${template.id}`)
  const all: TLShapeId[] = shapes.map((s) => s.id)
  editor.run(() => {
    // Factions first, so members can be parented to them and sit above them.
    editor.createShapes([...shapes.filter((s) => s.type === 'faction'), ...shapes.filter((s) => s.type !== 'faction')])
    for (const c of template.cards) {
      const leader =
        c.type === 'faction' ? template.cards.find((m) => m.parent === c.key && m.type === 'stakeholder') : undefined
      if (leader) editor.updateShape({ id: ids.get(c.key)!, type: 'faction', props: { leader: ids.get(leader.key)! } })
    }
    for (const [from, to, relation] of template.links) all.push(connect(editor, ids.get(from)!, ids.get(to)!, relation))
  })
  editor.select(
    ...shapes.filter((s) => !template.cards.find((c) => c.key === keyOf(ids, s.id))?.parent).map((s) => s.id),
  )
  editor.zoomToSelection({ animation: { duration: 200 } })
  return all
}

function keyOf(ids: Map<string, TLShapeId>, id: TLShapeId): string | undefined {
  for (const [k, v] of ids) if (v === id) return k
  return undefined
}
