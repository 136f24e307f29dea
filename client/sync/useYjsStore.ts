/**
 * The bridge between a tldraw store and an account room's Y.Doc (format:
 * docs/document-format.md). Document records travel through the doc; presence
 * travels through y-websocket awareness and is never written to the doc.
 */
import { useEffect, useRef, useState } from 'react'
import {
  atom,
  computed,
  createPresenceStateDerivation,
  createTLStore,
  createUserId,
  DocumentRecordType,
  defaultBindingUtils,
  defaultShapeUtils,
  defaultUserPreferences,
  getUserPreferences,
  type IndexKey,
  InstancePresenceRecordType,
  PageRecordType,
  react,
  type SerializedStore,
  TLDOCUMENT_ID,
  type TLInstancePresence,
  type TLRecord,
  type TLStore,
  type TLUser,
  UserRecordType,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { CloseCode, DocKeys, isFinalCloseCode } from '../../shared/protocol'
import type { LiveUser } from '../live/identity'
import { warRoomBindingUtils, warRoomShapeUtils } from '../shapes'
import { createAssetStore } from './createAssetStore'
import { compareSchemas, isSerializedSchema } from './schemaCompat'

/** Shape and binding utils of the store's schema: tldraw's defaults plus War Room's own. */
export const storeShapeUtils = [...defaultShapeUtils, ...warRoomShapeUtils]
export const storeBindingUtils = [...defaultBindingUtils, ...warRoomBindingUtils]

/**
 * Origin of every Y transaction this bridge makes, so that the doc observer can
 * tell our own writes (already in the store) from everyone else's.
 */
const LOCAL_ORIGIN = Symbol('war-room tldraw store')

/**
 * `cannot-save`: the server closed with 4507 (its storage refuses writes); edits stay here and are sent once it recovers.
 * `refused`: the server closed the connection for good (a final close code); nothing reconnects.
 */
export type ConnectionState = 'connected' | 'reconnecting' | 'offline' | 'cannot-save' | 'refused'

export type RoomState =
  | { status: 'loading' }
  /**
   * `doc` is the room's Y.Doc, for what lives beside the records (the account fields, the plan);
   * `awareness` the room's presence (who is here, spotlight; docs/document-format.md "Awareness").
   */
  | { status: 'ready'; store: TLStore; doc: Y.Doc; awareness: Awareness }
  /**
   * The document was written by a newer client. `store` is null when that was
   * known at load time (nothing was loaded), or the read-only store when another
   * client upgraded the document during the session.
   */
  | { status: 'too-old'; store: TLStore | null }
  /** `refused`: the server closed the connection for good (e.g. 4403) before the room loaded. */
  | { status: 'error'; kind: 'unreadable' | 'refused'; error: Error; code?: number }

export interface UseYjsStoreOptions {
  accountId: string
  /** `ws(s)://host[:port]` of the sync server; defaults to this page's origin. */
  wsOrigin?: string
  /** Name of the first page when the room is empty. */
  defaultPageName: string
  /** The signed-in person; presence is published under this identity (client/live/identity.ts). */
  user?: LiveUser
}

export interface YjsStore {
  room: RoomState
  connection: ConnectionState
  /** Why the server closed the connection for good after the room had loaded (the canvas stays, read-only). */
  refusal: { code: number; reason: string } | null
}

interface AwarenessState {
  presence?: TLInstancePresence | null
}

function pageOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`
}

export function useYjsStore({ accountId, wsOrigin, defaultPageName, user }: UseYjsStoreOptions): YjsStore {
  const [room, setRoom] = useState<RoomState>({ status: 'loading' })
  const [connection, setConnection] = useState<ConnectionState>('reconnecting')
  const [refusal, setRefusal] = useState<YjsStore['refusal']>(null)
  // The page name is only read when an empty room is first filled; a language
  // switch must not tear the room down.
  const pageNameRef = useRef(defaultPageName)
  pageNameRef.current = defaultPageName
  const origin = wsOrigin ?? pageOrigin()
  // Read when presence starts; its identity atom may change without rebuilding the room.
  const userRef = useRef(user)
  userRef.current = user

  useEffect(() => {
    setRoom({ status: 'loading' })
    setRefusal(null)
    const unsubs: (() => void)[] = []

    const doc = new Y.Doc()
    const yRecords = new YKeyValue<TLRecord>(doc.getArray(DocKeys.records))
    const meta = doc.getMap<unknown>(DocKeys.meta)

    const collaborationStatus = atom<'online' | 'offline'>('war-room connection', 'offline')
    const collaborationMode = atom<'readonly' | 'readwrite'>('war-room mode', 'readwrite')
    const store = createTLStore({
      shapeUtils: storeShapeUtils,
      bindingUtils: storeBindingUtils,
      assets: createAssetStore(accountId),
      collaboration: { status: collaborationStatus, mode: collaborationMode },
    })
    const ourSchema = store.schema.serialize()

    const provider = new WebsocketProvider(`${origin}/sync`, accountId, doc, {
      // y-websocket stops only on 4400–4499; 4503 (unreadable room) would be refused forever.
      shouldReconnect: (event) => !isFinalCloseCode(event.code),
    })

    /** Set at the first sync, when the room's state has been read into the store. */
    let loaded = false

    /* ------------------------------ connection ------------------------------ */

    let socketConnected = false
    /** The last close said the server cannot save; cleared by the next successful sync. */
    let cannotSave = false
    /** The server closed with a final code: nothing reconnects. */
    let refused = false
    const updateConnection = () => {
      if (cannotSave && socketConnected && provider.synced) cannotSave = false
      const next: ConnectionState = refused
        ? 'refused'
        : !navigator.onLine
          ? 'offline'
          : socketConnected && provider.synced
            ? 'connected'
            : cannotSave
              ? 'cannot-save'
              : 'reconnecting'
      setConnection(next)
      collaborationStatus.set(next === 'connected' ? 'online' : 'offline')
    }
    const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      socketConnected = status === 'connected'
      updateConnection()
    }
    // Final close codes (shared/protocol.ts isFinalCloseCode) stop the reconnecting; say why.
    const onClosed = ({ code, reason }: { code: number; reason: string }) => {
      refused = true
      updateConnection()
      if (loaded) {
        // Nothing more reaches the server: no edits that would look saved.
        collaborationMode.set('readonly')
        setRefusal({ code, reason })
        return
      }
      setRoom({
        status: 'error',
        kind: 'refused',
        code,
        error: new Error(reason ? `${code} ${reason}` : String(code)),
      })
    }
    // 4507 is outside 4400–4499 on purpose: y-websocket keeps reconnecting, and the first sync
    // once the server can save again sends it the edits made meanwhile.
    const onConnectionClose = (event: CloseEvent | null) => {
      if (event?.code === CloseCode.StorageUnavailable) cannotSave = true
      updateConnection()
    }
    provider.on('status', onStatus)
    provider.on('closed', onClosed)
    provider.on('connection-close', onConnectionClose)
    window.addEventListener('online', updateConnection)
    window.addEventListener('offline', updateConnection)
    unsubs.push(() => {
      provider.off('status', onStatus)
      provider.off('closed', onClosed)
      provider.off('connection-close', onConnectionClose)
      window.removeEventListener('online', updateConnection)
      window.removeEventListener('offline', updateConnection)
    })

    /* -------------------------------- records ------------------------------- */

    // Set once the document turns out to be newer than this client: from then on
    // nothing flows in either direction.
    let frozen = false

    /** Records that pass the store's validation; a bad record from an outside tool is skipped, not fatal. */
    const validRecords = (records: TLRecord[]): TLRecord[] =>
      records.filter((record) => {
        try {
          store.schema.validateRecord(store, record, 'initialize', null)
          return true
        } catch (error) {
          console.warn(`[war-room] skipping invalid record ${String(record?.id)}`, error)
          return false
        }
      })

    const freeze = (loadedStore: TLStore | null) => {
      frozen = true
      collaborationMode.set('readonly')
      setRoom({ status: 'too-old', store: loadedStore })
    }

    const load = () => {
      const stored = meta.get(DocKeys.schema)
      if (stored !== undefined && !isSerializedSchema(stored)) {
        setRoom({
          status: 'error',
          kind: 'unreadable',
          error: new Error(`unreadable '${DocKeys.schema}' entry in the document`),
        })
        return
      }
      const relation = stored === undefined ? 'same' : compareSchemas(ourSchema, stored)
      if (relation === 'newer') {
        freeze(null)
        return
      }

      const entries = [...yRecords.map.values()]
      let records: TLRecord[]
      const writes: TLRecord[] = []
      const deletes: string[] = []
      if (entries.length === 0) {
        // Only an empty room, after the first sync, gets the default records.
        records = [
          DocumentRecordType.create({ id: TLDOCUMENT_ID }),
          PageRecordType.create({
            id: PageRecordType.createId('page'),
            name: pageNameRef.current,
            index: 'a1' as IndexKey,
          }),
        ]
        writes.push(...records)
      } else if (relation === 'older' && stored !== undefined) {
        const snapshot: SerializedStore<TLRecord> = Object.fromEntries(entries.map(({ key, val }) => [key, val]))
        const result = store.schema.migrateStoreSnapshot({ store: snapshot, schema: stored })
        if (result.type === 'error') {
          setRoom({
            status: 'error',
            kind: 'unreadable',
            error: new Error(`the document could not be migrated (${result.reason})`),
          })
          return
        }
        records = Object.values(result.value)
        for (const record of records) {
          if (JSON.stringify(record) !== JSON.stringify(snapshot[record.id])) writes.push(record)
        }
        for (const key of Object.keys(snapshot)) {
          if (!(key in result.value)) deletes.push(key)
        }
      } else {
        // Same schema, or records an outside tool wrote without one: taken as current.
        records = entries.map(({ val }) => val)
      }

      doc.transact(() => {
        for (const record of writes) yRecords.set(record.id, record)
        for (const key of deletes) yRecords.delete(key)
        if (stored === undefined || relation === 'older') meta.set(DocKeys.schema, ourSchema)
      }, LOCAL_ORIGIN)

      // Listen before the first merge: mergeRemoteChanges ends with tldraw's integrity
      // check, whose repairs (a missing page, say) are user changes that must reach the doc.
      unsubs.push(
        store.listen(
          ({ changes }) => {
            if (frozen) return
            doc.transact(() => {
              for (const record of Object.values(changes.added)) yRecords.set(record.id, record)
              for (const [, record] of Object.values(changes.updated)) yRecords.set(record.id, record)
              for (const record of Object.values(changes.removed)) yRecords.delete(record.id)
            }, LOCAL_ORIGIN)
          },
          { source: 'user', scope: 'document' },
        ),
      )

      const onRecordsChange = (
        changes: Map<string, { action: 'add' | 'update' | 'delete'; newValue?: TLRecord }>,
        transaction: Y.Transaction,
      ) => {
        if (frozen || transaction.origin === LOCAL_ORIGIN) return
        const toPut: TLRecord[] = []
        const toRemove: TLRecord['id'][] = []
        for (const [id, change] of changes) {
          if (change.action === 'delete') {
            if (store.has(id as TLRecord['id'])) toRemove.push(id as TLRecord['id'])
          } else if (change.newValue) {
            toPut.push(change.newValue)
          }
        }
        const valid = validRecords(toPut)
        store.mergeRemoteChanges(() => {
          if (toRemove.length) store.remove(toRemove)
          if (valid.length) store.put(valid)
        })
      }
      yRecords.on('change', onRecordsChange)
      unsubs.push(() => yRecords.off('change', onRecordsChange))

      // Another client may upgrade the document while we have it open.
      const onMetaChange = (event: Y.YMapEvent<unknown>) => {
        if (frozen || !event.keysChanged.has(DocKeys.schema)) return
        const schema = meta.get(DocKeys.schema)
        if (isSerializedSchema(schema) && compareSchemas(ourSchema, schema) === 'newer') freeze(store)
      }
      meta.observe(onMetaChange)
      unsubs.push(() => meta.unobserve(onMetaChange))

      const initial = validRecords(records)
      store.mergeRemoteChanges(() => {
        store.put(initial)
      })

      startPresence()
      setRoom({ status: 'ready', store, doc, awareness: provider.awareness })
    }

    /* ------------------------------- presence ------------------------------- */

    const startPresence = () => {
      const awareness = provider.awareness
      const live = userRef.current
      const currentUser =
        live?.record ??
        computed<TLUser>('war-room current user', () => {
          const prefs = getUserPreferences()
          return UserRecordType.create({
            id: createUserId(prefs.id),
            name: prefs.name ?? '',
            color: prefs.color ?? defaultUserPreferences.color,
          })
        })
      // Our own view of `user`; the server replaces it with the session's (docs/document-format.md).
      if (live) {
        unsubs.push(
          react('war-room publish user', () => {
            const me = live.identity.get()
            const record = currentUser.get()
            if (me)
              awareness.setLocalStateField('user', {
                id: me.id,
                name: me.name,
                department: me.department,
                color: record.color,
              })
          }),
        )
      }
      // Presence ids follow awareness client ids, so a departed peer's record can be found.
      const presenceIdOf = (clientId: number) => InstancePresenceRecordType.createId(String(clientId))
      const presence = createPresenceStateDerivation(currentUser, { instanceId: presenceIdOf(doc.clientID) })(store)

      // Cursor moves change presence many times per frame; publish at most once a frame.
      let frame = 0
      unsubs.push(
        react('war-room publish presence', () => {
          const value = presence.get()
          cancelAnimationFrame(frame)
          frame = requestAnimationFrame(() => awareness.setLocalStateField('presence', value))
        }),
      )
      unsubs.push(() => cancelAnimationFrame(frame))

      const onAwarenessChange = ({
        added,
        updated,
        removed,
      }: {
        added: number[]
        updated: number[]
        removed: number[]
      }) => {
        const states = awareness.getStates() as Map<number, AwarenessState>
        const toPut: TLInstancePresence[] = []
        const toRemove: TLInstancePresence['id'][] = []
        for (const clientId of [...added, ...updated]) {
          if (clientId === doc.clientID) continue
          const peer = states.get(clientId)?.presence
          if (peer) toPut.push({ ...peer, id: presenceIdOf(clientId) })
          else if (store.has(presenceIdOf(clientId))) toRemove.push(presenceIdOf(clientId))
        }
        for (const clientId of removed) {
          if (store.has(presenceIdOf(clientId))) toRemove.push(presenceIdOf(clientId))
        }
        const valid = validRecords(toPut) as TLInstancePresence[]
        if (!valid.length && !toRemove.length) return
        store.mergeRemoteChanges(() => {
          if (toRemove.length) store.remove(toRemove)
          if (valid.length) store.put(valid)
        })
      }
      awareness.on('change', onAwarenessChange)
      unsubs.push(() => awareness.off('change', onAwarenessChange))
      onAwarenessChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })
    }

    /* ------------------------------- first sync ----------------------------- */

    const onSync = (synced: boolean) => {
      updateConnection()
      // Wait for the room's state before creating anything: never overwrite it with defaults.
      if (synced && !loaded) {
        loaded = true
        try {
          load()
        } catch (error) {
          console.error('[war-room] loading the room failed', error)
          frozen = true
          setRoom({
            status: 'error',
            kind: 'unreadable',
            error: error instanceof Error ? error : new Error(String(error)),
          })
        }
      }
    }
    provider.on('sync', onSync)
    unsubs.push(() => provider.off('sync', onSync))
    if (provider.synced) onSync(true)

    return () => {
      for (const unsub of unsubs.splice(0)) unsub()
      provider.destroy()
      doc.destroy()
      store.dispose()
    }
  }, [accountId, origin])

  return { room, connection, refusal }
}
