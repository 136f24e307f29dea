/**
 * The account fields of a room (doc.getMap('account'), contract in shared/account.ts), read
 * through parseAccount and kept current as anyone edits them, and the one way this client
 * writes them: each value is checked with its field's schema first, and only a valid value
 * reaches the document.
 */
import { useEffect, useMemo, useState } from 'react'
import type * as Y from 'yjs'
import {
  type AccountFieldName,
  type AccountFields,
  accountFieldSchemas,
  type Competitor,
  type ParsedAccount,
  parseAccount,
} from '../../shared/account'
import { DocKeys } from '../../shared/protocol'

export type AccountMap = Y.Map<unknown>

export function accountMap(doc: Y.Doc): AccountMap {
  return doc.getMap<unknown>(DocKeys.account)
}

/** The parsed account fields and the stored values that could not be used, live. */
export function useAccountFields(doc: Y.Doc): ParsedAccount & { map: AccountMap } {
  const map = useMemo(() => accountMap(doc), [doc])
  const [parsed, setParsed] = useState<ParsedAccount>(() => parseAccount(map.toJSON()))
  useEffect(() => {
    const update = () => setParsed(parseAccount(map.toJSON()))
    update()
    map.observe(update)
    return () => map.unobserve(update)
  }, [map])
  return { ...parsed, map }
}

/**
 * Writes one field if the value passes its schema; returns false (and writes nothing) if not.
 * An unchanged value is not written, so focusing and leaving a field sends nothing.
 */
export function writeAccountField<K extends AccountFieldName>(
  map: AccountMap,
  field: K,
  value: AccountFields[K],
): boolean {
  const result = accountFieldSchemas[field].safeParse(value)
  if (!result.success) return false
  const next = result.data
  if (JSON.stringify(map.get(field)) === JSON.stringify(next)) return true
  const write = () => map.set(field, next)
  if (map.doc) map.doc.transact(write)
  else write()
  return true
}

/**
 * Changes the competitor list starting from what the document holds at this moment (not from
 * what this page last rendered), so a concurrent edit of another entry is not undone.
 */
export function updateCompetitors(map: AccountMap, change: (competitors: Competitor[]) => Competitor[]): boolean {
  const current = parseAccount(map.toJSON()).account.competitors
  return writeAccountField(map, 'competitors', change(current))
}
