/**
 * What each War Room card shows, decided once: the card's texts (in the viewer's language) and
 * its tones, for the audience it is shown to. The HTML cards on the canvas (the *ShapeUtil
 * components) and the native SVG of exports (cardSvg.tsx) both render these views, so a field
 * added to a card, or dropped from the customer view (shared/audience.ts), changes both at once.
 *
 * Pure: no React, no editor. Whatever depends on other shapes (a faction's members, whether a
 * stakeholder leads its faction) or on the clock is passed in.
 */
import { customerSafeProps } from '../../shared/audience'
import { defaultActionProps } from '../../shared/shapes/action'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  DEPARTMENT_LABELS,
  INFLUENCE_LABELS,
  type Label,
  RELATIONSHIP_LABELS,
  ROLE_BADGES,
  ROLE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  STANCE_LABELS,
} from '../../shared/shapes/labels'
import { defaultStakeholderProps } from '../../shared/shapes/stakeholder'
import {
  type ActionProps,
  type ActionStatus,
  type BlockerProps,
  type BlockerSeverity,
  type BlockerStatus,
  type Department,
  type FactionProps,
  type FactionStance,
  type InfluenceLevel,
  LIVE_ACTION_STATUSES,
  type RelationshipLevel,
  type StakeholderProps,
  type StakeholderRole,
} from '../../shared/shapes/types'
import { type Lang, translate } from '../i18n'

/** A line of text that may stand for a missing value (drawn greyed and italic). */
export interface CardText {
  text: string
  /** True when `text` is a placeholder ("未命名", "无负责人"), not the card's data. */
  missing: boolean
}

/** A labelled line: "负责人 王强". */
export interface KeyedText extends CardText {
  key: string
}

/** Long (usually romanised) names step down a size rather than lose their end. */
export function isLongName(value: string): boolean {
  return [...value].length > 9
}

const label = (lang: Lang, labels: Record<string, Label>, value: string) => labels[value]?.[lang] ?? value

function text(value: string, placeholder: string): CardText {
  return value ? { text: value, missing: false } : { text: placeholder, missing: true }
}

// ------------------------------------------------------------------------------ stakeholder

export interface StakeholderView {
  /** The relationship tone of the card's edge: the CR level, or neutral for the customer. */
  tone: RelationshipLevel | 'customer'
  name: CardText
  /** "总经理 · 信息中心" (empty when neither is set). */
  subtitle: string
  /** The title alone (the customer's low-detail card shows it under the name). */
  jobTitle: string
  /** Role badge (KDM, KI, …); null for the customer. */
  role: { value: StakeholderRole; badge: string; title: string } | null
  champion: boolean
  /** The relationship chip; null for the customer. */
  cr: { level: RelationshipLevel; short: string; lod: string; title: string } | null
  influence: { level: InfluenceLevel; bars: number; short: string; title: string } | null
  concern: KeyedText | null
  leader: string | null
  competitor: string | null
  contact: string | null
  /** The stance is older than the freshness limit: the card fades. */
  stale: boolean
  /** The champion mark's tooltip. */
  championTitle: string
}

export interface StakeholderContext {
  lang: Lang
  customer: boolean
  /** The card is the leader of the faction it sits in. */
  isLeader: boolean
  /** The latest stance change is older than the freshness limit. */
  stale: boolean
}

/** The CR level alone, for the low-detail card (the colour says the rest). */
const RELATIONSHIP_LOD: Record<RelationshipLevel, Label> = {
  cr1: { zh: 'CR1', en: 'CR1' },
  cr2: { zh: 'CR2', en: 'CR2' },
  cr3: { zh: 'CR3', en: 'CR3' },
  cr4: { zh: 'CR4', en: 'CR4' },
  cr5: { zh: 'CR5', en: 'CR5' },
  unknown: { zh: 'CR?', en: 'CR?' },
}

/** Short relationship names for the card (the full names are in the inspector and the tooltip). */
const RELATIONSHIP_SHORT: Record<RelationshipLevel, Label> = {
  cr1: { zh: 'CR1 铁杆支持', en: 'CR1 Firm supporter' },
  cr2: { zh: 'CR2 友善', en: 'CR2 Friendly' },
  cr3: { zh: 'CR3 中立', en: 'CR3 Neutral' },
  cr4: { zh: 'CR4 对手铁杆', en: 'CR4 Backs a rival' },
  cr5: { zh: 'CR5 坚决反对', en: 'CR5 Firm opponent' },
  unknown: { zh: '关系未知', en: 'Unknown' },
}

/** Short influence words for the card; the long form is its tooltip. */
const INFLUENCE_SHORT: Record<InfluenceLevel, Label> = {
  high: { zh: '影响力高', en: 'High' },
  medium: { zh: '影响力中', en: 'Medium' },
  low: { zh: '影响力低', en: 'Low' },
}

