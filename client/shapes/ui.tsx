/**
 * War Room's additions to tldraw's UI: a toolbar tool (with a shortcut) per shape,
 * the "insert template" action, the inspector in the style-panel slot and the
 * prompt on an empty page.
 */
import { useEffect } from 'react'
import {
  ArrowToolbarItem,
  AssetToolbarItem,
  DefaultToolbar,
  DrawToolbarItem,
  EllipseToolbarItem,
  EraserToolbarItem,
  FrameToolbarItem,
  HandToolbarItem,
  HighlightToolbarItem,
  LaserToolbarItem,
  LineToolbarItem,
  NoteToolbarItem,
  RectangleToolbarItem,
  SelectToolbarItem,
  TextToolbarItem,
  type TLComponents,
  type TLUiOverrides,
  ToolbarItem,
  useEditor,
  useValue,
} from 'tldraw'
import { WAR_ROOM_SHAPE_TYPES, type WarRoomShapeType } from '../../shared/shapes/types'
import { WarRoomMainMenu } from '../export/ExportMenu'
import { type Lang, useLang, useT } from '../i18n'
import { WarRoomStylePanel } from './Inspector'
import { registerRelationSideEffects } from './relations'
import { insertTemplate } from './template'

export const INSERT_TEMPLATE_ACTION = 'war-room.insert-template'

/** Keyboard shortcuts: letters tldraw leaves free (s takeholder, c amp, j am, w ar action). */
export const TOOL_SHORTCUTS: Record<WarRoomShapeType, string> = {
  stakeholder: 's',
  faction: 'c',
  blocker: 'j',
  action: 'w',
}

const ICON_PATHS: Record<WarRoomShapeType, string> = {
  // A person.
  stakeholder: 'M9 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-5.5 7c0-3 2.5-5 5.5-5s5.5 2 5.5 5',
  // A box around people.
  faction:
    'M2 3h14v12H2Z M6.5 8.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3Zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3ZM4 13c0-2 1.2-3 2.5-3S9 11 9 13m0 0c0-2 1.2-3 2.5-3s2.5 1 2.5 3',
  // A stop sign.
  blocker: 'M6 1.5h6L16.5 6v6L12 16.5H6L1.5 12V6Z M5 9h8',
  // A target.
  action:
    'M9 16a7 7 0 1 0 0-14 7 7 0 0 0 0 14Zm0-3.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm0-2.5a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z',
}

function ToolIcon({ type }: { type: WarRoomShapeType }) {
  return (
    <div className="wr-tool-icon">
      <svg
        viewBox="0 0 18 18"
        width="18"
        height="18"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinejoin="round"
        strokeLinecap="round"
      >
        <path d={ICON_PATHS[type]} />
      </svg>
    </div>
  )
}

/** The current UI language as tldraw holds it (the client keeps it in step with ours). */
function langOf(editor: { user: { getLocale(): string } }): Lang {
  return editor.user.getLocale().startsWith('en') ? 'en' : 'zh'
}

export const warRoomUiOverrides: TLUiOverrides = {
  tools(editor, tools) {
    for (const type of WAR_ROOM_SHAPE_TYPES) {
      tools[type] = {
        id: type,
        label: `tool.${type}`,
        icon: <ToolIcon type={type} />,
        kbd: TOOL_SHORTCUTS[type],
        onSelect: () => editor.setCurrentTool(type),
      }
    }
    return tools
  },
  actions(editor, actions) {
    actions[INSERT_TEMPLATE_ACTION] = {
      id: INSERT_TEMPLATE_ACTION,
      label: 'action.war-room.insert-template',
      readonlyOk: false,
      onSelect: () => {
        insertTemplate(editor, langOf(editor))
      },
    }
    return actions
  },
  translations: {
    'zh-cn': {
      'tool.stakeholder': '决策链角色',
      'tool.faction': '派系',
      'tool.blocker': '卡点',
      'tool.action': '行动项',
      'action.war-room.insert-template': '插入决策链模板',
    },
    en: {
      'tool.stakeholder': 'Stakeholder',
      'tool.faction': 'Faction',
      'tool.blocker': 'Blocker',
      'tool.action': 'Action',
      'action.war-room.insert-template': 'Insert decision-chain template',
    },
  },
}

/**
 * Our four tools right after select and hand, then tldraw's usual order. Twelve
 * items fit before the overflow menu, so the common drawing tools stay one click away.
 */
function WarRoomToolbar() {
  return (
    <DefaultToolbar maxItems={12} maxSizePx={640}>
      <SelectToolbarItem />
      <HandToolbarItem />
      {WAR_ROOM_SHAPE_TYPES.map((type) => (
        <ToolbarItem key={type} tool={type} />
      ))}
      <DrawToolbarItem />
      <EraserToolbarItem />
      <ArrowToolbarItem />
      <TextToolbarItem />
      <NoteToolbarItem />
      <AssetToolbarItem />
      <RectangleToolbarItem />
      <EllipseToolbarItem />
      <FrameToolbarItem />
      <LineToolbarItem />
      <HighlightToolbarItem />
      <LaserToolbarItem />
    </DefaultToolbar>
  )
}

function MainMenu() {
  return <WarRoomMainMenu insertTemplateActionId={INSERT_TEMPLATE_ACTION} />
}

/**
 * Where the relation side effects live, since it exists exactly while an editor is mounted.
 * (Relation labels are drawn by the arrow itself: RelationArrowShapeUtil.)
 */
function WarRoomCanvasLayer() {
  const editor = useEditor()
  useEffect(() => registerRelationSideEffects(editor), [editor])
  return null
}

/** On an empty page: where to start, with the template one click away. */
function EmptyPagePrompt() {
  const editor = useEditor()
  const t = useT()
  const { lang } = useLang()
  const isEmpty = useValue('war-room page is empty', () => editor.getCurrentPageShapeIds().size === 0, [editor])
  const isReadonly = useValue('war-room readonly', () => editor.getIsReadonly(), [editor])
  if (!isEmpty || isReadonly) return null
  return (
    <div className="wr-empty" data-testid="wr-empty-prompt">
      <h2>{t('template.emptyTitle')}</h2>
      <p>{t('template.emptyBody')}</p>
      <button
        type="button"
        className="wr-empty__button"
        data-testid="wr-insert-template"
        onClick={() => insertTemplate(editor, lang)}
      >
        {t('template.insert')}
      </button>
    </div>
  )
}

export const warRoomComponents: TLComponents = {
  Toolbar: WarRoomToolbar,
  MainMenu,
  StylePanel: WarRoomStylePanel,
  OnTheCanvas: WarRoomCanvasLayer,
  InFrontOfTheCanvas: EmptyPagePrompt,
}
