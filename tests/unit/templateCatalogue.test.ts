/**
 * The template library's texts come from the catalogue (shared/i18n/messages/templates.ts), like
 * every other string people read: each `{ zh, en }` of a template is one catalogue entry
 * (`library.*` for the five starting maps, `template.*` for the starter), in both languages.
 */
import { describe, expect, it } from 'vitest'
import { sharedMessages } from '../../shared/i18n/messages/index.ts'
import { starterTemplate, TEMPLATES, type Template } from '../../shared/templates/library.ts'

type Text = { zh: string; en: string }
const isText = (v: unknown): v is Text =>
  typeof v === 'object' && v !== null && typeof (v as Text).zh === 'string' && typeof (v as Text).en === 'string'

function textsOf(template: Template): Text[] {
  const texts: Text[] = [template.name, template.description]
  for (const card of template.cards) for (const value of Object.values(card.props)) if (isText(value)) texts.push(value)
  return texts
}

describe('template library texts', () => {
  const entries = (prefix: string) =>
    Object.keys(sharedMessages.zh)
      .filter((k) => k.startsWith(prefix))
      .map((k) => ({
        zh: (sharedMessages.zh as Record<string, string>)[k],
        en: (sharedMessages.en as Record<string, string>)[k],
      }))

  it('every text of the five starting maps is a library.* catalogue entry in both languages', () => {
    const library = entries('library.')
    const texts = TEMPLATES.flatMap(textsOf)
    expect(texts.length).toBeGreaterThan(60)
    for (const text of texts) expect(library, text.zh).toContainEqual(text)
  })

  it('the starter template reads template.* entries', () => {
    const starter = entries('template.')
    for (const text of textsOf(starterTemplate('2026-12-01'))) expect(starter, text.zh).toContainEqual(text)
  })
})