export function stakeholderView(props: StakeholderProps, ctx: StakeholderContext): StakeholderView {
  const { lang, customer } = ctx
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(lang, key, params)
  // The customer view shows only the allow-listed props (shared/audience.ts); the rest are defaults.
  const p = customer ? customerSafeProps('stakeholder', props, defaultStakeholderProps()) : props
  const internal = !customer
  return {
    tone: customer ? 'customer' : p.relationship,
    name: text(p.name, t('shape.unnamed')),
    subtitle: [p.title, p.department].filter(Boolean).join(' · '),
    jobTitle: p.title,
    role: internal
      ? { value: p.role, badge: label(lang, ROLE_BADGES, p.role), title: label(lang, ROLE_LABELS, p.role) }
      : null,
    champion: internal && p.champion,
    cr: internal
      ? {
          level: p.relationship,
          short: label(lang, RELATIONSHIP_SHORT, p.relationship),
          lod: label(lang, RELATIONSHIP_LOD, p.relationship),
          title: label(lang, RELATIONSHIP_LABELS, p.relationship),
        }
      : null,
    influence: internal
      ? {
          level: p.influence,
          bars: p.influence === 'high' ? 3 : p.influence === 'medium' ? 2 : 1,
          short: label(lang, INFLUENCE_SHORT, p.influence),
          title: label(lang, INFLUENCE_LABELS, p.influence),
        }
      : null,
    concern: internal && p.concern ? { key: t('shape.concern'), text: p.concern, missing: false } : null,
    leader: internal && ctx.isLeader ? `♛ ${t('shape.leader')}` : null,
    competitor: internal && p.competitor ? `${t('shape.backs')} ${p.competitor}` : null,
    contact: internal && p.contact ? `${t('shape.contact')}: ${p.contact}` : null,
    stale: internal && ctx.stale,
    championTitle: t('shape.champion'),
  }
}

// ---------------------------------------------------------------------------------- faction

export interface FactionView {
  stance: FactionStance
  name: CardText
  stanceText: string
  count: string
  /** "♛ 核心: 王强" when the faction has a leader. */
  leader: string | null
  strategy: string | null
}

export function factionView(
  props: FactionProps,
  ctx: { lang: Lang; members: number; leaderName: string },
): FactionView {
  const { lang } = ctx
  return {
    stance: props.stance,
    name: text(props.name, translate(lang, 'shape.unnamed')),
    stanceText: label(lang, STANCE_LABELS, props.stance),
    count: translate(lang, 'shape.members', { count: ctx.members }),
    leader: ctx.leaderName ? `♛ ${translate(lang, 'shape.leader')}: ${ctx.leaderName}` : null,
    strategy: props.strategy || null,
  }
}

// ---------------------------------------------------------------------------------- blocker

export interface BlockerView {
  severity: BlockerSeverity
  status: BlockerStatus
  kind: string
  severityText: string
  title: CardText
  detail: string | null
  stage: string
  /** The status chip, or the "✓ 已清除" stamp when cleared. */
  statusText: string
}

export function blockerView(props: BlockerProps, ctx: { lang: Lang }): BlockerView {
  const { lang } = ctx
  const cleared = props.status === 'cleared'
  return {
    severity: props.severity,
    status: props.status,
    kind: translate(lang, 'inspector.title.blocker'),
    severityText: label(lang, SEVERITY_LABELS, props.severity),
    title: text(props.title, translate(lang, 'shape.untitled')),
    detail: props.detail || null,
    stage: props.stage ? label(lang, STAGE_LABELS, props.stage) : '',
    statusText: `${cleared ? '✓ ' : ''}${label(lang, BLOCKER_STATUS_LABELS, props.status)}`,
  }
}

// ----------------------------------------------------------------------------------- action

/** A live action whose due date has passed (compared in the user's own time zone). */
export function isOverdue(props: Pick<ActionProps, 'due' | 'status'>, today: string): boolean {
  return props.due !== '' && props.due < today && LIVE_ACTION_STATUSES.includes(props.status)
}

export const ACTION_STATUS_MARK: Record<ActionStatus, string> = {
  planned: '○',
  'in-progress': '▶',
  done: '✓',
  failed: '✗',
  dropped: '—',
}

export interface ActionView {
  department: Department
  status: ActionStatus
  overdue: boolean
  /** The department chip; null for the customer. */
  departmentText: string | null
  /** "▶ 进行中". */
  statusText: string
  /** The status mark alone (the low-detail card puts it before the title). */
  mark: string
  title: CardText
  owner: KeyedText
  due: KeyedText
  /** "⚠ 已逾期" when overdue. */
  overdueText: string | null
  checkpoint: KeyedText
  /** "王强 · 2026-12-20", the low-detail card's second line. */
  meta: string
}

export function actionView(props: ActionProps, ctx: { lang: Lang; customer: boolean; today: string }): ActionView {
  const { lang, customer } = ctx
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key)
  const p = customer ? customerSafeProps('action', props, defaultActionProps()) : props
  const overdue = !customer && isOverdue(p, ctx.today)
  const owner = text(p.owner, t('shape.noOwner'))
  const due = text(p.due, t('shape.noDue'))
  return {
    department: p.department,
    status: p.status,
    overdue,
    departmentText: customer ? null : label(lang, DEPARTMENT_LABELS, p.department),
    statusText: `${ACTION_STATUS_MARK[p.status]} ${label(lang, ACTION_STATUS_LABELS, p.status)}`,
    mark: ACTION_STATUS_MARK[p.status],
    title: text(p.title, t('shape.untitled')),
    owner: { key: t('field.owner.short'), ...owner },
    due: { key: t('shape.due'), ...due },
    overdueText: overdue ? `⚠ ${t('shape.overdue')}` : null,
    checkpoint: { key: t('shape.checkpoint'), ...text(p.checkpoint, t('shape.noCheckpoint')) },
    meta: `${owner.text} · ${due.text}`,
  }
}
