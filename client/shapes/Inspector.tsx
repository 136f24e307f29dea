/**
 * The inspector: edits every field of the selected War Room shape with a proper
 * control, and the relation of a selected arrow. It takes the place of tldraw's
 * style panel while such a shape is selected; edits go through the store and so
 * sync live to everyone.
 */
import { type ComponentType, type ReactNode, useEffect, useRef } from 'react'
import {
  DefaultStylePanel,
  DefaultStylePanelContent,
  type TLShape,
  type TLShapeId,
  type TLUiStylePanelProps,
  useEditor,
  usePassThroughWheelEvents,
  useValue,
} from 'tldraw'
import { isWarRoomShapeType } from '../../shared/shapes/definitions'
import {
  ACTION_STATUS_LABELS,
  BLOCKER_STATUS_LABELS,
  DEPARTMENT_LABELS,
  INFLUENCE_LABELS,
  type Label,
  RELATION_LABELS,
  RELATIONSHIP_LABELS,
  REVIEW_CAUSE_LABELS,
  ROLE_LABELS,
  SEVERITY_LABELS,
  STAGE_LABELS,
  STANCE_LABELS,
} from '../../shared/shapes/labels'
import { relationChoices } from '../../shared/shapes/relations'
import {
  ACTION_STATUSES,
  BLOCKER_SEVERITIES,
  BLOCKER_STATUSES,
  DEPARTMENTS,
  FACTION_STANCES,
  FUNNEL_STAGES,
  INFLUENCE_LEVELS,
  RELATIONSHIP_LEVELS,
  REVIEW_CAUSES,
  type RelationKind,
  STAKEHOLDER_ROLES,
  type WarRoomShapeType,
} from '../../shared/shapes/types'
import { ProvenanceNote } from '../contacts/provenance'
import { type MessageKey, useLang, useT } from '../i18n'
import { ReviewCausePrompt } from '../review/ReviewCausePrompt'
import { problemsOf, repairShape, textProp, updateProps, type WarRoomShape } from './common'
import { arrowEndTypes, isRelationKind, syncArrowRelation } from './relations'

/** tldraw's StylePanel slot: our inspector for War Room shapes and relation arrows, tldraw's panel otherwise. */
export function WarRoomStylePanel(props: TLUiStylePanelProps) {
  const editor = useEditor()
  const selected = useValue('war-room inspector selection', () => {
    const ids = editor.getSelectedShapeIds()
    if (ids.length !== 1) return null
    const shape = editor.getShape(ids[0])
    return shape ? { id: shape.id, type: shape.type } : null
  }, [editor])
  if (selected && isWarRoomShapeType(selected.type)) return <Inspector shapeId={selected.id} />
  if (selected?.type === 'arrow') {
    return (
      <DefaultStylePanel {...props}>
        <RelationSection arrowId={selected.id} />
        <DefaultStylePanelContent />
      </DefaultStylePanel>
    )
  }
  return <DefaultStylePanel {...props} />
}

function PanelFrame({ children, testId }: { children: ReactNode; testId: string }) {
  const editor = useEditor()
  const ref = useRef<HTMLDivElement>(null)
  usePassThroughWheelEvents(ref)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    // Pointer moves over the panel are not canvas moves (same as tldraw's own panel).
    const onPointerMove = (event: PointerEvent) => editor.markEventAsHandled(event)
    // Escape leaves the field and hands the keyboard back to the canvas.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && element.contains(document.activeElement)) {
        event.stopPropagation()
        editor.getContainer().focus()
      }
    }
    element.addEventListener('pointermove', onPointerMove)
    element.addEventListener('keydown', onKeyDown, { capture: true })
    return () => {
      element.removeEventListener('pointermove', onPointerMove)
      element.removeEventListener('keydown', onKeyDown, { capture: true })
    }
  }, [editor])
  return (
    <div ref={ref} className="tlui-style-panel tlui-style-panel__wrapper wr-inspector" data-testid={testId}>
      {children}
    </div>
  )
}

