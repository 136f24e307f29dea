/**
 * The review tab of the plan panel (复盘): start this month's review, the health trend over the
 * reviews, and "what changed since <review>" grouped like the summary the meeting reads first.
 * Each change takes you to its shape; a shape removed since is listed under its old name.
 */
import { type FormEvent, useState } from 'react'
import type { Editor } from 'tldraw'
import { isoDateInTimeZone } from '../../shared/plan/dates'
import { STAGE_LABELS } from '../../shared/plan/labels'
import { CHANGE_ENTITIES, type Change, type ChangeEntity, type ChangeSummary } from '../../shared/review/types'
import type { FunnelStage } from '../../shared/shapes/types'
import { errorText } from '../auth/api'
import { type MessageKey, useLang, useT } from '../i18n'
import { usePlanContext } from '../plan/PlanContext'
import { goToShape } from '../plan/PlanSidebar'
import { navigate } from '../router'
import { reviewsApi } from './api'
import { markFor } from './marks'
import { useReviewContext } from './ReviewContext'
import { ScoreTrend, type TrendPoint } from './ScoreTrend'
import './review.css'

const day = (iso: string) => isoDateInTimeZone(new Date(iso))

export function ReviewPanel({ editor }: { editor: Editor | null }) {
  const t = useT()
  const { plan } = usePlanContext()
  const review = useReviewContext()
  const { reviews, since, diff, error } = review

  const points: TrendPoint[] = [...(reviews ?? [])]
    .reverse()
    .map((r): TrendPoint => ({ label: day(r.at).slice(5), score: r.score }))
    .concat(plan ? [{ label: t('review.trend.now'), score: plan.metrics.healthScore, live: true }] : [])

  return (
    <div className="wr-review" data-testid="wr-review-panel">
      <TakeReview />
      {error && (
        <p className="wr-error" role="alert">
          {t('review.error', { message: error })}
        </p>
      )}
      {reviews && reviews.length > 0 && <ScoreTrend points={points} />}
      {reviews && reviews.length === 0 && <p className="wr-plan__hint">{t('review.list.none')}</p>}
      {since && (
        <section
          className="wr-review__since"
          aria-label={t('review.since.title', { title: since.title, date: day(since.at) })}
        >
          <label className="wr-review__pick">
            {t('review.since.label')}
            <select value={since.id} onChange={(e) => review.setSinceId(e.target.value)} data-testid="wr-review-since">
              {reviews?.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.title} · {day(r.at)}
                </option>
              ))}
            </select>
          </label>
          <h3 className="wr-plan__heading" data-testid="wr-review-since-title">
            {t('review.since.title', { title: since.title, date: day(since.at) })}
          </h3>
          {diff ? (
            <>
              <Summary summary={diff.summary} />
              <ChangeGroups changes={diff.changes} editor={editor} />
            </>
          ) : (
            <p className="wr-plan__hint">{t('review.since.loading')}</p>
          )}
          <ReviewLinks />
        </section>
      )}
    </div>
  )
}

