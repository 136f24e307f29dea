import type { TLShape } from '@tldraw/tlschema'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence, type RecordProps } from '@tldraw/tlschema'
import { BLOCKER_SEVERITIES, BLOCKER_STATUSES, type BlockerProps, FUNNEL_STAGES } from './types'
import { dimension, T } from './validators'

/** Where the deal is stuck (卡点). */
export type BlockerShape = TLShape<'blocker'>

export const BLOCKER_DEFAULT_SIZE = { w: 260, h: 160 } as const

export const blockerShapeProps: RecordProps<BlockerShape> = {
  w: dimension,
  h: dimension,
  title: T.string,
  detail: T.string,
  severity: T.literalEnum(...BLOCKER_SEVERITIES),
  status: T.literalEnum(...BLOCKER_STATUSES),
  stage: T.literalEnum('', ...FUNNEL_STAGES),
}

export function defaultBlockerProps(): BlockerProps {
  return { ...BLOCKER_DEFAULT_SIZE, title: '', detail: '', severity: 'high', status: 'open', stage: '' }
}

/** Named steps; none yet. The first change of props gets version 1. */
export const blockerShapeVersions = createShapePropsMigrationIds('blocker', {})

export const blockerShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