function Inspector({ shapeId }: { shapeId: TLShapeId }) {
  const editor = useEditor()
  const t = useT()
  const shape = useValue('war-room inspected shape', () => editor.getShape(shapeId), [editor, shapeId]) as
    | WarRoomShape
    | undefined
  if (!shape || !isWarRoomShapeType(shape.type)) return null

  const problems = problemsOf(shape)
  const title = t(`inspector.title.${shape.type}` as MessageKey)
  if (problems.length) {
    return (
      <PanelFrame testId="wr-inspector">
        <h3 className="wr-inspector__title">{title}</h3>
        <p className="wr-inspector__broken">{t('shape.broken.title')}</p>
        <ul className="wr-inspector__problems">
          {problems.map((p) => (
            <li key={`${p.prop}:${p.kind}`}>
              <code>{p.prop || 'props'}</code>: {p.message}
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="wr-inspector__button"
          onClick={() => repairShape(editor, shape)}
          data-testid="wr-repair"
        >
          {t('shape.broken.repair')}
        </button>
      </PanelFrame>
    )
  }

  return (
    <PanelFrame testId="wr-inspector">
      <h3 className="wr-inspector__title">{title}</h3>
      <Fields shape={shape} />
    </PanelFrame>
  )
}

/**
 * One field of the inspector: a text (one line or several), a choice among a contract's values
 * with their labels, a checkbox, a date, or a part of its own (the faction's leader, a note).
 */
type FieldSpec =
  | { kind: 'text'; prop: string; label: MessageKey; multiline?: boolean }
  | {
      kind: 'select'
      prop: string
      label: MessageKey
      values: readonly string[]
      labels: Record<string, Label>
      /** The text of the empty value, which then stands first. */
      emptyLabel?: MessageKey
    }
  | { kind: 'checkbox'; prop: string; label: MessageKey }
  | { kind: 'date'; prop: string; label: MessageKey }
  | { kind: 'part'; key: string; Part: ComponentType<{ shape: WarRoomShape }> }

const text = (prop: string, label: MessageKey): FieldSpec => ({ kind: 'text', prop, label })
const lines = (prop: string, label: MessageKey): FieldSpec => ({ kind: 'text', prop, label, multiline: true })
const choice = (
  prop: string,
  label: MessageKey,
  values: readonly string[],
  labels: Record<string, Label>,
): FieldSpec => ({
  kind: 'select',
  prop,
  label,
  values,
  labels,
})
const part = (key: string, Part: ComponentType<{ shape: WarRoomShape }>): FieldSpec => ({ kind: 'part', key, Part })

/** Each card's fields, in the order the inspector shows them. */
const FIELDS: Record<WarRoomShapeType, FieldSpec[]> = {
  stakeholder: [
    text('name', 'field.name'),
    text('title', 'field.title'),
    text('department', 'field.department'),
    choice('role', 'field.role', STAKEHOLDER_ROLES, ROLE_LABELS),
    choice('relationship', 'field.relationship', RELATIONSHIP_LEVELS, RELATIONSHIP_LABELS),
    choice('influence', 'field.influence', INFLUENCE_LEVELS, INFLUENCE_LABELS),
    lines('concern', 'field.concern'),
    { kind: 'checkbox', prop: 'champion', label: 'field.champion' },
    text('contact', 'field.contact'),
    { kind: 'date', prop: 'lastContact', label: 'field.lastContact' },
    text('competitor', 'field.competitor'),
    part('provenance', ProvenanceNote),
  ],
  faction: [
    text('name', 'field.factionName'),
    choice('stance', 'field.stance', FACTION_STANCES, STANCE_LABELS),
    part('leader', LeaderField),
    lines('strategy', 'field.strategy'),
  ],
  blocker: [
    text('title', 'field.blockerTitle'),
    lines('detail', 'field.detail'),
    choice('severity', 'field.severity', BLOCKER_SEVERITIES, SEVERITY_LABELS),
    choice('status', 'field.blockerStatus', BLOCKER_STATUSES, BLOCKER_STATUS_LABELS),
    {
      kind: 'select',
      prop: 'stage',
      label: 'field.stage',
      values: ['', ...FUNNEL_STAGES],
      labels: STAGE_LABELS,
      emptyLabel: 'field.stageNone',
    },
  ],
  action: [
    text('title', 'field.actionTitle'),
    text('owner', 'field.owner'),
    choice('department', 'field.actionDepartment', DEPARTMENTS, DEPARTMENT_LABELS),
    lines('resources', 'field.resources'),
    { kind: 'date', prop: 'due', label: 'field.due' },
    lines('checkpoint', 'field.checkpoint'),
    choice('status', 'field.actionStatus', ACTION_STATUSES, ACTION_STATUS_LABELS),
    part('reviewCausePrompt', ReviewCausePrompt),
    choice('reviewCause', 'field.reviewCause', REVIEW_CAUSES, REVIEW_CAUSE_LABELS),
    lines('reviewNote', 'field.reviewNote'),
  ],
}

function Fields({ shape }: { shape: WarRoomShape }) {
  return (
    <>
      {FIELDS[shape.type].map((field) =>
        field.kind === 'part' ? (
          <field.Part key={field.key} shape={shape} />
        ) : (
          <Field key={field.prop} shape={shape} field={field} />
        ),
      )}
    </>
  )
}

function propValue(shape: WarRoomShape, prop: string): unknown {
  return (shape.props as unknown as Record<string, unknown>)[prop]
}

/** One field's control, labelled, writing its prop through the store. */
function Field({ shape, field }: { shape: WarRoomShape; field: Exclude<FieldSpec, { kind: 'part' }> }) {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const { prop } = field
  const set = (value: string | boolean) => updateProps(editor, shape, { [prop]: value })
  const value = String(propValue(shape, prop) ?? '')
  const control = { className: 'wr-field__input', 'data-testid': `wr-field-${prop}` }
  if (field.kind === 'checkbox') {
    return (
      <label className="wr-field wr-field--checkbox" data-field={prop}>
        <input
          type="checkbox"
          checked={propValue(shape, prop) === true}
          data-testid={control['data-testid']}
          onChange={(e) => set(e.currentTarget.checked)}
        />
        <span className="wr-field__label">{t(field.label)}</span>
      </label>
    )
  }
  return (
    <Row label={field.label} prop={prop}>
      {field.kind === 'select' ? (
        <select {...control} value={value} onChange={(e) => set(e.currentTarget.value)}>
          {field.values.map((v) => (
            <option key={v} value={v}>
              {v === '' && field.emptyLabel ? t(field.emptyLabel) : (field.labels[v]?.[lang] ?? v)}
            </option>
          ))}
        </select>
      ) : field.kind === 'date' ? (
        // A date input reports '' while its value is incomplete or cleared: both mean "not set".
        <input {...control} type="date" value={value} onChange={(e) => set(e.currentTarget.value)} />
      ) : field.multiline ? (
        <textarea {...control} rows={2} value={value} onChange={(e) => set(e.currentTarget.value)} />
      ) : (
        <input {...control} type="text" value={value} onChange={(e) => set(e.currentTarget.value)} />
      )}
    </Row>
  )
}

function Row({ label, prop, children }: { label: MessageKey; prop: string; children: ReactNode }) {
  const t = useT()
  return (
    <label className="wr-field" data-field={prop}>
      <span className="wr-field__label">{t(label)}</span>
      {children}
    </label>
  )
}

/** The leader is one of the faction's members (or whoever is already recorded). */
function LeaderField({ shape }: { shape: WarRoomShape }) {
  const editor = useEditor()
  const t = useT()
  const current = String(propValue(shape, 'leader') ?? '')
  const options = useValue('faction leader options', () => {
    const members = editor
      .getSortedChildIdsForParent(shape.id)
      .map((id) => editor.getShape(id))
      .filter((s): s is TLShape => s?.type === 'stakeholder')
    const leader = current ? editor.getShape(current as TLShapeId) : undefined
    if (leader && !members.some((m) => m.id === leader.id)) members.push(leader)
    return members.map((m) => ({ id: m.id, name: textProp(m as WarRoomShape, 'name') || m.id }))
  }, [editor, shape.id, current])
  return (
    <Row label="field.leader" prop="leader">
      <select
        className="wr-field__input"
        value={current}
        data-testid="wr-field-leader"
        onChange={(e) => updateProps(editor, shape, { leader: e.currentTarget.value })}
      >
        <option value="">{t('field.leaderNone')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </Row>
  )
}

/** For a selected arrow: which relation it stands for, switchable where the ends allow a choice. */
function RelationSection({ arrowId }: { arrowId: TLShapeId }) {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const { relation, choices } = useValue('arrow relation', () => {
    const arrow = editor.getShape(arrowId)
    const { from, to } = arrowEndTypes(editor, arrowId)
    const raw = arrow?.meta.relation
    return { relation: isRelationKind(raw) ? raw : undefined, choices: relationChoices(from, to) }
  }, [editor, arrowId])
  return (
    <div className="wr-relation" data-testid="wr-relation">
      <div className="wr-field__label">{t('field.relation')}</div>
      {choices.length === 0 && <div className="wr-relation__none">{t('relation.none')}</div>}
      {choices.length === 1 && (
        <div className={`wr-relation__value wr-relation--${choices[0]}`}>{RELATION_LABELS[choices[0]][lang]}</div>
      )}
      {choices.length > 1 && (
        <select
          className="wr-field__input"
          value={relation ?? choices[0]}
          data-testid="wr-field-relation"
          onChange={(e) => syncArrowRelation(editor, arrowId, e.currentTarget.value as RelationKind)}
        >
          {choices.map((kind) => (
            <option key={kind} value={kind}>
              {RELATION_LABELS[kind][lang]}
            </option>
          ))}
        </select>
      )}
    </div>
  )
}
