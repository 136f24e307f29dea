/**
 * The template library: the starter decision chain ("insert template") and five starting maps in
 * Chinese and English (a state-owned enterprise's decision chain, a private company's, a bid
 * evaluation committee, a three-faction map, a blocker-and-actions board), as plain data: cards
 * placed relative to the template's top-left corner and the relations between them. The client
 * inserts them (client/contacts/templates.ts); tests derive plans from the same data. Every text is
 * a catalogue entry (`library.*`, `template.*` in shared/i18n/messages/templates.ts), read in both
 * languages. Placeholder text is meant to be overwritten in the first workshop.
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

/** A text of the library, in both languages from the catalogue (shared/i18n/messages/templates.ts). */
const t = (key: `library.${string}`) => bilingual(key as Parameters<typeof bilingual>[0])

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
  props: { name: t('library.placeholder.name'), title, department, role, ...extra },
})

export const TEMPLATES: Template[] = [
  {
    id: 'soe',
    name: t('library.soe.name'),
    description: t('library.soe.description'),
    cards: [
      person('party', 420, 0, t('library.soe.party.title'), t('library.soe.party.department'), 'kdm', {
        influence: 'high',
        concern: t('library.soe.party.concern'),
      }),
      person('gm', 420, 240, t('library.soe.gm.title'), t('library.soe.gm.department'), 'kdm', {
        influence: 'high',
        concern: t('library.soe.gm.concern'),
      }),
      person('vp', 420, 480, t('library.soe.vp.title'), t('library.soe.vp.department'), 'ki', {
        influence: 'high',
      }),
      person('user', 140, 720, t('library.soe.user.title'), t('library.soe.user.department'), 'ku', {
        concern: t('library.soe.user.concern'),
      }),
      person('proc', 700, 720, t('library.soe.proc.title'), t('library.soe.proc.department'), 'gatekeeper', {
        concern: t('library.soe.proc.concern'),
      }),
      person('disc', 800, 0, t('library.soe.disc.title'), t('library.soe.disc.department'), 'gatekeeper', {
        concern: t('library.soe.disc.concern'),
      }),
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
    name: t('library.private.name'),
    description: t('library.private.description'),
    cards: [
      person('boss', 420, 0, t('library.private.boss.title'), t('library.private.boss.department'), 'kdm', {
        influence: 'high',
        concern: t('library.private.boss.concern'),
      }),
      person('ceo', 140, 260, t('library.private.ceo.title'), t('library.private.ceo.department'), 'ki', {
        influence: 'high',
      }),
      person('cfo', 700, 260, t('library.private.cfo.title'), t('library.private.cfo.department'), 'ki', {
        concern: t('library.private.cfo.concern'),
      }),
      person('it', 140, 520, t('library.private.it.title'), t('library.private.it.department'), 'gatekeeper'),
      person('biz', 700, 520, t('library.private.biz.title'), t('library.private.biz.department'), 'ku'),
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
    name: t('library.bid.name'),
    description: t('library.bid.description'),
    cards: [
      {
        key: 'committee',
        type: 'faction',
        x: 0,
        y: 0,
        w: 1200,
        h: 520,
        props: {
          name: t('library.bid.committee.name'),
          stance: 'neutral',
          strategy: t('library.bid.committee.strategy'),
        },
      },
      person(
        'owner',
        470,
        80,
        t('library.bid.owner.title'),
        t('library.bid.owner.department'),
        'kdm',
        { influence: 'high' },
        'committee',
      ),
      person('tech1', 30, 300, t('library.bid.tech1.title'), t('library.bid.tech1.department'), 'ki', {}, 'committee'),
      person('tech2', 330, 300, t('library.bid.tech2.title'), t('library.bid.tech2.department'), 'ki', {}, 'committee'),
      person('econ', 630, 300, t('library.bid.econ.title'), t('library.bid.econ.department'), 'ki', {}, 'committee'),
      person(
        'agent',
        930,
        300,
        t('library.bid.agent.title'),
        t('library.bid.agent.department'),
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
          title: t('library.bid.scoring.title'),
          detail: t('library.bid.scoring.detail'),
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
          title: t('library.bid.clarify.title'),
          owner: t('library.placeholder.owner'),
          department: 'presales',
          checkpoint: t('library.bid.clarify.checkpoint'),
        },
      },
    ],
    links: [['clarify', 'scoring', 'targets']],
  },
  {
    id: 'factions',
    name: t('library.factions.name'),
    description: t('library.factions.description'),
    cards: (
      [
        ['ally', t('library.factions.ally.name'), 'cr2', t('library.factions.ally.strategy')],
        ['neutral', t('library.factions.neutral.name'), 'cr3', t('library.factions.neutral.strategy')],
        ['hostile', t('library.factions.hostile.name'), 'cr4', t('library.factions.hostile.strategy')],
      ] as const
    ).flatMap(([stance, name, cr, strategy], i): TemplateCard[] => [
      { key: stance, type: 'faction', x: i * 420, y: 0, w: 380, h: 300, props: { name, stance, strategy } },
      person(
        `${stance}-lead`,
        60,
        100,
        t('library.factions.lead.title'),
        t('library.placeholder.department'),
        'ki',
        { relationship: cr },
        stance,
      ),
    ]),
    links: [],
  },
  {
    id: 'blockers',
    name: t('library.blockers.name'),
    description: t('library.blockers.description'),
    cards: (
      [
        ['b1', 'critical', t('library.blockers.b1.title'), t('library.blockers.b1.action')],
        ['b2', 'high', t('library.blockers.b2.title'), t('library.blockers.b2.action')],
        ['b3', 'medium', t('library.blockers.b3.title'), t('library.blockers.b3.action')],
      ] as const
    ).flatMap(([key, severity, title, action], i): TemplateCard[] => [
      { key, type: 'blocker', x: i * 360, y: 0, props: { title, severity, status: 'open' } },
      {
        key: `${key}-a`,
        type: 'action',
        x: i * 360,
        y: 240,
        props: { title: action, owner: t('library.placeholder.owner'), status: 'planned' },
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
    name: t('name'),
    description: t('description'),
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
