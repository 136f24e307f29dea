import { describe, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import * as Y from 'yjs'
import { derivePlan } from './derive'
import { derivePlanFromDoc, readDocRecords } from './readDoc'
import { goodDoc, TODAY } from './testing/builders'

function docWith(records: Record<string, unknown>[], account: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc()
  const kv = new YKeyValue(doc.getArray<{ key: string; val: unknown }>('tldraw'))
  for (const r of records) kv.set(r.id as string, r)
  const map = doc.getMap('account')
  for (const [k, v] of Object.entries(account)) map.set(k, v)
  return doc
}

describe('readDocRecords', () => {
  it('reads what the client writes, and the plan matches the one from the same records', () => {
    const good = goodDoc()
    const doc = docWith(good.records, good.account as unknown as Record<string, unknown>)
    const input = readDocRecords(doc)
    expect(input.records).toHaveLength(good.records.length)
    expect(derivePlan(input, { today: TODAY })).toEqual(derivePlan(good, { today: TODAY }))
    expect(derivePlanFromDoc(doc, { today: TODAY })).toEqual(derivePlan(good, { today: TODAY }))
  })

  it('takes the rightmost entry for a key, and does not modify the document', () => {
    const doc = new Y.Doc()
    const arr = doc.getArray<unknown>('tldraw')
    // Duplicates as two clients' concurrent writes leave them before YKeyValue cleans up.
    arr.push([
      { key: 'shape:s', val: { id: 'shape:s', name: 'old' } },
      { key: 'shape:t', val: { id: 'shape:t' } },
      { key: 'shape:s', val: { id: 'shape:s', name: 'new' } },
    ])
    const before = Y.encodeStateAsUpdate(doc)
    let updates = 0
    doc.on('update', () => updates++)
    const { records } = readDocRecords(doc)
    expect(records).toEqual([{ id: 'shape:t' }, { id: 'shape:s', name: 'new' }])
    expect(updates).toBe(0)
    expect(arr.length).toBe(3)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })

  it('reads nested Y types as JSON and passes malformed entries through for derivePlan to report', () => {
    const doc = new Y.Doc()
    const competitors = new Y.Array()
    const c = new Y.Map()
    competitors.push([c])
    c.set('name', '友商甲')
    doc.getMap('account').set('competitors', competitors)
    doc.getArray('tldraw').push(['junk', { key: 3 }])
    const input = readDocRecords(doc)
    expect(input.account).toEqual({ competitors: [{ name: '友商甲' }] })
    expect(input.records).toEqual(['junk', { key: 3 }])
    const plan = derivePlan(input, { today: TODAY })
    expect(plan.account.competitors[0]!.name).toBe('友商甲')
    expect(plan.findings.some((f) => f.code === 'record.invalid')).toBe(true)
  })

  it('an empty document reads as empty and gains no top-level types', () => {
    const doc = new Y.Doc()
    expect(readDocRecords(doc)).toEqual({ account: {}, records: [] })
    expect([...doc.share.keys()]).toEqual([])
  })

  it('works on a document received from another replica', () => {
    const source = docWith(goodDoc().records, { owner: '张三' })
    const replica = new Y.Doc()
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(source))
    const input = readDocRecords(replica)
    expect(input.records).toHaveLength(goodDoc().records.length)
    expect(input.account).toEqual({ owner: '张三' })
  })
})