function TakeReview() {
  const t = useT()
  const review = useReviewContext()
  const [title, setTitle] = useState('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const placeholder = `${isoDateInTimeZone().slice(0, 7)} 复盘`

  if (!review.canTake) return <p className="wr-plan__hint">{t('review.take.readOnly')}</p>

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    try {
      const taken = await reviewsApi.take(review.accountId, { title: title.trim() || placeholder, note })
      setTitle('')
      setNote('')
      setMessage({ ok: true, text: t('review.take.done', { title: taken.title }) })
      const before = review.reviews?.[0]
      await review.refresh()
      // Straight after freezing, the meeting asks what moved since the review before it.
      if (before) review.setSinceId(before.id)
    } catch (e) {
      setMessage({ ok: false, text: t('review.error', { message: errorText(e) }) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="wr-review__take" onSubmit={submit} data-testid="wr-review-take">
      <h3 className="wr-plan__heading">{t('review.take.title')}</h3>
      <p className="wr-plan__hint">{t('review.take.hint')}</p>
      <label className="wr-review__field">
        {t('review.take.name')}
        <input
          value={title}
          maxLength={200}
          placeholder={placeholder}
          onChange={(e) => setTitle(e.target.value)}
          data-testid="wr-review-title"
        />
      </label>
      <label className="wr-review__field">
        {t('review.take.note')}
        <textarea value={note} maxLength={5000} rows={2} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" className="wr-button" disabled={busy} data-testid="wr-review-submit">
        {busy ? t('review.take.busy') : t('review.take.submit')}
      </button>
      {message && (
        <span className={message.ok ? 'wr-ok' : 'wr-error'} role="status" data-testid="wr-review-message">
          {message.text}
        </span>
      )}
    </form>
  )
}

const SUMMARY_TILES: { key: keyof ChangeSummary; label: MessageKey; good?: boolean; bad?: boolean }[] = [
  { key: 'blockersCleared', label: 'review.summary.blockersCleared', good: true },
  { key: 'blockersOpened', label: 'review.summary.blockersOpened', bad: true },
  { key: 'actionsDone', label: 'review.summary.actionsDone', good: true },
  { key: 'actionsFailed', label: 'review.summary.actionsFailed', bad: true },
  { key: 'actionsOverdue', label: 'review.summary.actionsOverdue', bad: true },
  { key: 'relationshipsImproved', label: 'review.summary.relationshipsImproved', good: true },
  { key: 'relationshipsWorsened', label: 'review.summary.relationshipsWorsened', bad: true },
]

function stageLabel(stage: string, lang: 'zh' | 'en') {
  return stage ? (STAGE_LABELS[stage as FunnelStage]?.[lang] ?? stage) : '—'
}

function Summary({ summary }: { summary: ChangeSummary }) {
  const t = useT()
  const { lang } = useLang()
  const delta = summary.score.to - summary.score.from
  return (
    <div className="wr-review__summary" data-testid="wr-review-summary">
      <div className="wr-review__headline">
        <span className="wr-review__score" data-testid="wr-review-score">
          {t('review.summary.score')} {summary.score.from} → <strong>{summary.score.to}</strong>
          <span className={`wr-delta wr-delta--${delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat'}`}>
            {delta > 0 ? `↑${delta}` : delta < 0 ? `↓${-delta}` : '±0'}
          </span>
        </span>
        <span className="wr-review__stage">
          {t('review.summary.stage')} {stageLabel(summary.stage.from, lang)}
          {summary.stage.from !== summary.stage.to && <> → {stageLabel(summary.stage.to, lang)}</>}
        </span>
      </div>
      <div className="wr-review__tiles">
        {SUMMARY_TILES.map((tile) => {
          const value = summary[tile.key] as number
          const tone = value === 0 ? '' : tile.good ? ' wr-review__tile--good' : tile.bad ? ' wr-review__tile--bad' : ''
          return (
            <div key={tile.key} className={`wr-review__tile${tone}`} data-testid={`wr-summary-${tile.key}`}>
              <span className="wr-review__tile-value">{value}</span>
              <span className="wr-review__tile-label">{t(tile.label)}</span>
            </div>
          )
        })}
      </div>
    </div>
  )
}

function ChangeGroups({ changes, editor }: { changes: Change[]; editor: Editor | null }) {
  const t = useT()
  const { lang } = useLang()
  const { focusAccountField } = usePlanContext()
  if (changes.length === 0) {
    return (
      <p className="wr-findings__none" data-testid="wr-changes-none">
        {t('review.changes.none')}
      </p>
    )
  }
  const groups = CHANGE_ENTITIES.map((entity) => ({
    entity,
    items: changes.filter((c) => c.entity === entity),
  })).filter((g) => g.items.length > 0)
  const exists = (id: string) => Boolean(editor?.getShape(id as never))
  return (
    <div className="wr-review__changes">
      {groups.map(({ entity, items }) => (
        <div key={entity} className="wr-review__group" data-testid={`wr-changes-${entity}`}>
          <h4 className="wr-findings__group-title">
            {t(`review.group.${entity as ChangeEntity}` as MessageKey)}{' '}
            <span className="wr-findings__group-count">{items.length}</span>
          </h4>
          <ul>
            {items.map((c, i) => {
              const removed = c.code.endsWith('.removed')
              const mark = markFor([c], t, lang)
              const target =
                c.id.startsWith('shape:') && !removed && exists(c.id)
                  ? 'shape'
                  : c.entity === 'account'
                    ? 'field'
                    : null
              const body = (
                <>
                  {mark && !removed && (
                    <span className={`wr-mark wr-mark--inline wr-mark--${mark.tone}`}>{mark.text}</span>
                  )}
                  {removed && (
                    <span className="wr-mark wr-mark--inline wr-mark--removed">{t('review.changes.removed')}</span>
                  )}
                  <span className="wr-finding__message">{c.message[lang]}</span>
                  {target && <span className="wr-finding__go">{t('review.changes.goTo')} →</span>}
                </>
              )
              const data = { 'data-testid': 'wr-change', 'data-code': c.code, 'data-shape-id': c.id }
              return (
                <li key={`${c.code}:${c.id}:${c.finding?.code ?? ''}:${i}`}>
                  {target ? (
                    <button
                      type="button"
                      className="wr-finding wr-review__change"
                      onClick={() => {
                        if (target === 'shape' && editor) goToShape(editor, c.id)
                        else if (target === 'field') focusAccountField(c.id)
                      }}
                      {...data}
                    >
                      {body}
                    </button>
                  ) : (
                    <div
                      className={`wr-finding wr-review__change${removed ? ' wr-review__change--removed' : ''}`}
                      {...data}
                    >
                      {body}
                    </div>
                  )}
                </li>
              )
            })}
          </ul>
        </div>
      ))}
    </div>
  )
}

function ReviewLinks() {
  const t = useT()
  const { lang } = useLang()
  const review = useReviewContext()
  const since = review.since!
  const frozenPath = `/a/${encodeURIComponent(review.accountId)}/reviews/${encodeURIComponent(since.id)}`
  const go = (path: string) => (event: React.MouseEvent) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    navigate(path)
  }
  const remove = async () => {
    if (!window.confirm(t('review.delete.confirm', { title: since.title }))) return
    await reviewsApi.remove(review.accountId, since.id)
    await review.refresh()
  }
  return (
    <div className="wr-exports__links wr-review__links">
      <a href={frozenPath} className="wr-exports__link" onClick={go(frozenPath)} data-testid="wr-review-open">
        {t('review.open.frozen')}
      </a>
      <a
        href={`${frozenPath}?beside=live`}
        className="wr-exports__link"
        onClick={go(`${frozenPath}?beside=live`)}
        data-testid="wr-review-beside"
      >
        ⇆ {t('review.open.beside')}
      </a>
      <a href={reviewsApi.reportUrl(review.accountId, since.id, lang)} download className="wr-exports__link">
        ⤓ {t('review.open.report')}
      </a>
      <a
        href={reviewsApi.reportUrl(review.accountId, since.id, lang, 'customer')}
        download
        className="wr-exports__link"
      >
        ⤓ {t('review.open.customerReport')}
      </a>
      {review.canDelete && (
        <button type="button" className="wr-button wr-button--quiet wr-button--danger" onClick={() => void remove()}>
          {t('review.delete')}
        </button>
      )}
    </div>
  )
}
