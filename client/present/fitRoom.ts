/**
 * Opening a room fits the map to the visible canvas: the part not covered by the room bar at the
 * top and tldraw's toolbar at the bottom (the plan panel sits beside the canvas, not over it).
 * Not when the person arrives following someone (`?follow=`): the live session moves their camera.
 */
import { Box, type Editor } from 'tldraw'
import { fitBounds, type Insets } from './slides'

const MARGIN = 16

/** What covers the canvas's edges right now, measured from the DOM (screen px). */
export function roomInsets(editor: Editor): Insets {
  const container = editor.getContainer()
  const frame = container.getBoundingClientRect()
  const root = container.closest('.wr-room__canvas') ?? container
  // An element still being laid out can report anything; a bar never covers more than a quarter.
  const sane = (value: number) => (value > 0 && value < frame.height / 4 ? value : 0)
  const bottomOf = (selector: string) => {
    const el = root.querySelector(selector)
    return el ? sane(el.getBoundingClientRect().bottom - frame.top) : 0
  }
  const topOf = (selector: string) => {
    const el = root.querySelector(selector)
    return el ? sane(frame.bottom - el.getBoundingClientRect().top) : 0
  }
  return {
    top: Math.max(bottomOf('.wr-roombar'), bottomOf('.tlui-menu-zone'), 48) + MARGIN,
    bottom: Math.max(topOf('.tlui-main-toolbar'), topOf('.tlui-toolbar'), 56) + MARGIN,
    left: MARGIN,
    right: MARGIN,
  }
}

/** The bounds of everything shown on the current page, or null on an empty page. */
export function pageContentBounds(editor: Editor): Box | null {
  const boxes = [...editor.getCurrentPageShapeIds()]
    .filter((id) => !editor.isShapeHidden(id))
    .map((id) => editor.getShapePageBounds(id))
    .filter((b): b is Box => !!b)
  return boxes.length ? Box.Common(boxes) : null
}

/** Fits the page's content to the visible canvas, at most 100 %. */
export function fitRoom(editor: Editor, opts: { animate?: boolean } = {}): boolean {
  const bounds = pageContentBounds(editor)
  if (!bounds) return false
  fitBounds(editor, bounds, roomInsets(editor), { maxZoom: 1, animate: opts.animate })
  return true
}

export function arrivesFollowing(search = location.search): boolean {
  return new URLSearchParams(search).has('follow')
}
