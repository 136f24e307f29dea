import type { TLShape } from '@tldraw/tlschema'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence, type RecordProps } from '@tldraw/tlschema'
import { INFLUENCE_LEVELS, RELATIONSHIP_LEVELS, STAKEHOLDER_ROLES, type StakeholderProps } from './types'
import { dimension, isoDateOrEmpty, T } from './validators'

/** A person on the customer side (决策链角色). */
export type StakeholderShape = TLShape<'stakeholder'>

export const STAKEHOLDER_DEFAULT_SIZE = { w: 260, h: 170 } as const

export const stakeholderShapeProps: RecordProps<StakeholderShape> = {
  w: dimension,
  h: dimension,
  name: T.string,
  title: T.string,
  department: T.string,
  role: T.literalEnum(...STAKEHOLDER_ROLES),
  relationship: T.literalEnum(...RELATIONSHIP_LEVELS),
  influence: T.literalEnum(...INFLUENCE_LEVELS),
  concern: T.string,
  champion: T.boolean,
  contact: T.string,
  lastContact: isoDateOrEmpty,
  competitor: T.optional(T.string),
}

export function defaultStakeholderProps(): StakeholderProps {
  return {
    ...STAKEHOLDER_DEFAULT_SIZE,
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
    competitor: '',
  }
}

/** Named steps; a shipped step is never edited, new ones are appended. */
export const stakeholderShapeVersions = createShapePropsMigrationIds('stakeholder', {
  AddCompetitor: 1,
})

export const stakeholderShapeMigrations = createShapePropsMigrationSequence({
  sequence: [
    {
      id: stakeholderShapeVersions.AddCompetitor,
      up: (props) => {
        if (typeof props.competitor !== 'string') props.competitor = ''
      },
      down: (props) => {
        delete props.competitor
      },
    },
  ],
})
