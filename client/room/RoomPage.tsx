import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  type Editor,
  getUserPreferences,
  setUserPreferences,
  type TLStore,
  type TLUiStylePanelProps,
  Tldraw,
  useEditor,
  useValue,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { CloseCode, isValidAccountId } from '../../shared/protocol'
import { useSession } from '../auth/session'
import { type AccountAccess, useAccountAccess } from '../auth/useAccountAccess'
import { ContactsBar } from '../contacts/ContactsBar'
import { staleContactDaysSignal } from '../contacts/provenance'
import { presentUiOverrides } from '../export/ExportMenu'
import { downloadBlob, exportImage, exportPresentationPdf, planSignal, presentationSvgs } from '../export/exports'
import { TLDRAW_LOCALE, useLang, useT } from '../i18n'
import { LanguageSwitch } from '../LanguageSwitch'
import { useLiveUser } from '../live/identity'
import { LiveBar, LiveOverlays, WithoutLive, withLiveLayer } from '../live/LiveBar'
import { LiveScope } from '../live/LiveContext'
import { withFindingBadges } from '../plan/FindingBadges'
import { PlanProvider, useOptionalPlanContext } from '../plan/PlanContext'
import { PlanSidebar } from '../plan/PlanSidebar'
import { audienceSignal, presentingSignal, warRoomShapeVisibility } from '../present/audience'
import { arrivesFollowing, fitRoom } from '../present/fitRoom'
import { PresentMode } from '../present/PresentMode'
import { withChangeMarks } from '../review/ChangeMarks'
import { ReviewProvider } from '../review/ReviewContext'
import { navigate } from '../router'
import {
  warRoomBindingUtils,
  warRoomCanvasShapeUtils,
  warRoomComponents,
  warRoomTools,
  warRoomUiOverrides,
} from '../shapes'
import { type ConnectionState, useYjsStore } from '../sync/useYjsStore'
import { ConnectionBadge } from './ConnectionBadge'

/** tldraw's fonts, icons and translations, bundled by Vite and served from our own origin. */
const assetUrls = getAssetUrlsByImport()

const BaseStylePanel = warRoomComponents.StylePanel

/** The style panel (our inspector) only while something is selected: otherwise it hides a card. */
function SelectionStylePanel(props: TLUiStylePanelProps) {
  const editor = useEditor()
  const hasSelection = useValue('war-room has selection', () => editor.getSelectedShapeIds().length > 0, [editor])
  if (!hasSelection || !BaseStylePanel) return null
  return <BaseStylePanel {...props} />
}

/** The shapes' components plus the plan's finding badges in front of the canvas. */
const roomComponents = withLiveLayer(
  withChangeMarks(withFindingBadges({ ...warRoomComponents, StylePanel: SelectionStylePanel })),
)
const roomOverrides = [warRoomUiOverrides, presentUiOverrides]

declare global {
  interface Window {
    /** The live editor, for browser tests and debugging. */
    __warRoomEditor?: Editor
    /** War Room's exports over the live editor (the same functions the menu calls). */
    __warRoomExports?: {
      image: typeof exportImage
      pdf: typeof exportPresentationPdf
      pdfPageSvgs: typeof presentationSvgs
      download: typeof downloadBlob
    }
    /** Set once the opening camera is decided (fitted, or left alone for `?follow=`): a barrier for tests. */
    __warRoomOpened?: { fitted: boolean }
  }
}

/** `/a/:accountId`: the account's shared canvas. */
export function RoomPage({ accountId }: { accountId: string }) {
  const t = useT()
  if (!isValidAccountId(accountId)) {
    return (
      <Notice title={t('room.invalidAccount', { id: accountId })}>
        <button type="button" className="wr-button" onClick={() => navigate('/')}>
          {t('room.backHome')}
        </button>
      </Notice>
    )
  }
  return <Room accountId={accountId} />
}

