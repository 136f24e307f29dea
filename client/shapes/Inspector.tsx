/**
 * The inspector: edits every field of the selected War Room shape with a proper
 * control, and the relation of a selected arrow. It takes the place of tldraw's
 * style panel while such a shape is selected; edits go through the store and so
 * sync live to everyone.
 */
import { type ReactNode, useEffect, useRef } from 'react'
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

function Fields({ shape }: { shape: WarRoomShape }) {
  switch (shape.type) {
    case 'stakeholder':
      return (
        <>
          <TextField shape={shape} prop="name" label="field.name" />
          <TextField shape={shape} prop="title" label="field.title" />
          <TextField shape={shape} prop="department" label="field.department" />
          <SelectField shape={shape} prop="role" label="field.role" values={STAKEHOLDER_ROLES} labels={ROLE_LABELS} />
          <SelectField
            shape={shape}
            prop="relationship"
            label="field.relationship"
            values={RELATIONSHIP_LEVELS}
            labels={RELATIONSHIP_LABELS}
          />
          <SelectField
            shape={shape}
            prop="influence"
            label="field.influence"
            values={INFLUENCE_LEVELS}
            labels={INFLUENCE_LABELS}
          />
          <TextField shape={shape} prop="concern" label="field.concern" multiline />
          <CheckboxField shape={shape} prop="champion" label="field.champion" />
          <TextField shape={shape} prop="contact" label="field.contact" />
          <DateField shape={shape} prop="lastContact" label="field.lastContact" />
          <TextField shape={shape} prop="competitor" label="field.competitor" />
          <ProvenanceNote shape={shape} />
        </>
      )
    case 'faction':
      return (
        <>
          <TextField shape={shape} prop="name" label="field.factionName" />
          <SelectField
            shape={shape}
            prop="stance"
            label="field.stance"
            values={FACTION_STANCES}
            labels={STANCE_LABELS}
          />
          <LeaderField shape={shape} />
          <TextField shape={shape} prop="strategy" label="field.strategy" multiline />
        </>
      )
    case 'blocker':
      return (
        <>
          <TextField shape={shape} prop="title" label="field.blockerTitle" />
          <TextField shape={shape} prop="detail" label="field.detail" multiline />
          <SelectField
            shape={shape}
            prop="severity"
            label="field.severity"
            values={BLOCKER_SEVERITIES}
            labels={SEVERITY_LABELS}
          />
          <SelectField
            shape={shape}
            prop="status"
            label="field.blockerStatus"
            values={BLOCKER_STATUSES}
            labels={BLOCKER_STATUS_LABELS}
          />
          <SelectField
            shape={shape}
            prop="stage"
            label="field.stage"
            values={['', ...FUNNEL_STAGES]}
            labels={{ ...STAGE_LABELS, '': { zh: '', en: '' } }}
            emptyLabel="field.stageNone"
          />
        </>
      )
    case 'action':
      return (
        <>
          <TextField shape={shape} prop="title" label="field.actionTitle" />
          <TextField shape={shape} prop="owner" label="field.owner" />
          <SelectField
            shape={shape}
            prop="department"
            label="field.actionDepartment"
            values={DEPARTMENTS}
            labels={DEPARTMENT_LABELS}
          />
          <TextField shape={shape} prop="resources" label="field.resources" multiline />
          <DateField shape={shape} prop="due" label="field.due" />
          <TextField shape={shape} prop="checkpoint" label="field.checkpoint" multiline />
          <SelectField
            shape={shape}
            prop="status"
            label="field.actionStatus"
            values={ACTION_STATUSES}
            labels={ACTION_STATUS_LABELS}
          />
          <ReviewCausePrompt shape={shape} />
          <SelectField
            shape={shape}
            prop="reviewCause"
            label="field.reviewCause"
            values={REVIEW_CAUSES}
            labels={REVIEW_CAUSE_LABELS}
          />
          <TextField shape={shape} prop="reviewNote" label="field.reviewNote" multiline />
        </>
      )
  }
}

interface FieldProps {
  shape: WarRoomShape
  prop: string
  label: MessageKey
}

function propValue(shape: WarRoomShape, prop: string): unknown {
  return (shape.props as unknown as Record<string, unknown>)[prop]
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

function TextField({ shape, prop, label, multiline }: FieldProps & { multiline?: boolean }) {
  const editor = useEditor()
  const value = String(propValue(shape, prop) ?? '')
  const onChange = (next: string) => updateProps(editor, shape, { [prop]: next })
  return (
    <Row label={label} prop={prop}>
      {multiline ? (
        <textarea
          className="wr-field__input"
          rows={2}
          value={value}
          data-testid={`wr-field-${prop}`}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      ) : (
        <input
          className="wr-field__input"
          type="text"
          value={value}
          data-testid={`wr-field-${prop}`}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      )}
    </Row>
  )
}

function SelectField({
  shape,
  prop,
  label,
  values,
  labels,
  emptyLabel,
}: FieldProps & { values: readonly string[]; labels: Record<string, Label>; emptyLabel?: MessageKey }) {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  return (
    <Row label={label} prop={prop}>
      <select
        className="wr-field__input"
        value={String(propValue(shape, prop) ?? '')}
        data-testid={`wr-field-${prop}`}
        onChange={(e) => updateProps(editor, shape, { [prop]: e.currentTarget.value })}
      >
        {values.map((value) => (
          <option key={value} value={value}>
            {value === '' && emptyLabel ? t(emptyLabel) : (labels[value]?.[lang] ?? value)}
          </option>
        ))}
      </select>
    </Row>
  )
}

function CheckboxField({ shape, prop, label }: FieldProps) {
  const editor = useEditor()
  const t = useT()
  return (
    <label className="wr-field wr-field--checkbox" data-field={prop}>
      <input
        type="checkbox"
        checked={propValue(shape, prop) === true}
        data-testid={`wr-field-${prop}`}
        onChange={(e) => updateProps(editor, shape, { [prop]: e.currentTarget.checked })}
      />
      <span className="wr-field__label">{t(label)}</span>
    </label>
  )
}

function DateField({ shape, prop, label }: FieldProps) {
  const editor = useEditor()
  return (
    <Row label={label} prop={prop}>
      <input
        className="wr-field__input"
        type="date"
        value={String(propValue(shape, prop) ?? '')}
        data-testid={`wr-field-${prop}`}
        // A date input reports '' while its value is incomplete or cleared: both mean "not set".
        onChange={(e) => updateProps(editor, shape, { [prop]: e.currentTarget.value })}
      />
    </Row>
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
