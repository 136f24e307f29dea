/**
 * "Insert template": a starter decision chain for a new account — a decision
 * maker over two influencers and two users, a blocker held by one influencer and
 * an action aimed at it, joined by relation arrows — in the user's language.
 */
import { createShapeId, type Editor, type TLShapeId, type TLShapePartial } from 'tldraw'
import { defaultActionProps } from '../../shared/shapes/action'
import { defaultBlockerProps } from '../../shared/shapes/blocker'
import { defaultStakeholderProps } from '../../shared/shapes/stakeholder'
import type { RelationKind, StakeholderProps } from '../../shared/shapes/types'
import { type Lang, type MessageKey, translate } from '../i18n'
import { todayIso } from './common'
import { RELATION_LOOKS } from './relations'

const CARD = { w: 260, h: 160 }

function inDays(days: number): string {
  const date = new Date()
  date.setDate(date.getDate() + days)
  return todayIso(date)
}

export function insertTemplate(editor: Editor, lang: Lang): TLShapeId[] {
  const t = (key: string) => translate(lang, key as MessageKey)
  const center = editor.getViewportPageBounds().center
  // The layout spans about 1180 × 680; centre it in the view.
  const origin = { x: center.x - 420, y: center.y - 340 }
  const at = (x: number, y: number) => ({ x: origin.x + x, y: origin.y + y })

  const person = (key: string, x: number, y: number, props: Partial<StakeholderProps>) => {
    const id = createShapeId()
    const shape: TLShapePartial = {
      id,
      type: 'stakeholder',
      ...at(x, y),
      props: {
        ...defaultStakeholderProps(),
        ...CARD,
        name: t(`template.${key}.name`),
        title: t(`template.${key}.title`),
        department: t(`template.${key}.department`),
        concern: t(`template.${key}.concern`),
        contact: t('template.contact'),
        ...props,
      },
    }
    return shape
  }

  const kdm = person('kdm', 500, 0, { role: 'kdm', relationship: 'cr3', influence: 'high' })
  const ki1 = person('ki1', 300, 260, { role: 'ki', relationship: 'cr4', influence: 'high' })
  const ki2 = person('ki2', 700, 260, { role: 'ki', relationship: 'cr2', influence: 'medium' })
  const ku1 = person('ku1', 160, 520, { role: 'ku', relationship: 'cr1', influence: 'low', champion: true })
  const ku2 = person('ku2', 460, 520, { role: 'ku', relationship: 'unknown', influence: 'low' })
  const blocker: TLShapePartial = {
    id: createShapeId(),
    type: 'blocker',
    ...at(-160, 260),
    props: {
      ...defaultBlockerProps(),
      w: 280,
      h: 160,
      title: t('template.blocker.title'),
      detail: t('template.blocker.detail'),
      severity: 'high',
      status: 'open',
      stage: 'P3',
    },
  }
  const action: TLShapePartial = {
    id: createShapeId(),
    type: 'action',
    ...at(-160, 520),
    props: {
      ...defaultActionProps(),
      w: 280,
      h: 170,
      title: t('template.action.title'),
      owner: t('template.action.owner'),
      department: 'presales',
      resources: t('template.action.resources'),
      due: inDays(14),
      checkpoint: t('template.action.checkpoint'),
      status: 'planned',
    },
  }
  const cards = [kdm, ki1, ki2, ku1, ku2, blocker, action]
  const links: [TLShapePartial, TLShapePartial, RelationKind][] = [
    [ki1, kdm, 'reports-to'],
    [ki2, kdm, 'reports-to'],
    [ku1, ki1, 'reports-to'],
    [ku2, ki1, 'reports-to'],
    [blocker, ki1, 'held-by'],
    [action, blocker, 'targets'],
  ]

  editor.markHistoryStoppingPoint('insert war-room template')
  const ids: TLShapeId[] = cards.map((c) => c.id)
  editor.run(() => {
    editor.createShapes(cards)
    for (const [from, to, relation] of links) ids.push(connect(editor, from.id, to.id, relation))
  })
  editor.select(...ids)
  editor.zoomToSelection({ animation: { duration: 200 } })
  return ids
}

/** A tldraw arrow bound at both ends (centre to centre), carrying its relation and look. */
export function connect(editor: Editor, fromId: TLShapeId, toId: TLShapeId, relation?: RelationKind): TLShapeId {
  const a = editor.getShapePageBounds(fromId)!.center
  const b = editor.getShapePageBounds(toId)!.center
  const id = createShapeId()
  editor.createShape({
    id,
    type: 'arrow',
    x: a.x,
    y: a.y,
    meta: relation ? { relation } : {},
    props: {
      start: { x: 0, y: 0 },
      end: { x: b.x - a.x, y: b.y - a.y },
      ...(relation ? RELATION_LOOKS[relation] : {}),
    },
  })
  const anchor = { normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' as const }
  editor.createBindings([
    { type: 'arrow', fromId: id, toId: fromId, props: { terminal: 'start', ...anchor } },
    { type: 'arrow', fromId: id, toId: toId, props: { terminal: 'end', ...anchor } },
  ])
  return id
}
