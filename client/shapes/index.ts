/**
 * The seam between the canvas and War Room's own shapes: everything the store's
 * schema and the <Tldraw> component need beyond tldraw's defaults. The sync layer
 * builds its schema from these lists, so a shape registered here is synced and
 * migrated like a built-in one.
 */
import type {
  TLAnyBindingUtilConstructor,
  TLAnyShapeUtilConstructor,
  TLComponents,
  TLStateNodeConstructor,
  TLUiOverrides,
} from 'tldraw'
import '../../shared/shapes/augment'
import { ActionShapeUtil } from './ActionShapeUtil'
import { BlockerShapeUtil } from './BlockerShapeUtil'
import { filteredDefaultShapeUtils } from './exportFilter'
import { FactionShapeUtil } from './FactionShapeUtil'
import { RelationArrowShapeUtil } from './RelationArrowShapeUtil'
import { StakeholderShapeUtil } from './StakeholderShapeUtil'
import { WAR_ROOM_TOOLS } from './tools'
import { warRoomComponents as components, warRoomUiOverrides as overrides } from './ui'
import './shapes.css'

export const warRoomShapeUtils: readonly TLAnyShapeUtilConstructor[] = [
  StakeholderShapeUtil,
  FactionShapeUtil,
  BlockerShapeUtil,
  ActionShapeUtil,
]
/**
 * What the <Tldraw> component renders with: our shapes plus tldraw's arrow extended to draw
 * relation labels, and tldraw's other shapes filtered for an export's audience (record types and
 * schemas stay tldraw's own, so the store's schema is built from warRoomShapeUtils alone).
 */
export const warRoomCanvasShapeUtils: readonly TLAnyShapeUtilConstructor[] = [
  ...warRoomShapeUtils,
  RelationArrowShapeUtil,
  // tldraw's other shapes, left out of an export whose audience may not see them (exportFilter.ts).
  ...filteredDefaultShapeUtils,
]
/** Relations are tldraw's own arrow bindings; no binding types of our own. */
export const warRoomBindingUtils: readonly TLAnyBindingUtilConstructor[] = []
export const warRoomTools: readonly TLStateNodeConstructor[] = WAR_ROOM_TOOLS
export const warRoomUiOverrides: TLUiOverrides = overrides
export const warRoomComponents: TLComponents = components

export { RELATION_LOOKS, syncArrowRelation } from './relations'
export { connect, insertTemplate } from './template'
