/**
 * `/a/<accountId>/reviews/<reviewId>`: the map as it was when the review was taken, read-only,
 * with the same shapes and rendering as the live canvas and an "as of" banner. `?beside=live`
 * puts the live map beside it (also read-only here: this page is for comparing); the live pane
 * follows the frozen pane's camera, so both show the same part of the map.
 */
import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useRef, useState } from 'react'
import { createTLStore, type Editor, react, type TLRecord, type TLStore, Tldraw } from 'tldraw'
import type { Param } from '../../shared/i18n'
import { isoDateInTimeZone } from '../../shared/plan/dates'
import { isValidAccountId } from '../../shared/protocol'
import type { Review } from '../../shared/review/types'
import { ApiError, errorText } from '../auth/api'
import { useT } from '../i18n'
import { LanguageSwitch } from '../LanguageSwitch'
import { navigate } from '../router'
import { warRoomCanvasShapeUtils, warRoomComponents } from '../shapes'
import { createAssetStore } from '../sync/createAssetStore'
import { storeBindingUtils, storeShapeUtils, useYjsStore } from '../sync/useYjsStore'
import { reviewsApi } from './api'
import './review.css'

const assetUrls = getAssetUrlsByImport()

declare global {
  interface Window {
    /** The frozen map's editor, for browser tests. */
    __warRoomFrozenEditor?: Editor
    __warRoomLiveEditor?: Editor
  }
}

type Loaded =
  | { status: 'loading' }
  | { status: 'error'; notFound: boolean; message: Param }
  | { status: 'ready'; review: Review; store: TLStore }

function frozenStore(accountId: string, records: TLRecord[]): TLStore {
  const store = createTLStore({
    shapeUtils: storeShapeUtils,
    bindingUtils: storeBindingUtils,
    assets: createAssetStore(accountId),
  })
  // A record that does not validate is skipped, as the live canvas does.
  const valid = records.filter((record) => {
    try {
      store.schema.validateRecord(store, record, 'initialize', null)
      return true
    } catch {
      return false
    }
  })
  store.mergeRemoteChanges(() => store.put(valid))
  return store
}

export function FrozenMapPage({ accountId, reviewId }: { accountId: string; reviewId: string }) {
  const t = useT()
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' })
  const [beside, setBeside] = useState(() => new URLSearchParams(location.search).get('beside') === 'live')
  const frozenEditor = useRef<Editor | null>(null)
  const [frozenReady, setFrozenReady] = useState<Editor | null>(null)

  useEffect(() => {
    if (!isValidAccountId(accountId)) {
      setLoaded({ status: 'error', notFound: true, message: '' })
      return
    }
    let cancelled = false
    Promise.all([reviewsApi.get(accountId, reviewId), reviewsApi.document(accountId, reviewId)]).then(
      ([review, doc]) =>
        !cancelled && setLoaded({ status: 'ready', review, store: frozenStore(accountId, doc.records) }),
      (e: unknown) =>
        !cancelled &&
        setLoaded({ status: 'error', notFound: e instanceof ApiError && e.status === 404, message: errorText(e) }),
    )
    return () => {
      cancelled = true
    }
  }, [accountId, reviewId])

  const toggleBeside = () => {
    const next = !beside
    setBeside(next)
    history.replaceState(null, '', `${location.pathname}${next ? '?beside=live' : ''}`)
  }

  const onFrozenMount = useCallback((editor: Editor) => {
    frozenEditor.current = editor
    window.__warRoomFrozenEditor = editor
    editor.updateInstanceState({ isReadonly: true })
    editor.zoomToFit({ animation: { duration: 0 } })
    setFrozenReady(editor)
    return () => {
      if (window.__warRoomFrozenEditor === editor) delete window.__warRoomFrozenEditor
    }
  }, [])

  if (loaded.status === 'loading') return <p className="wr-hint wr-frozen__notice">{t('review.frozen.loading')}</p>
  if (loaded.status === 'error') {
    return (
      <main className="wr-notice" data-testid="frozen-error">
        <div className="wr-card">
          <h1>{loaded.notFound ? t('review.frozen.notFound') : t('review.error', { message: loaded.message })}</h1>
          <div className="wr-row">
            <button type="button" className="wr-button" onClick={() => navigate(`/a/${accountId}`)}>
              {t('review.frozen.back')}
            </button>
          </div>
        </div>
      </main>
    )
  }

  const { review, store } = loaded
  const date = isoDateInTimeZone(new Date(review.at))
  return (
    <div className="wr-frozen" data-testid="frozen-map">
      <div className="wr-frozen__bar">
        <a
          href={`/a/${accountId}`}
          onClick={(event) => {
            event.preventDefault()
            navigate(`/a/${accountId}`)
          }}
        >
          {t('review.frozen.back')}
        </a>
        <span className="wr-frozen__banner" role="status" data-testid="frozen-banner">
          {t('review.frozen.banner', { date, title: review.title })}
        </span>
        <button type="button" className="wr-button wr-button--quiet" onClick={toggleBeside} data-testid="frozen-beside">
          ⇆ {beside ? t('review.frozen.alone') : t('review.frozen.beside')}
        </button>
        <LanguageSwitch />
      </div>
      <div className="wr-frozen__panes">
        <div className="wr-frozen__pane" data-testid="frozen-pane">
          <span className="wr-frozen__label">{date}</span>
          <Tldraw
            store={store}
            shapeUtils={warRoomCanvasShapeUtils}
            components={warRoomComponents}
            assetUrls={assetUrls}
            licenseKey={import.meta.env.TLDRAW_LICENSE_KEY}
            onMount={onFrozenMount}
          />
        </div>
        {beside && <LivePane accountId={accountId} follow={frozenReady} />}
      </div>
    </div>
  )
}

/** The live map, read-only, following the frozen pane's camera. */
function LivePane({ accountId, follow }: { accountId: string; follow: Editor | null }) {
  const t = useT()
  const { room } = useYjsStore({ accountId, defaultPageName: t('room.defaultPage') })
  const [editor, setEditor] = useState<Editor | null>(null)

  useEffect(() => {
    if (!editor || !follow) return
    return react('war-room follow the frozen camera', () => {
      const camera = follow.getCamera()
      editor.setCamera(camera, { immediate: true })
    })
  }, [editor, follow])

  const onMount = useCallback((e: Editor) => {
    window.__warRoomLiveEditor = e
    e.updateInstanceState({ isReadonly: true })
    setEditor(e)
    return () => {
      if (window.__warRoomLiveEditor === e) delete window.__warRoomLiveEditor
    }
  }, [])

  return (
    <div className="wr-frozen__pane" data-testid="live-pane">
      <span className="wr-frozen__label wr-frozen__label--live">{t('review.frozen.live')}</span>
      {room.status === 'ready' || (room.status === 'too-old' && room.store) ? (
        <Tldraw
          store={room.store!}
          shapeUtils={warRoomCanvasShapeUtils}
          components={warRoomComponents}
          assetUrls={assetUrls}
          licenseKey={import.meta.env.TLDRAW_LICENSE_KEY}
          onMount={onMount}
        />
      ) : (
        <p className="wr-hint">{t('room.loading')}</p>
      )}
    </div>
  )
}
