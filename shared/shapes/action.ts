import type { TLShape } from '@tldraw/tlschema'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence, type RecordProps } from '@tldraw/tlschema'
import { ACTION_STATUSES, type ActionProps, DEPARTMENTS, REVIEW_CAUSES } from './types'
import { dimension, isoDateOrEmpty, T } from './validators'

/** A battle action (行动项) aimed at a blocker or a stakeholder. */
export type ActionShape = TLShape<'action'>

export const ACTION_DEFAULT_SIZE = { w: 280, h: 170 } as const

export const actionShapeProps: RecordProps<ActionShape> = {
  w: dimension,
  h: dimension,
  title: T.string,
  owner: T.string,
  department: T.literalEnum(...DEPARTMENTS),
  resources: T.string,
  due: isoDateOrEmpty,
  checkpoint: T.string,
  status: T.literalEnum(...ACTION_STATUSES),
  reviewCause: T.literalEnum(...REVIEW_CAUSES),
  reviewNote: T.string,
}

export function defaultActionProps(): ActionProps {
  return {
    ...ACTION_DEFAULT_SIZE,
    title: '',
    owner: '',
    department: 'sales',
    resources: '',
    due: '',
    checkpoint: '',
    status: 'planned',
    reviewCause: '',
    reviewNote: '',
  }
}

/** Named steps; none yet. The first change of props gets version 1. */
export const actionShapeVersions = createShapePropsMigrationIds('action', {})

export const actionShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
