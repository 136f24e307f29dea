import type { RecordProps, TLPropsMigrations, TLShape } from '@tldraw/tlschema'
import { actionShapeMigrations, actionShapeProps, defaultActionProps } from './action'
import { blockerShapeMigrations, blockerShapeProps, defaultBlockerProps } from './blocker'
import { defaultFactionProps, factionShapeMigrations, factionShapeProps } from './faction'
import { defaultStakeholderProps, stakeholderShapeMigrations, stakeholderShapeProps } from './stakeholder'
import { WAR_ROOM_SHAPE_TYPES, type WarRoomShapePropsMap, type WarRoomShapeType } from './types'

/** Everything shared knows about one War Room shape type: validators, migrations, defaults. */
export interface WarRoomShapeDefinition<K extends WarRoomShapeType> {
  props: RecordProps<TLShape<K>>
  migrations: TLPropsMigrations
  defaults: () => WarRoomShapePropsMap[K]
}

export const warRoomShapeDefinitions: { [K in WarRoomShapeType]: WarRoomShapeDefinition<K> } = {
  stakeholder: {
    props: stakeholderShapeProps,
    migrations: stakeholderShapeMigrations,
    defaults: defaultStakeholderProps,
  },
  faction: { props: factionShapeProps, migrations: factionShapeMigrations, defaults: defaultFactionProps },
  blocker: { props: blockerShapeProps, migrations: blockerShapeMigrations, defaults: defaultBlockerProps },
  action: { props: actionShapeProps, migrations: actionShapeMigrations, defaults: defaultActionProps },
}

export function isWarRoomShapeType(type: unknown): type is WarRoomShapeType {
  return typeof type === 'string' && (WAR_ROOM_SHAPE_TYPES as readonly string[]).includes(type)
}
