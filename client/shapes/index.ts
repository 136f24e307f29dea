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

export const warRoomShapeUtils: readonly TLAnyShapeUtilConstructor[] = []
export const warRoomBindingUtils: readonly TLAnyBindingUtilConstructor[] = []
export const warRoomTools: readonly TLStateNodeConstructor[] = []
export const warRoomUiOverrides: TLUiOverrides = {}
export const warRoomComponents: TLComponents = {}
