/**
 * The tldraw store schema of a War Room document, built from the shared shape
 * definitions only (no React, no DOM), so the server can migrate and validate
 * records exactly as the client does.
 */
import {
  createTLSchema,
  defaultShapeSchemas,
  type SchemaPropsInfo,
  type TLRecord,
  type TLSchema,
} from '@tldraw/tlschema'
import { actionShapeMigrations, actionShapeProps } from './shapes/action'
import { blockerShapeMigrations, blockerShapeProps } from './shapes/blocker'
import { isWarRoomShapeType } from './shapes/definitions'
import { diagnoseShapeProps, type PropProblem } from './shapes/diagnose'
import { factionShapeMigrations, factionShapeProps } from './shapes/faction'
import { stakeholderShapeMigrations, stakeholderShapeProps } from './shapes/stakeholder'
import type { WarRoomShapeType } from './shapes/types'
import './shapes/augment'

/** `{ stakeholder: { props, migrations }, … }` in the form `createTLSchema({ shapes })` takes. */
export const warRoomShapeSchemas = {
  stakeholder: { props: stakeholderShapeProps, migrations: stakeholderShapeMigrations },
  faction: { props: factionShapeProps, migrations: factionShapeMigrations },
  blocker: { props: blockerShapeProps, migrations: blockerShapeMigrations },
  action: { props: actionShapeProps, migrations: actionShapeMigrations },
} satisfies Record<WarRoomShapeType, SchemaPropsInfo>

/** tldraw's default shapes plus the four War Room shapes; default bindings and assets. */
export function createWarRoomSchema(): TLSchema {
  return createTLSchema({ shapes: { ...defaultShapeSchemas, ...warRoomShapeSchemas } })
}

export type RecordCheck =
  | { ok: true; record: TLRecord }
  | {
      ok: false
      /** The first failure as the schema reports it (with the path, e.g. "At shape(type = stakeholder).props.role: …"). */
      error: string
      /** For War Room shapes: every problem with the props, one per prop. */
      propProblems: PropProblem[]
    }

let defaultSchema: TLSchema | undefined

/**
 * Checks one record (as stored in the document) against the schema and says why it
 * is broken, without throwing. Records must already be migrated to the schema's
 * version (see `schema.migratePersistedRecord`).
 */
export function checkRecord(
  record: unknown,
  schema: TLSchema = (defaultSchema ??=
    createWarRoomSchema()),
): RecordCheck {
  const typeName = (record as { typeName?: unknown } | null)?.typeName
  const recordType = typeof typeName === 'string' ? schema.types[typeName as TLRecord['typeName']] : undefined
  if (!recordType) {
    return { ok: false, error: `Unknown record type ${JSON.stringify(typeName)}`, propProblems: [] }
  }
  try {
    return { ok: true, record: recordType.validate(record) as TLRecord }
  } catch (error) {
    const shape = record as { typeName: string; type?: unknown; props?: unknown }
    const propProblems =
      shape.typeName === 'shape' && isWarRoomShapeType(shape.type) ? diagnoseShapeProps(shape.type, shape.props) : []
    return { ok: false, error: error instanceof Error ? error.message : String(error), propProblems }
  }
}
