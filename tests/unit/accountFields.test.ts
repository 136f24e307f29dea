/**
 * The account panel's write path (client/account/useAccountFields.ts) on a real Y.Doc: only
 * values that pass the field's schema reach the document, an unchanged value sends no update,
 * and competitor edits start from the document's current list.
 */
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { accountMap, updateCompetitors, writeAccountField } from '../../client/account/useAccountFields.ts'
import { parseAccount } from '../../shared/account.ts'

function updatesOf(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return updates
}

test('valid values are written, invalid ones are refused and leave the document alone', () => {
  const doc = new Y.Doc()
  const map = accountMap(doc)
  const updates = updatesOf(doc)

  expect(writeAccountField(map, 'owner', '张三')).toBe(true)
  expect(writeAccountField(map, 'closeness', 4)).toBe(true)
  expect(writeAccountField(map, 'deadline', '2027-06-30')).toBe(true)
  expect(updates).toHaveLength(3)

  expect(writeAccountField(map, 'closeness', 7)).toBe(false)
  expect(writeAccountField(map, 'closeness', 2.5)).toBe(false)
  expect(writeAccountField(map, 'winProbability', 150)).toBe(false)
  expect(writeAccountField(map, 'deadline', '2027-02-30')).toBe(false)
  expect(writeAccountField(map, 'tier', 'gold' as never)).toBe(false)
  expect(updates).toHaveLength(3)
  expect(parseAccount(map.toJSON())).toMatchObject({
    account: { owner: '张三', closeness: 4, deadline: '2027-06-30' },
    issues: [],
  })

  // Clearing is a valid value; writing what is already there sends nothing.
  expect(writeAccountField(map, 'closeness', null)).toBe(true)
  expect(writeAccountField(map, 'owner', '张三')).toBe(true)
  expect(updates).toHaveLength(4)
  expect(map.get('closeness')).toBeNull()
})

test('competitor edits start from the list as the document holds it', () => {
  const alice = new Y.Doc()
  const bob = new Y.Doc()
  alice.on('update', (u: Uint8Array) => Y.applyUpdate(bob, u))
  bob.on('update', (u: Uint8Array) => Y.applyUpdate(alice, u))

  updateCompetitors(accountMap(alice), (list) => [
    ...list,
    { name: '竞品A', manager: '', strengths: '', weaknesses: '' },
  ])
  updateCompetitors(accountMap(bob), (list) => [...list, { name: '竞品B', manager: '', strengths: '', weaknesses: '' }])
  updateCompetitors(accountMap(alice), (list) => list.map((c, i) => (i === 0 ? { ...c, manager: '周强' } : c)))

  const names = (doc: Y.Doc) =>
    parseAccount(accountMap(doc).toJSON()).account.competitors.map((c) => `${c.name}/${c.manager}`)
  expect(names(alice)).toEqual(['竞品A/周强', '竞品B/'])
  expect(names(bob)).toEqual(names(alice))
})
