/**
 * The side panel beside the canvas: the live plan check (health score, overview, findings by
 * severity, exports) and the account fields, on two tabs. Collapsible to a narrow strip that
 * still shows the score, so a projected map can have the whole screen. Sized to be read from
 * the back of a meeting room.
 */
import type { Editor, TLShapeId } from 'tldraw'
import type * as Y from 'yjs'
import {
  FINDING_SEVERITIES,
  FINDING_SEVERITY_LABELS,
  type Finding,
  type FindingSeverity,
  type PlanRecord,
} from '../../shared/plan'
import { AccountPanel } from '../account/AccountPanel'
import { useLang, useT } from '../i18n'
import { ReviewPanel } from '../review/ReviewPanel'
import { SEVERITY_GLYPH } from './FindingBadges'
import { usePlanContext } from './PlanContext'
import './plan.css'

export interface PlanSidebarProps {
  accountId: string
  doc: Y.Doc
  /** Null until the editor has mounted; findings cannot take the user to a shape before that. */
  editor: Editor | null
  /** The account fields are read-only (a viewer, an archived account, or access not known yet). */
  readOnly: boolean
}

type HealthBand = 'good' | 'fair' | 'poor'

export function healthBand(score: number): HealthBand {
  return score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor'
}

/** Selects the finding's shape and brings it into view, on whichever page it is. */
export function goToShape(editor: Editor, shapeId: string): boolean {
  const id = shapeId as TLShapeId
  const shape = editor.getShape(id)
  if (!shape) return false
  const pageId = editor.getAncestorPageId(shape)
  if (pageId && pageId !== editor.getCurrentPageId()) editor.setCurrentPage(pageId)
  editor.setCurrentTool('select')
  editor.select(id)
  const bounds = editor.getShapePageBounds(id)
  // At most 100 %: a small card is brought to reading size, not blown up to fill the screen.
  if (bounds) editor.zoomToBounds(bounds, { targetZoom: 1, animation: { duration: 250 } })
  // Back to the canvas, so the keyboard acts on the selection (Delete, arrows, Escape).
  editor.focus()
  return true
}

