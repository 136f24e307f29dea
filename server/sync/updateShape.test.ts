import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { isWellFormedUpdate } from './updateShape.ts'

/** Whether Y.decodeUpdate reads it without an error (the check the edit path made before). */
function decodes(update: Uint8Array): boolean {
  try {
    Y.decodeUpdate(update)
    return true
  } catch {
    return false
  }
}

/** A deterministic generator (the damaged variants are the same every run). */
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Updates using every kind of struct and content Yjs writes. */
function sampleUpdates(): Uint8Array[] {
  const out: Uint8Array[] = []
  const doc = new Y.Doc({ gc: true })
  doc.on('update', (u: Uint8Array) => out.push(u))
  const arr = doc.getArray<unknown>('tldraw')
  // tldraw's records (YKeyValue: push the new entry, delete the old one): nested objects of every value type.
  for (let i = 0; i < 6; i++)
    doc.transact(() => {
      if (i > 0) arr.delete(0, 1)
      arr.push([
        {
          key: `shape:${i}`,
          val: {
            id: `shape:${i}`,
            x: 100.5 + i,
            y: -3,
            n: 2 ** 40,
            big: BigInt(7) ** BigInt(i + 1),
            f: i % 2 === 0,
            t: true,
            nil: null,
            u: undefined,
            name: '联系人 ✓',
            list: [1, 'two', [3], { four: 4 }],
            bytes: new Uint8Array([1, 2, 3]),
          },
        },
      ])
    })
  const map = doc.getMap<unknown>('meta')
  map.set('title', 'Plan')
  map.set('nested', new Y.Map())
  map.set('list', new Y.Array())
  const text = doc.getText('notes')
  text.insert(0, 'hello wörld')
  text.format(0, 5, { bold: true })
  text.insertEmbed(3, { image: 'x.png' })
  text.delete(1, 2)
  const xml = doc.getXmlFragment('xml')
  const el = new Y.XmlElement('p')
  xml.insert(0, [el, new Y.XmlText('t'), new Y.XmlHook('hook') as unknown as Y.XmlText])
  el.setAttribute('class', 'a')
  map.set('sub', new Y.Doc({ guid: 'sub-doc' }))
  arr.insert(0, [new Uint8Array([9, 9])])
  arr.delete(0, 2)
  // The whole state (GC structs after deletions), merged updates (Skip structs across gaps).
  out.push(Y.encodeStateAsUpdate(doc))
  out.push(Y.mergeUpdates([out[0]!, out[3]!, out[7]!]))
  out.push(Y.encodeStateAsUpdate(new Y.Doc()))
  return out
}

describe('isWellFormedUpdate', () => {
  const samples = sampleUpdates()

  it('accepts every update Yjs writes (every struct and content kind)', () => {
    expect(samples.length).toBeGreaterThan(20)
    for (const u of samples) {
      expect(decodes(u)).toBe(true)
      expect(isWellFormedUpdate(u)).toBe(true)
    }
  })

  it('answers as Y.decodeUpdate does for every truncation and for damaged bytes', { timeout: 60_000 }, () => {
    const next = rng(11)
    let damaged = 0
    let refused = 0
    for (const u of samples) {
      const variants: Uint8Array[] = []
      for (let n = 0; n < u.length; n++) variants.push(u.slice(0, n))
      for (let k = 0; k < 300; k++) {
        const v = u.slice()
        const flips = 1 + Math.floor(next() * 3)
        for (let f = 0; f < flips; f++) v[Math.floor(next() * v.length)] = Math.floor(next() * 256)
        variants.push(v)
      }
      for (const v of variants) {
        damaged++
        const ours = isWellFormedUpdate(v)
        // Never accepts what Yjs cannot read; refuses nothing Yjs reads.
        expect({ ours, yjs: decodes(v) }).toEqual({ ours, yjs: ours })
        if (!ours) refused++
      }
    }
    // The damage did produce refusals (the test exercises both answers).
    expect(refused).toBeGreaterThan(damaged / 4)
  })

  it('refuses what would otherwise be applied in part: a good struct followed by a torn delete set', () => {
    const doc = new Y.Doc()
    let update: Uint8Array | null = null
    doc.getArray('a').push(['x'])
    doc.on('update', (u: Uint8Array) => {
      update = u
    })
    doc.transact(() => {
      doc.getArray('a').push(['y'])
      doc.getArray('a').delete(0, 1)
    })
    const torn = update!.slice(0, update!.length - 1)
    expect(isWellFormedUpdate(torn)).toBe(false)
    expect(isWellFormedUpdate(update!)).toBe(true)
  })
})
