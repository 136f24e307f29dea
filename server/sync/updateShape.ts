import { isUtf8 } from 'node:buffer'
import * as decoding from 'lib0/decoding'

/**
 * Whether a Yjs update (v1 encoding) reads to its end the way `Y.decodeUpdate` reads it, checked
 * by walking its structs, contents and delete set without building any of them. The edit path
 * checks every update before applying it (a malformed one must change nothing); `Y.decodeUpdate`
 * did that by building every struct and every decoded value — a fifth of what an edit allocated,
 * all of it garbage a moment later. What this accepts, `Y.decodeUpdate` reads without an error
 * (`updateShape.test.ts` holds the two to each other on valid and damaged updates); it is stricter
 * only in never reading past the update's own bytes.
 */
export function isWellFormedUpdate(update: Uint8Array): boolean {
  const d = decoding.createDecoder(update)
  try {
    const clients = decoding.readVarUint(d)
    for (let i = 0; i < clients; i++) {
      const structs = decoding.readVarUint(d)
      decoding.readVarUint(d) // client
      decoding.readVarUint(d) // clock
      for (let j = 0; j < structs; j++) {
        const info = byte(d)
        // Skip and GC structs carry a length only (as Y.decodeUpdate's lazy reader tells them apart).
        if (info === 10 || (info & 31) === 0) {
          decoding.readVarUint(d)
          continue
        }
        if (info & 128) id(d) // origin
        if (info & 64) id(d) // right origin
        const parentInfo = (info & 192) === 0
        if (parentInfo) {
          if (decoding.readVarUint(d) === 1)
            skipString(d) // a root type's name
          else id(d) // the parent item
          if (info & 32) skipString(d) // parentSub (a map key)
        }
        content(d, info & 31)
      }
    }
    // The delete set: per client, ranges of clock and length.
    const dsClients = decoding.readVarUint(d)
    for (let i = 0; i < dsClients; i++) {
      decoding.readVarUint(d)
      const ranges = decoding.readVarUint(d)
      for (let j = 0; j < ranges; j++) {
        decoding.readVarUint(d)
        decoding.readVarUint(d)
      }
    }
    return true
  } catch {
    return false
  }
}

const END = new Error('unexpected end of update')
const BAD = new Error('unknown content')

function byte(d: decoding.Decoder): number {
  if (d.pos >= d.arr.length) throw END
  return d.arr[d.pos++]!
}

function id(d: decoding.Decoder) {
  decoding.readVarUint(d)
  decoding.readVarUint(d)
}

function need(d: decoding.Decoder, n: number) {
  if (d.pos + n > d.arr.length) throw END
  d.pos += n
}

/** A length-prefixed byte array. */
function skipBytes(d: decoding.Decoder) {
  need(d, decoding.readVarUint(d))
}

/** A length-prefixed string: lib0 decodes strings with a fatal UTF-8 decoder, so it must be valid UTF-8. */
function skipString(d: decoding.Decoder) {
  const n = decoding.readVarUint(d)
  const start = d.pos
  need(d, n)
  // ASCII (most keys and values) is valid as it is; only other text needs the UTF-8 check (and a view).
  const arr = d.arr
  for (let i = start; i < start + n; i++) {
    if (arr[i]! < 0x80) continue
    if (!isUtf8(arr.subarray(i, start + n))) throw BAD
    return
  }
}

/** JSON as Yjs reads it (ContentJSON, ContentEmbed, ContentFormat; rare): valid UTF-8 that parses. */
function json(d: decoding.Decoder, undefinedAllowed: boolean) {
  const n = decoding.readVarUint(d)
  const start = d.pos
  need(d, n)
  const bytes = d.arr.subarray(start, start + n)
  if (n > 0 && !isUtf8(bytes)) throw BAD
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('utf8')
  if (undefinedAllowed && text === 'undefined') return
  JSON.parse(text)
}

function content(d: decoding.Decoder, ref: number) {
  switch (ref) {
    case 1: // deleted: a length
      decoding.readVarUint(d)
      return
    case 2: {
      // JSON (legacy): strings that parse, or 'undefined'
      const n = decoding.readVarUint(d)
      for (let i = 0; i < n; i++) json(d, true)
      return
    }
    case 3: // binary
      skipBytes(d)
      return
    case 4: // string
      skipString(d)
      return
    case 5: // embed
      json(d, false)
      return
    case 6: // format: key, JSON value
      skipString(d)
      json(d, false)
      return
    case 7: {
      // type: YArray, YMap, YText, YXmlElement (+ name), YXmlFragment, YXmlHook (+ name), YXmlText
      const type = decoding.readVarUint(d)
      if (type > 6) throw BAD
      if (type === 3 || type === 5) skipString(d)
      return
    }
    case 8: {
      // any: the values of a YArray/YMap entry (tldraw's records)
      const n = decoding.readVarUint(d)
      for (let i = 0; i < n; i++) any(d)
      return
    }
    case 9: {
      // a sub-document: guid, then its options (Yjs reads properties of them: not null/undefined)
      skipString(d)
      const t = d.arr[d.pos]
      if (t === 126 || t === 127) throw BAD
      any(d)
      return
    }
    default:
      throw BAD
  }
}

/** One value of lib0's `writeAny` encoding. */
function any(d: decoding.Decoder) {
  switch (byte(d)) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return
    case 125: // integer
      if (d.pos >= d.arr.length) throw END
      decoding.readVarInt(d)
      return
    case 124: // float32
      need(d, 4)
      return
    case 123: // float64
    case 122: // bigint64
      need(d, 8)
      return
    case 119: // string
      skipString(d)
      return
    case 116: // Uint8Array
      skipBytes(d)
      return
    case 118: {
      // object: key, value
      const n = decoding.readVarUint(d)
      for (let i = 0; i < n; i++) {
        skipString(d)
        any(d)
      }
      return
    }
    case 117: {
      // array
      const n = decoding.readVarUint(d)
      for (let i = 0; i < n; i++) any(d)
      return
    }
    default:
      throw BAD
  }
}