function Room({ accountId }: { accountId: string }) {
  const t = useT()
  const { lang } = useLang()
  const liveUser = useLiveUser()
  const { room, connection, refusal } = useYjsStore({
    accountId,
    defaultPageName: t('room.defaultPage'),
    user: liveUser,
  })
  const { access, denied } = useAccountAccess(accountId, connection === 'connected')

  // tldraw keeps its own UI language in the user preferences; keep it in step with ours.
  useEffect(() => {
    const locale = TLDRAW_LOCALE[lang]
    const prefs = getUserPreferences()
    if (prefs.locale !== locale) setUserPreferences({ ...prefs, locale })
  }, [lang])

  const reload = (
    <button type="button" className="wr-button" onClick={() => location.reload()}>
      {t('room.reload')}
    </button>
  )

  if (denied) {
    return (
      <Notice
        title={t(denied === 403 ? 'room.denied.forbidden' : 'room.denied.notFound', { id: accountId })}
        testId="room-denied"
      >
        <button type="button" className="wr-button" onClick={() => navigate('/')}>
          {t('room.portfolio')}
        </button>
      </Notice>
    )
  }

  switch (room.status) {
    case 'loading':
      return (
        <Notice title={t('room.loading')}>
          <ConnectionBadge state={connection} />
        </Notice>
      )
    case 'error':
      return (
        <Notice
          title={t('room.error.title')}
          body={
            room.kind === 'refused' && room.code !== undefined
              ? refusalText(t, room.code, room.error.message)
              : t(room.kind === 'refused' ? 'room.error.refused' : 'room.error.body', { message: room.error.message })
          }
          testId="room-error"
        >
          <ConnectionBadge state={connection} />
          {reload}
        </Notice>
      )
    case 'too-old':
      if (!room.store) {
        return (
          <Notice title={t('room.tooOld.title')} body={t('room.tooOld.body')} testId="too-old">
            {reload}
          </Notice>
        )
      }
      return (
        <Canvas accountId={accountId} store={room.store} connection={connection} access={null}>
          <div className="wr-banner" role="alert" data-testid="too-old">
            <strong>{t('room.tooOld.title')}</strong> {t('room.tooOld.body')} {reload}
          </div>
        </Canvas>
      )
    case 'ready':
      return (
        <PlanProvider doc={room.doc}>
          <ReviewProvider accountId={accountId} access={access}>
            <Canvas
              accountId={accountId}
              store={room.store}
              doc={room.doc}
              connection={connection}
              access={access}
              awareness={room.awareness}
            >
              {refusal && (
                <div className="wr-banner" role="alert" data-testid="connection-refused" data-code={refusal.code}>
                  <strong>{t('room.refused.title')}</strong> {refusalText(t, refusal.code, refusal.reason)}{' '}
                  {t('room.refused.kept')} {reload}
                </div>
              )}
            </Canvas>
          </ReviewProvider>
        </PlanProvider>
      )
  }
}

/** What a final close code means for the person in front of the screen. */
function refusalText(t: ReturnType<typeof useT>, code: number, reason: string): string {
  if (code === CloseCode.RoomUnavailable) return t('room.refused.unavailable')
  if (code === CloseCode.TooManyConnections) return t('room.refused.tooMany', { reason })
  return t('room.refused.other', { code: String(code), reason })
}

