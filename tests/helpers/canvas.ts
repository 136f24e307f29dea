/**
 * Reading and driving the room's tldraw canvas from a browser test, through the editor the client
 * exposes (window.__warRoomEditor) and the real mouse and keyboard: the page's shapes, where a
 * shape is on screen, a shape made from the toolbar, an arrow drawn between two shapes.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

export interface ShapeInfo {
  id: string
  type: string
  parentId: string
  props: Record<string, unknown>
  meta: Record<string, unknown>
  /** Page bounds. */
  bounds: { x: number; y: number; w: number; h: number }
}

type Point = { x: number; y: number }

/** The current page's shapes (of one type, if given). */
export function shapesOn(page: Page, type?: string): Promise<ShapeInfo[]> {
  return page.evaluate((wanted) => {
    const editor = window.__warRoomEditor!
    return editor
      .getCurrentPageShapes()
      .filter((s) => !wanted || s.type === wanted)
      .map((s) => {
        const b = editor.getShapePageBounds(s.id)!
        return {
          id: s.id,
          type: s.type,
          parentId: s.parentId,
          props: s.props as Record<string, unknown>,
          meta: s.meta as Record<string, unknown>,
          bounds: { x: b.x, y: b.y, w: b.w, h: b.h },
        }
      })
  }, type)
}

export async function shapeOn(page: Page, id: string): Promise<ShapeInfo | undefined> {
  return (await shapesOn(page)).find((s) => s.id === id)
}

/** A point inside a shape, offset from its top-left corner in page units, in the browser's viewport. */
export function screenPoint(page: Page, id: string, dx: number, dy: number): Promise<Point> {
  return page.evaluate(
    ({ shapeId, dx, dy }) => {
      const editor = window.__warRoomEditor!
      const bounds = editor.getShapePageBounds(shapeId as never)!
      const point = editor.pageToViewport({ x: bounds.x + dx, y: bounds.y + dy })
      const rect = editor.getContainer().getBoundingClientRect()
      return { x: rect.left + point.x, y: rect.top + point.y }
    },
    { shapeId: id, dx, dy },
  )
}

/** The centre of a shape in the browser's viewport coordinates. */
export function screenCenter(page: Page, id: string): Promise<Point> {
  return page.evaluate((shapeId) => {
    const editor = window.__warRoomEditor!
    const point = editor.pageToViewport(editor.getShapePageBounds(shapeId as never)!.center)
    const rect = editor.getContainer().getBoundingClientRect()
    return { x: rect.left + point.x, y: rect.top + point.y }
  }, id)
}

/** Picks a tool from the toolbar and clicks the canvas at a viewport point: one shape of the default size appears there. */
export async function createFromToolbar(page: Page, type: string, x: number, y: number): Promise<ShapeInfo> {
  const before = new Set((await shapesOn(page, type)).map((s) => s.id))
  // Nothing selected, so the inspector is closed and cannot cover the spot.
  await page.evaluate(() => {
    window.__warRoomEditor!.selectNone()
  })
  await page.getByTestId(`tools.${type}`).click()
  await page.mouse.click(x, y)
  const created = (await shapesOn(page, type)).filter((s) => !before.has(s.id))
  expect(created).toHaveLength(1)
  return created[0]
}

/** Selects one shape (select tool) and waits for the inspector. */
export async function selectOnly(page: Page, id: string) {
  await page.evaluate((shapeId) => {
    const editor = window.__warRoomEditor!
    editor.setCurrentTool('select')
    editor.select(shapeId as never)
  }, id)
  await page.getByTestId('wr-inspector').waitFor()
}

/** Presses the mouse at `from`, moves in steps to `to`, releases. */
export async function dragBetween(page: Page, from: Point, to: Point) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 })
  await page.mouse.move(to.x, to.y, { steps: 6 })
  await page.mouse.up()
}

/** Draws one tldraw arrow with the mouse from the centre of one shape to the centre of another. */
export async function drawArrow(page: Page, fromId: string, toId: string): Promise<ShapeInfo> {
  const before = new Set((await shapesOn(page, 'arrow')).map((s) => s.id))
  await page.keyboard.press('Escape')
  await page.getByTestId('tools.arrow').click()
  await dragBetween(page, await screenCenter(page, fromId), await screenCenter(page, toId))
  const created = (await shapesOn(page, 'arrow')).filter((s) => !before.has(s.id))
  expect(created).toHaveLength(1)
  await page.keyboard.press('Escape')
  return created[0]
}

/**
 * Sets fields of the selected shape in the inspector with the control each has (a choice is
 * picked, a checkbox checked or cleared, a text or date typed), in the order given.
 */
export async function fillInspector(page: Page, values: Record<string, string | boolean>) {
  for (const [prop, value] of Object.entries(values)) {
    const control = page.getByTestId(`wr-field-${prop}`)
    const kind = await control.evaluate((el) => (el instanceof HTMLInputElement ? el.type : el.tagName.toLowerCase()))
    if (kind === 'select') await control.selectOption(String(value))
    else if (kind === 'checkbox') await control.setChecked(value === true)
    else await control.fill(String(value))
  }
}
