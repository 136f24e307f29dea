import { BaseBoxShapeTool, type TLShape, type TLShapeId } from 'tldraw'

/** Click for a card of the default size, or drag to size it. */
export class StakeholderShapeTool extends BaseBoxShapeTool {
  static override id = 'stakeholder'
  override shapeType = 'stakeholder' as const
}

export class BlockerShapeTool extends BaseBoxShapeTool {
  static override id = 'blocker'
  override shapeType = 'blocker' as const
}

export class ActionShapeTool extends BaseBoxShapeTool {
  static override id = 'action'
  override shapeType = 'action' as const
}

/** Like tldraw's frame tool: a faction drawn around stakeholders takes them in as members. */
export class FactionShapeTool extends BaseBoxShapeTool {
  static override id = 'faction'
  override shapeType = 'faction' as const

  override onCreate(shape: TLShape | null) {
    if (!shape) return
    const bounds = this.editor.getShapePageBounds(shape)
    if (bounds) {
      const enclosed: TLShapeId[] = []
      for (const id of this.editor.getSortedChildIdsForParent(shape.parentId)) {
        const sibling = this.editor.getShape(id)
        if (!sibling || sibling.id === shape.id || sibling.type !== 'stakeholder' || sibling.isLocked) continue
        const siblingBounds = this.editor.getShapePageBounds(sibling)
        if (siblingBounds && bounds.contains(siblingBounds)) enclosed.push(sibling.id)
      }
      if (enclosed.length) this.editor.reparentShapes(enclosed, shape.id)
    }
    if (this.editor.getInstanceState().isToolLocked) this.editor.setCurrentTool('faction')
    else this.editor.setCurrentTool('select.idle')
  }
}

export const WAR_ROOM_TOOLS = [StakeholderShapeTool, FactionShapeTool, BlockerShapeTool, ActionShapeTool] as const