function Canvas({
  accountId,
  store,
  doc,
  connection,
  access,
  awareness,
  children,
}: {
  accountId: string
  store: TLStore
  /** The room's presence, for the live session (client/live/); absent when the document is not ours. */
  awareness?: Awareness
  /** The room's Y.Doc, for the plan and account panels (inside a PlanProvider); absent when the document is not ours to edit. */
  doc?: Y.Doc
  connection: ConnectionState
  /** Null while unknown, or when something else already governs editing (a too-old client). */
  access: AccountAccess | null
  children?: React.ReactNode
}) {
  const t = useT()
  const liveUser = useLiveUser()
  const [editor, setEditor] = useState<Editor | null>(null)
  const plan = useOptionalPlanContext()?.plan ?? null
  const accountName = plan?.account.name.trim() || accountId
  const presenting = useValue(presentingSignal)
  // Cards read the freshness limit from a signal (they also render where no provider is).
  const { session } = useSession()
  useEffect(() => {
    if (session.status === 'signed-in') staleContactDaysSignal.set(session.staleContactDays)
  }, [session])
  // Exports made through the editor API find the plan for the PDF's summary page here.
  useEffect(() => {
    planSignal.set(plan)
  }, [plan])
  const onMount = useCallback((editor: Editor) => {
    window.__warRoomEditor = editor
    window.__warRoomExports = {
      image: exportImage,
      pdf: exportPresentationPdf,
      pdfPageSvgs: presentationSvgs,
      download: downloadBlob,
    }
    setEditor(editor)
    // Dark mode is not offered (the cards are designed for a light, projected screen).
    if (editor.user.getUserPreferences().colorScheme !== 'light')
      editor.user.updateUserPreferences({ colorScheme: 'light' })
    // Open fitted to the visible canvas, once the layout (room bar, toolbar) is there and the
    // editor knows the canvas's real size.
    let frame = 0
    let tries = 0
    const fitWhenLaidOut = () => {
      const container = editor.getContainer()
      if ((container.clientWidth < 200 || container.clientHeight < 200) && tries++ < 120) {
        frame = requestAnimationFrame(fitWhenLaidOut)
        return
      }
      editor.updateViewportScreenBounds(container)
      window.__warRoomOpened = { fitted: !arrivesFollowing() && fitRoom(editor) }
    }
    frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(fitWhenLaidOut)
    })
    return () => {
      cancelAnimationFrame(frame)
      if (window.__warRoomEditor === editor) delete window.__warRoomEditor
      delete window.__warRoomOpened
      delete window.__warRoomExports
      presentingSignal.set(false)
      audienceSignal.set('team')
    }
  }, [])
  const stopPresenting = useCallback(() => {
    presentingSignal.set(false)
    if (editor) fitRoom(editor)
  }, [editor])

  // The server drops a viewer's updates anyway; a read-only canvas keeps the screen honest.
  const madeReadOnly = useRef(false)
  const readOnly = access?.readOnly ?? false
  useEffect(() => {
    if (!editor) return
    if (readOnly) {
      editor.updateInstanceState({ isReadonly: true })
      madeReadOnly.current = true
    } else if (madeReadOnly.current) {
      editor.updateInstanceState({ isReadonly: false })
      madeReadOnly.current = false
    }
  }, [editor, readOnly])

  const identity = useValue('war-room identity', () => liveUser.identity.get(), [liveUser])
  const canvas = (
    <div className={presenting ? 'wr-room wr-room--presenting' : 'wr-room'}>
      <div className="wr-room__layout">
        <div className="wr-room__canvas">
          <Tldraw
            store={store}
            shapeUtils={warRoomCanvasShapeUtils}
            bindingUtils={warRoomBindingUtils}
            tools={warRoomTools}
            overrides={roomOverrides}
            getShapeVisibility={warRoomShapeVisibility}
            components={roomComponents}
            assetUrls={assetUrls}
            licenseKey={import.meta.env.TLDRAW_LICENSE_KEY}
            user={liveUser.current}
            onMount={onMount}
            autoFocus
          />
          <div className="wr-roombar">
            <a
              href="/"
              className="wr-roombar__home"
              onClick={(event) => {
                event.preventDefault()
                navigate('/')
              }}
            >
              ← {t('room.portfolio')}
            </a>
            <span className="wr-roombar__name" data-testid="wr-roombar-name" title={accountId}>
              {accountName}
            </span>
            <ConnectionBadge state={connection} />
            {doc && <ContactsBar editor={editor} readOnly={access ? access.readOnly : true} />}
            {editor && (
              <button
                type="button"
                className="wr-button wr-button--quiet"
                data-testid="wr-present-start"
                title={t('present.startHint')}
                onClick={() => presentingSignal.set(true)}
              >
                ▶ {t('present.start')}
              </button>
            )}
            <LanguageSwitch />
          </div>
          <LiveBar
            readOnly={
              access?.readOnlyReason
                ? {
                    short: t(access.readOnlyReason === 'viewer' ? 'live.readOnly.viewer' : 'live.readOnly.archived'),
                    full: t(access.readOnlyReason === 'viewer' ? 'room.readOnly.viewer' : 'room.readOnly.archived'),
                  }
                : null
            }
          />
          {access?.readOnlyReason && (
            <WithoutLive>
              <div className="wr-readonly" role="status" data-testid="read-only">
                {t(access.readOnlyReason === 'viewer' ? 'room.readOnly.viewer' : 'room.readOnly.archived')}
              </div>
            </WithoutLive>
          )}
          <LiveOverlays />
          {children}
          {presenting && editor && (
            <PresentMode editor={editor} plan={plan} accountName={accountName} onExit={stopPresenting} />
          )}
        </div>
        {/* Until access is known the account fields stay read-only: a viewer's edits would be dropped. */}
        {doc && (
          <PlanSidebar accountId={accountId} doc={doc} editor={editor} readOnly={access ? access.readOnly : true} />
        )}
      </div>
    </div>
  )
  return (
    <LiveScope
      editor={editor}
      awareness={awareness}
      doc={doc}
      accountId={accountId}
      identity={identity}
      role={access?.role ?? null}
      archived={access?.archived ?? false}
    >
      {canvas}
    </LiveScope>
  )
}

function Notice({
  title,
  body,
  testId,
  children,
}: {
  title: string
  body?: string
  testId?: string
  children?: React.ReactNode
}) {
  return (
    <main className="wr-notice" data-testid={testId}>
      <div className="wr-card">
        <h1>{title}</h1>
        {body && <p>{body}</p>}
        <div className="wr-row">{children}</div>
      </div>
      <LanguageSwitch className="wr-button wr-button--quiet wr-notice__lang" />
    </main>
  )
}
