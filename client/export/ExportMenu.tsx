/**
 * The main menu: War Room's own items (insert template, present, exports) and tldraw's menu
 * content minus the colour-scheme choice — dark mode is not offered, because War Room's cards
 * and panels are designed for a light, projected screen.
 */
import {
  AccessibilityMenu,
  DefaultMainMenu,
  EditSubmenu,
  ExtrasGroup,
  InputModeMenu,
  KeyboardShortcutsMenuItem,
  LanguageMenu,
  type TLUiOverrides,
  TldrawUiMenuActionItem,
  TldrawUiMenuCheckboxItem,
  TldrawUiMenuGroup,
  TldrawUiMenuItem,
  TldrawUiMenuSubmenu,
  ToggleDebugModeItem,
  ToggleDynamicSizeModeItem,
  ToggleEdgeScrollingItem,
  ToggleFocusModeItem,
  ToggleGridItem,
  TogglePasteAtCursorItem,
  ToggleSnapModeItem,
  ToggleToolLockItem,
  ToggleWrapModeItem,
  useEditor,
  useToasts,
  useValue,
  ViewSubmenu,
} from 'tldraw'
import type { Audience } from '../../shared/audience'
import { translate, useLang } from '../i18n'
import { useOptionalPlanContext } from '../plan/PlanContext'
import { exportAudienceSignal, presentingSignal } from '../present/audience'
import { downloadBlob, type ExportTarget, exportFileName, exportImage, exportPresentationPdf } from './exports'

export const PRESENT_ACTION = 'war-room.present'

/** What the menu's items are called, in tldraw's translation tables. */
export const exportTranslations: TLUiOverrides['translations'] = {
  'zh-cn': {
    'war-room.present': '演示模式',
    'war-room.export': '导出',
    'war-room.export.customer': '对客版（隐藏内部信息）',
    'war-room.export.map-png': '整张地图 PNG',
    'war-room.export.map-svg': '整张地图 SVG',
    'war-room.export.selection-png': '选中内容 PNG',
    'war-room.export.selection-svg': '选中内容 SVG',
    'war-room.export.frames': '单个框架 PNG',
    'war-room.export.pdf': '演示文稿 PDF',
  },
  en: {
    'war-room.present': 'Present',
    'war-room.export': 'Export',
    'war-room.export.customer': 'Customer-safe (hide internal fields)',
    'war-room.export.map-png': 'Whole map as PNG',
    'war-room.export.map-svg': 'Whole map as SVG',
    'war-room.export.selection-png': 'Selection as PNG',
    'war-room.export.selection-svg': 'Selection as SVG',
    'war-room.export.frames': 'One frame as PNG',
    'war-room.export.pdf': 'Presentation as PDF',
  },
}

/** Overrides: the present action (P), and no dark-mode toggle or shortcut. */
export const presentUiOverrides: TLUiOverrides = {
  actions(_editor, actions) {
    delete actions['toggle-dark-mode']
    actions[PRESENT_ACTION] = {
      id: PRESENT_ACTION,
      label: 'war-room.present',
      readonlyOk: true,
      onSelect: () => {
        presentingSignal.set(true)
      },
    }
    return actions
  },
  translations: exportTranslations,
}

function useRun() {
  const editor = useEditor()
  const plan = useOptionalPlanContext()?.plan ?? null
  const { lang } = useLang()
  const base = plan?.account.name || editor.getCurrentPage().name
  return { editor, plan, lang, base }
}

