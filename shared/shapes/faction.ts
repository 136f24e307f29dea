import type { TLShape } from '@tldraw/tlschema'
import { createShapePropsMigrationIds, createShapePropsMigrationSequence, type RecordProps } from '@tldraw/tlschema'
import { FACTION_STANCES, type FactionProps } from './types'
import { dimension, shapeIdOrEmpty, T } from './validators'

/** A camp inside the customer (派系); its members are the stakeholders placed inside it. */
export type FactionShape = TLShape<'faction'>

export const FACTION_DEFAULT_SIZE = { w: 600, h: 420 } as const

export const factionShapeProps: RecordProps<FactionShape> = {
  w: dimension,
  h: dimension,
  name: T.string,
  stance: T.literalEnum(...FACTION_STANCES),
  leader: shapeIdOrEmpty,
  strategy: T.string,
}

export function defaultFactionProps(): FactionProps {
  return { ...FACTION_DEFAULT_SIZE, name: '', stance: 'neutral', leader: '', strategy: '' }
}

/** Named steps; none yet. The first change of props gets version 1. */
export const factionShapeVersions = createShapePropsMigrationIds('faction', {})

export const factionShapeMigrations = createShapePropsMigrationSequence({ sequence: [] })
