import type { ActionProps, BlockerProps, FactionProps, StakeholderProps } from './types'

/**
 * Registers the four War Room shapes with tldraw's type system, so that
 * `TLShape<'stakeholder'>`, `editor.createShape({ type: 'stakeholder', … })` and
 * friends are typed everywhere (client and server alike).
 */
declare module '@tldraw/tlschema' {
  interface TLGlobalShapePropsMap {
    stakeholder: StakeholderProps
    faction: FactionProps
    blocker: BlockerProps
    action: ActionProps
  }
}
