/**
 * The room's plan record, derived live on this page from the room's Y.Doc, and the small amount
 * of state the plan's surfaces share: whether the side panel is open and on which tab, and a
 * pending request to focus an account field (a finding about the account was clicked).
 * Everything that reads the plan (the panel, the badges on the canvas) goes through this context,
 * so the document is derived once per change, not once per reader.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import type * as Y from 'yjs'
import {
  derivePlanFromDoc,
  type Finding,
  type FindingSeverity,
  isoDateInTimeZone,
  type PlanRecord,
} from '../../shared/plan'
import { useSession } from '../auth/session'

/**
 * How long a change waits before the plan is derived again. A trailing throttle, not a debounce:
 * a drag that changes the document every frame still refreshes the plan several times a second.
 */
export const PLAN_THROTTLE_MS = 150

/** The findings on one shape, for its badge: how many, and the worst severity among them. */
export interface ShapeFindings {
  count: number
  worst: FindingSeverity
  findings: Finding[]
}

export type SidebarTab = 'plan' | 'account' | 'review'

export interface PlanContextValue {
  /** Null until a document is there to derive from. */
  plan: PlanRecord | null
  byShape: ReadonlyMap<string, ShapeFindings>
  sidebarOpen: boolean
  setSidebarOpen: (open: boolean) => void
  tab: SidebarTab
  setTab: (tab: SidebarTab) => void
  /** The account field to focus once the account tab shows it; `seq` tells repeated requests apart. */
  fieldRequest: { field: string; seq: number } | null
  /** Opens the account tab and focuses the field (`owner`, `competitors.2.name`, …). */
  focusAccountField: (field: string) => void
}

const SEVERITY_ORDER: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 }

/** Whichever of two severities weighs more. */
export function worseSeverity(a: FindingSeverity, b: FindingSeverity): FindingSeverity {
  return SEVERITY_ORDER[a] <= SEVERITY_ORDER[b] ? a : b
}

function groupByShape(findings: readonly Finding[]): Map<string, ShapeFindings> {
  const byShape = new Map<string, ShapeFindings>()
  for (const finding of findings) {
    if (!finding.shapeId) continue
    const entry = byShape.get(finding.shapeId)
    if (entry) {
      entry.count++
      entry.worst = worseSeverity(entry.worst, finding.severity)
      entry.findings.push(finding)
    } else {
      byShape.set(finding.shapeId, { count: 1, worst: finding.severity, findings: [finding] })
    }
  }
  return byShape
}

function derive(doc: Y.Doc, staleContactDays?: number): PlanRecord {
  // "Today" where the teams are (Asia/Shanghai), as the server's stored plan counts it.
  return derivePlanFromDoc(doc, { today: isoDateInTimeZone(new Date()), staleContactDays })
}

/**
 * The plan of `doc` as it is now, derived again at most every PLAN_THROTTLE_MS while the document
 * changes (local and remote edits alike), and once a minute so that "overdue" follows the date.
 */
export function useDerivedPlan(doc: Y.Doc | null, staleContactDays?: number): PlanRecord | null {
  const [plan, setPlan] = useState<PlanRecord | null>(() => (doc ? derive(doc, staleContactDays) : null))
  useEffect(() => {
    if (!doc) {
      setPlan(null)
      return
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = () => {
      timer = undefined
      setPlan(derive(doc, staleContactDays))
    }
    const schedule = () => {
      timer ??= setTimeout(run, PLAN_THROTTLE_MS)
    }
    run()
    doc.on('update', schedule)
    const clock = setInterval(schedule, 60_000)
    return () => {
      doc.off('update', schedule)
      clearInterval(clock)
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [doc, staleContactDays])
  return plan
}

const SIDEBAR_KEY = 'war-room.plan-sidebar'

/** Below this window width the panel starts collapsed, so a laptop screen keeps its canvas. */
export const SIDEBAR_OPEN_MIN_WIDTH = 1400

/** The person's last choice on this browser, else open on wide screens (a projector, a desktop). */
function initialSidebarOpen(): boolean {
  try {
    const saved = localStorage.getItem(SIDEBAR_KEY)
    if (saved === 'open' || saved === 'closed') return saved === 'open'
  } catch {
    // Storage can be unavailable (privacy modes); fall back to the screen's width.
  }
  return window.innerWidth >= SIDEBAR_OPEN_MIN_WIDTH
}

const PlanContext = createContext<PlanContextValue | null>(null)

export function PlanProvider({ doc, children }: { doc: Y.Doc | null; children: ReactNode }) {
  // The server's freshness limit (GET /api/me), so the live panel and the stored plan agree.
  const { session } = useSession()
  const plan = useDerivedPlan(doc, session.status === 'signed-in' ? session.staleContactDays : undefined)
  const byShape = useMemo(() => groupByShape(plan?.findings ?? []), [plan])
  const [sidebarOpen, setSidebarOpenState] = useState(initialSidebarOpen)
  const [tab, setTab] = useState<SidebarTab>('plan')
  const [fieldRequest, setFieldRequest] = useState<PlanContextValue['fieldRequest']>(null)

  const setSidebarOpen = useCallback((open: boolean) => {
    setSidebarOpenState(open)
    try {
      localStorage.setItem(SIDEBAR_KEY, open ? 'open' : 'closed')
    } catch {
      // Not remembering the choice is acceptable.
    }
  }, [])

  const focusAccountField = useCallback(
    (field: string) => {
      setSidebarOpen(true)
      setTab('account')
      setFieldRequest((previous) => ({ field, seq: (previous?.seq ?? 0) + 1 }))
    },
    [setSidebarOpen],
  )

  const value = useMemo<PlanContextValue>(
    () => ({ plan, byShape, sidebarOpen, setSidebarOpen, tab, setTab, fieldRequest, focusAccountField }),
    [plan, byShape, sidebarOpen, setSidebarOpen, tab, fieldRequest, focusAccountField],
  )
  return <PlanContext.Provider value={value}>{children}</PlanContext.Provider>
}

export function usePlanContext(): PlanContextValue {
  const value = useContext(PlanContext)
  if (!value) throw new Error('usePlanContext() needs a <PlanProvider> above it')
  return value
}

/** The same, or null outside a PlanProvider (the canvas overlay also renders in tldraw-only setups). */
export function useOptionalPlanContext(): PlanContextValue | null {
  return useContext(PlanContext)
}