function ExportSubmenu() {
  const { editor, plan, lang, base } = useRun()
  const { addToast } = useToasts()
  /** An export that fails says so (an empty selection, a browser refusing a huge canvas). */
  const guarded = (fn: () => Promise<void>) => async () => {
    try {
      await fn()
    } catch (error) {
      addToast({
        severity: 'error',
        title: translate(lang, 'export.failed', { message: error instanceof Error ? error.message : String(error) }),
      })
    }
  }
  const audience = useValue(exportAudienceSignal)
  const hasSelection = useValue('war-room has selection', () => editor.getSelectedShapeIds().length > 0, [editor])
  const frames = useValue(
    'war-room frames',
    () =>
      editor
        .getCurrentPageShapesSorted()
        .filter((s) => s.type === 'frame')
        .map((s) => ({ id: s.id, name: (s.props as { name?: string }).name || s.id })),
    [editor],
  )
  const image = (format: 'png' | 'svg', target: ExportTarget) =>
    guarded(async () => {
      const blob = await exportImage(editor, { format, target, audience })
      downloadBlob(blob, exportFileName(base, target, audience, format))
    })
  return (
    <TldrawUiMenuSubmenu id="war-room-export" label="war-room.export">
      <TldrawUiMenuGroup id="war-room-export-audience">
        <TldrawUiMenuCheckboxItem
          id="war-room-export-customer"
          label="war-room.export.customer"
          readonlyOk
          checked={audience === 'customer'}
          onSelect={() => {
            exportAudienceSignal.set((audience === 'customer' ? 'team' : 'customer') as Audience)
          }}
        />
      </TldrawUiMenuGroup>
      <TldrawUiMenuGroup id="war-room-export-images">
        <TldrawUiMenuItem
          id="war-room-export-map-png"
          label="war-room.export.map-png"
          readonlyOk
          onSelect={image('png', 'map')}
        />
        <TldrawUiMenuItem
          id="war-room-export-map-svg"
          label="war-room.export.map-svg"
          readonlyOk
          onSelect={image('svg', 'map')}
        />
        <TldrawUiMenuItem
          id="war-room-export-selection-png"
          label="war-room.export.selection-png"
          readonlyOk
          disabled={!hasSelection}
          onSelect={image('png', 'selection')}
        />
        <TldrawUiMenuItem
          id="war-room-export-selection-svg"
          label="war-room.export.selection-svg"
          readonlyOk
          disabled={!hasSelection}
          onSelect={image('svg', 'selection')}
        />
      </TldrawUiMenuGroup>
      {frames.length > 0 && (
        <TldrawUiMenuSubmenu id="war-room-export-frames" label="war-room.export.frames">
          <TldrawUiMenuGroup id="war-room-export-frame-list">
            {frames.map((f) => (
              <TldrawUiMenuItem
                key={f.id}
                id={`war-room-export-frame-${f.id}`}
                label={{ default: f.name }}
                readonlyOk
                onSelect={image('png', { frame: f.id })}
              />
            ))}
          </TldrawUiMenuGroup>
        </TldrawUiMenuSubmenu>
      )}
      <TldrawUiMenuGroup id="war-room-export-pdf">
        <TldrawUiMenuItem
          id="war-room-export-pdf"
          label="war-room.export.pdf"
          readonlyOk
          onSelect={guarded(async () => {
            const blob = await exportPresentationPdf(editor, { audience, lang, plan })
            downloadBlob(blob, exportFileName(base, 'map', audience, 'pdf').replace('-map', '-presentation'))
          })}
        />
      </TldrawUiMenuGroup>
    </TldrawUiMenuSubmenu>
  )
}

/** tldraw's preferences, without the colour scheme (dark mode is not offered). */
function PreferencesGroup() {
  return (
    <TldrawUiMenuGroup id="preferences">
      <TldrawUiMenuSubmenu id="preferences" label="menu.preferences">
        <TldrawUiMenuGroup id="preferences-actions">
          <ToggleSnapModeItem />
          <ToggleToolLockItem />
          <ToggleGridItem />
          <ToggleWrapModeItem />
          <ToggleFocusModeItem />
          <ToggleEdgeScrollingItem />
          <ToggleDynamicSizeModeItem />
          <TogglePasteAtCursorItem />
          <ToggleDebugModeItem />
        </TldrawUiMenuGroup>
        <TldrawUiMenuGroup id="user-interface-submenus">
          <AccessibilityMenu />
          <InputModeMenu />
        </TldrawUiMenuGroup>
      </TldrawUiMenuSubmenu>
      <LanguageMenu />
      <KeyboardShortcutsMenuItem />
    </TldrawUiMenuGroup>
  )
}

/** The whole main menu; `insertTemplateActionId` is the shapes' template action. */
export function WarRoomMainMenu({ insertTemplateActionId }: { insertTemplateActionId: string }) {
  return (
    <DefaultMainMenu>
      <TldrawUiMenuGroup id="war-room">
        <TldrawUiMenuActionItem actionId={insertTemplateActionId} />
        <TldrawUiMenuActionItem actionId={PRESENT_ACTION} />
        <ExportSubmenu />
      </TldrawUiMenuGroup>
      <TldrawUiMenuGroup id="basic">
        <EditSubmenu />
        <ViewSubmenu />
        <ExtrasGroup />
      </TldrawUiMenuGroup>
      <PreferencesGroup />
    </DefaultMainMenu>
  )
}
