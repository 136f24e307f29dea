/**
 * The cards' colours live twice: in shapes.css for the HTML cards on the canvas, and in palette.ts
 * for the native SVG of exports (a file carries no stylesheet). This reads shapes.css and fails
 * when a colour of one is not the colour of the other, so an export never drifts from the screen.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import {
  ACTION_STATUS_CHIP,
  BLOCKER_STATUS_CHIP,
  CHIP,
  CLEARED_TONE,
  CR_TONE,
  DEPARTMENT_TONE,
  ROLE_TONE,
  SEVERITY_CHIP,
  SEVERITY_TONE,
  STANCE_TONE,
} from '../../client/shapes/palette'

const css = readFileSync(path.resolve(import.meta.dirname, '../../client/shapes/shapes.css'), 'utf8').replace(
  /\/\*[\s\S]*?\*\//g,
  '',
)

/** Every rule of the stylesheet: its selectors and its declarations. */
const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({
  selectors: m[1]!.split(',').map((s) => s.trim()),
  body: Object.fromEntries(
    m[2]!
      .split(';')
      .map((d) => d.split(':').map((x) => x.trim()))
      .filter((d) => d.length >= 2)
      .map(([k, ...v]) => [k, v.join(':')]),
  ) as Record<string, string>,
}))

/** The value of `property` in the last rule naming `selector` (the one the cascade keeps). */
function cssValue(selector: string, property: string): string | undefined {
  let value: string | undefined
  for (const r of rules) if (r.selectors.includes(selector) && property in r.body) value = r.body[property]
  return value
}

const same = (a: string | undefined, b: string) =>
  expect(a?.replace(/\s+/g, '').toLowerCase()).toBe(b.replace(/\s+/g, '').toLowerCase())

test('relationship, role, stance, severity and department tones match shapes.css', () => {
  for (const [level, tone] of Object.entries(CR_TONE)) same(cssValue(`.wr-cr--${level}`, '--wr-cr'), tone.bg)
  same(cssValue('.wr-cr--cr3', '--wr-cr-ink'), CR_TONE.cr3.ink)
  same(cssValue('.wr-stakeholder', '--wr-cr-ink'), CR_TONE.cr1.ink)
  for (const [role, bg] of Object.entries(ROLE_TONE)) same(cssValue(`.wr-role--${role}`, 'background'), bg)
  for (const [stance, tone] of Object.entries(STANCE_TONE)) {
    same(cssValue(`.wr-stance--${stance}`, '--wr-stance'), tone.line)
    same(cssValue(`.wr-stance--${stance}`, '--wr-stance-bg'), tone.fill)
    same(cssValue(`.wr-stance-chip--${stance}`, 'background'), tone.line)
  }
  for (const [severity, line] of Object.entries(SEVERITY_TONE))
    same(cssValue(`.wr-severity--${severity}`, '--wr-sev'), line)
  same(cssValue('.wr-blocker--cleared', '--wr-sev'), CLEARED_TONE)
  for (const [dept, tone] of Object.entries(DEPARTMENT_TONE)) same(cssValue(`.wr-dept--${dept}`, '--wr-dept'), tone)
})

test('chip colours match shapes.css', () => {
  const chips: [string, { bg: string; ink: string; line?: string }][] = [
    ...Object.entries(SEVERITY_CHIP).map(([k, v]) => [`.wr-chip--severity-${k}`, v] as [string, typeof v]),
    ...Object.entries(BLOCKER_STATUS_CHIP).map(([k, v]) => [`.wr-chip--status-${k}`, v] as [string, typeof v]),
    ...Object.entries(ACTION_STATUS_CHIP).map(([k, v]) => [`.wr-chip--action-${k}`, v] as [string, typeof v]),
    ['.wr-chip--overdue', CHIP.overdue],
    ['.wr-chip--leader', CHIP.leader],
    ['.wr-chip--competitor', CHIP.competitor],
  ]
  for (const [selector, chip] of chips) {
    same(cssValue(selector, 'background'), chip.bg)
    same(cssValue(selector, 'color'), chip.ink)
    if (chip.line) expect(cssValue(selector, 'border')).toContain(chip.line)
  }
})