export function PlanSidebar({ accountId, doc, editor, readOnly }: PlanSidebarProps) {
  const t = useT()
  const { plan, sidebarOpen, setSidebarOpen, tab, setTab, fieldRequest } = usePlanContext()

  if (!sidebarOpen) {
    return (
      <aside
        className="wr-plan wr-plan--collapsed"
        data-testid="wr-plan-sidebar"
        data-open="false"
        aria-label={t('plan.sidebar.label')}
      >
        <button
          type="button"
          className="wr-plan__expand"
          onClick={() => setSidebarOpen(true)}
          title={t('plan.sidebar.expand')}
          aria-label={t('plan.sidebar.expand')}
          data-testid="wr-plan-toggle"
        >
          <span className="wr-plan__expand-arrow" aria-hidden="true">
            «
          </span>
          {plan && (
            <span className={`wr-plan__mini-score wr-health--${healthBand(plan.metrics.healthScore)}`}>
              {plan.metrics.healthScore}
            </span>
          )}
          {plan &&
            (['error', 'warning'] as const).map(
              (severity) =>
                plan.metrics.findings[severity] > 0 && (
                  <span key={severity} className={`wr-plan__mini-count wr-sev--${severity}`}>
                    {plan.metrics.findings[severity]}
                  </span>
                ),
            )}
          <span className="wr-plan__expand-label">{t('plan.sidebar.label')}</span>
        </button>
      </aside>
    )
  }

  return (
    <aside className="wr-plan" data-testid="wr-plan-sidebar" data-open="true" aria-label={t('plan.sidebar.label')}>
      <header className="wr-plan__header">
        <div className="wr-plan__tabs" role="tablist">
          {(['plan', 'account', 'review'] as const).map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`wr-plan-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`wr-plan-tabpanel-${id}`}
              className="wr-plan__tab"
              data-testid={`wr-plan-tab-${id}`}
              onClick={() => setTab(id)}
            >
              {t(`plan.tab.${id}`)}
              {id === 'plan' && plan && plan.metrics.findings.error > 0 && (
                <span className="wr-plan__tab-count wr-sev--error">{plan.metrics.findings.error}</span>
              )}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="wr-plan__collapse"
          onClick={() => setSidebarOpen(false)}
          title={t('plan.sidebar.collapse')}
          aria-label={t('plan.sidebar.collapse')}
          data-testid="wr-plan-toggle"
        >
          »
        </button>
      </header>
      <div
        className="wr-plan__body"
        role="tabpanel"
        id={`wr-plan-tabpanel-${tab}`}
        aria-labelledby={`wr-plan-tab-${tab}`}
      >
        {tab === 'plan' ? (
          plan && <PlanCheck plan={plan} accountId={accountId} editor={editor} />
        ) : tab === 'review' ? (
          <ReviewPanel editor={editor} />
        ) : (
          <AccountPanel doc={doc} readOnly={readOnly} focusRequest={fieldRequest} />
        )}
      </div>
    </aside>
  )
}

function PlanCheck({ plan, accountId, editor }: { plan: PlanRecord; accountId: string; editor: Editor | null }) {
  const t = useT()
  const { lang } = useLang()
  const { metrics } = plan
  const band = healthBand(metrics.healthScore)
  return (
    <div className="wr-plan__check" data-testid="wr-plan-panel">
      <section className={`wr-health wr-health--${band}`} aria-label={t('plan.health')}>
        <span className="wr-health__score" data-testid="wr-health-score">
          {metrics.healthScore}
        </span>
        <span className="wr-health__text">
          <span className="wr-health__label">{t('plan.health')}</span>
          <span className="wr-health__band">{t(`plan.health.${band}`)}</span>
        </span>
        <span className="wr-health__counts">
          {FINDING_SEVERITIES.map((severity) => (
            <span
              key={severity}
              className={`wr-health__count wr-sev--${severity}`}
              data-testid={`wr-count-${severity}`}
              title={`${FINDING_SEVERITY_LABELS[severity][lang]} ${metrics.findings[severity]}`}
            >
              {metrics.findings[severity]}
            </span>
          ))}
        </span>
      </section>
      <Metrics plan={plan} />
      <Findings findings={plan.findings} editor={editor} />
      <Exports accountId={accountId} />
    </div>
  )
}

function Metrics({ plan }: { plan: PlanRecord }) {
  const t = useT()
  const { counts, decisionChain: chain, openBlockers, untargetedBlockers, overdueActions } = plan.metrics
  const coverage = chain.keyRelationshipCoverage
  const tiles: { key: string; label: string; value: number; alert?: boolean; note?: string }[] = [
    { key: 'stakeholders', label: t('plan.metrics.stakeholders'), value: counts.stakeholders },
    { key: 'factions', label: t('plan.metrics.factions'), value: counts.factions },
    { key: 'blockers', label: t('plan.metrics.blockers'), value: counts.blockers },
    { key: 'actions', label: t('plan.metrics.actions'), value: counts.actions },
    {
      key: 'openBlockers',
      label: t('plan.metrics.openBlockers'),
      value: openBlockers,
      alert: untargetedBlockers > 0,
      note: untargetedBlockers > 0 ? t('plan.metrics.untargetedBlockers', { count: untargetedBlockers }) : undefined,
    },
    {
      key: 'overdueActions',
      label: t('plan.metrics.overdueActions'),
      value: overdueActions,
      alert: overdueActions > 0,
    },
  ]
  return (
    <section className="wr-metrics" aria-label={t('plan.metrics.title')}>
      <div className="wr-metrics__grid">
        {tiles.map((tile) => (
          <div
            key={tile.key}
            className={`wr-metric${tile.alert ? ' wr-metric--alert' : ''}`}
            data-testid={`wr-metric-${tile.key}`}
          >
            <span className="wr-metric__value">{tile.value}</span>
            <span className="wr-metric__label">{tile.label}</span>
            {tile.note && <span className="wr-metric__note">{tile.note}</span>}
          </div>
        ))}
      </div>
      <div className="wr-chain" data-testid="wr-metric-chain">
        <span className="wr-chain__label">{t('plan.metrics.chain')}</span>
        {(['kdm', 'ki', 'ku'] as const).map((role) => (
          <span key={role} className={`wr-chain__role${chain.rolesPresent[role] ? ' wr-chain__role--present' : ''}`}>
            <span aria-hidden="true">{chain.rolesPresent[role] ? '✓' : '✗'}</span> {role.toUpperCase()} {chain[role]}
          </span>
        ))}
        <span className="wr-chain__coverage">
          {coverage === null
            ? t('plan.metrics.relationshipCoverageNone')
            : t('plan.metrics.relationshipCoverage', { percent: `${Math.round(coverage * 100)}%` })}
        </span>
      </div>
    </section>
  )
}

function Findings({ findings, editor }: { findings: Finding[]; editor: Editor | null }) {
  const t = useT()
  const { lang } = useLang()
  const { focusAccountField } = usePlanContext()
  const groups = FINDING_SEVERITIES.map((severity) => ({
    severity,
    items: findings.filter((f) => f.severity === severity),
  })).filter((g) => g.items.length > 0)

  const target = (finding: Finding): 'shape' | 'field' | null =>
    finding.shapeId ? 'shape' : finding.field && finding.code.startsWith('account.') ? 'field' : null

  const open = (finding: Finding) => {
    if (finding.shapeId) {
      if (editor) goToShape(editor, finding.shapeId)
    } else if (finding.field) {
      focusAccountField(finding.field)
    }
  }

  return (
    <section className="wr-findings" aria-label={t('plan.findings.title')}>
      <h3 className="wr-plan__heading">{t('plan.findings.title')}</h3>
      {groups.length === 0 && (
        <p className="wr-findings__none" data-testid="wr-findings-none">
          {t('plan.findings.none')}
        </p>
      )}
      {groups.map(({ severity, items }) => (
        <div
          key={severity}
          className={`wr-findings__group wr-sev--${severity}`}
          data-testid={`wr-findings-${severity}`}
        >
          <h4 className="wr-findings__group-title">
            <SeverityMark severity={severity} />
            {FINDING_SEVERITY_LABELS[severity][lang]} <span className="wr-findings__group-count">{items.length}</span>
          </h4>
          <ul>
            {items.map((finding, i) => {
              const kind = target(finding)
              const body = (
                <>
                  <span className="wr-finding__message">{finding.message[lang]}</span>
                  {kind && (
                    <span className="wr-finding__go">
                      {t(kind === 'shape' ? 'plan.finding.goToShape' : 'plan.finding.goToField')} →
                    </span>
                  )}
                </>
              )
              const data = {
                'data-testid': 'wr-finding',
                'data-code': finding.code,
                'data-severity': finding.severity,
                'data-shape-id': finding.shapeId,
                'data-field': finding.field,
              }
              return (
                <li key={`${finding.code}:${finding.shapeId ?? ''}:${finding.field ?? ''}:${i}`}>
                  {kind ? (
                    <button
                      type="button"
                      className={`wr-finding wr-sev--${severity}`}
                      onClick={() => open(finding)}
                      {...data}
                    >
                      {body}
                    </button>
                  ) : (
                    <div className={`wr-finding wr-sev--${severity}`} {...data}>
                      {body}
                    </div>
                  )}
                </li>
              )
            })}
          </ul>
        </div>
      ))}
    </section>
  )
}

function SeverityMark({ severity }: { severity: FindingSeverity }) {
  return (
    <span className={`wr-sevmark wr-sevmark--${severity}`} aria-hidden="true">
      {SEVERITY_GLYPH[severity]}
    </span>
  )
}

function Exports({ accountId }: { accountId: string }) {
  const t = useT()
  const { lang } = useLang()
  const base = `/api/accounts/${encodeURIComponent(accountId)}`
  const links = [
    { key: 'markdown', href: `${base}/plan.md?lang=${lang}`, label: t('plan.export.markdown') },
    { key: 'actions', href: `${base}/actions.csv?lang=${lang}`, label: t('plan.export.actions') },
    { key: 'stakeholders', href: `${base}/stakeholders.csv?lang=${lang}`, label: t('plan.export.stakeholders') },
    {
      key: 'stakeholders-xlsx',
      href: `${base}/stakeholders.xlsx?lang=${lang}`,
      label: t('plan.export.stakeholdersXlsx'),
    },
    // The customer-safe variant (对客版, shared/audience.ts).
    {
      key: 'markdown-customer',
      href: `${base}/plan.md?lang=${lang}&audience=customer`,
      label: t('present.export.customerMarkdown'),
    },
  ]
  return (
    <section className="wr-exports" aria-label={t('plan.export.title')}>
      <h3 className="wr-plan__heading">{t('plan.export.title')}</h3>
      <div className="wr-exports__links">
        {links.map((link) => (
          <a
            key={link.key}
            href={link.href}
            download
            className="wr-exports__link"
            data-testid={`wr-export-${link.key}`}
          >
            ⤓ {link.label}
          </a>
        ))}
      </div>
      <p className="wr-plan__hint">{t('plan.export.hint')}</p>
    </section>
  )
}
