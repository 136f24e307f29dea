/**
 * Dot voting on the canvas. The open vote and closed results come from the document's `votes`
 * map (written by the server only); one's own ballot from `GET /api/accounts/:id/votes/:voteId`,
 * changed with `PUT …/ballot`. Nobody sees others' dots until the vote closes; then each counted
 * card shows its rank, and a results card lists the ranking.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { type TLShapeId, useEditor, useValue } from 'tldraw'
import type { VoteRoutes } from '../../server/http/votes'
import type { Param } from '../../shared/i18n'
import {
  type DocVote,
  lastVoteRanks,
  rankCounts,
  readDocVotes,
  VOTABLE_TYPES,
  VOTES_MAP,
  type VotableType,
} from '../../shared/live/votes'
import { SHAPE_TYPE_LABELS } from '../../shared/shapes/labels'
import { call, errorText, typedClient } from '../auth/api'
import { ClosablePanel } from '../ClosablePanel'
import { useLang, useT } from '../i18n'
import { useOptionalLive } from './LiveContext'

/** The typed client of the vote routes (server/http/votes.ts). */
const votesApi = typedClient<VoteRoutes>().api.accounts[':id'].votes
const votePath = (accountId: string, rest = '') => `/api/accounts/${encodeURIComponent(accountId)}/votes${rest}`

export function useDocVotes(): DocVote[] {
  const live = useOptionalLive()
  const doc = live?.doc
  const [votes, setVotes] = useState<DocVote[]>(() => (doc ? readDocVotes(doc.getMap(VOTES_MAP).toJSON()) : []))
  useEffect(() => {
    if (!doc) return
    const map = doc.getMap<unknown>(VOTES_MAP)
    const read = () => setVotes(readDocVotes(map.toJSON()))
    read()
    map.observe(read)
    return () => map.unobserve(read)
  }, [doc])
  return votes
}

/** The caller's own ballot in the open vote, kept in step with the server. */
function useMyBallot(accountId: string | undefined, vote: DocVote | undefined, enabled: boolean) {
  const [ballot, setBallot] = useState<string[]>([])
  const [error, setError] = useState<Param | null>(null)
  const voteId = vote?.id
  useEffect(() => {
    setBallot([])
    if (!accountId || !voteId || !enabled) return
    let cancelled = false
    call(votesApi[':voteId'].$get({ param: { id: accountId, voteId } }), votePath(accountId, `/${voteId}`))
      .then((r) => !cancelled && setBallot(r.vote.myBallot))
      .catch(() => {})
    return () => {
      cancelled = true
    }
  }, [accountId, voteId, enabled])
  const pending = useRef(Promise.resolve())
  const toggle = useCallback(
    (shapeId: string) => {
      if (!accountId || !voteId) return
      setBallot((current) => {
        const next = current.includes(shapeId) ? current.filter((id) => id !== shapeId) : [...current, shapeId]
        if (vote && next.length > vote.votesPerPerson) return current
        // Ballots are written one after the other, each replacing the previous.
        pending.current = pending.current.then(() =>
          call(
            votesApi[':voteId'].ballot.$put({ param: { id: accountId, voteId }, json: { shapeIds: next } }),
            votePath(accountId, `/${voteId}/ballot`),
          ).then(
            (r) => {
              setError(null)
              setBallot(r.shapeIds)
            },
            (e: unknown) => {
              setError(errorText(e))
              setBallot(current)
            },
          ),
        )
        return next
      })
    },
    [accountId, voteId, vote],
  )
  return { ballot, toggle, error }
}

/** Room bar: start a vote (editors and owners), or the open vote's close button. */
export function VoteControl() {
  const t = useT()
  const { lang } = useLang()
  const live = useOptionalLive()
  const votes = useDocVotes()
  const openVote = votes.find((v) => v.status === 'open')
  const [formOpen, setFormOpen] = useState(false)
  const [question, setQuestion] = useState('')
  const [types, setTypes] = useState<VotableType[]>(['blocker'])
  const [perPerson, setPerPerson] = useState(3)
  const [error, setError] = useState<Param | null>(null)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!formOpen) return
    const onDown = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) setFormOpen(false)
    }
    window.addEventListener('pointerdown', onDown, true)
    return () => window.removeEventListener('pointerdown', onDown, true)
  }, [formOpen])
  if (!live?.canLead || openVote) return null

  const submit = async () => {
    try {
      const json = {
        question: question.trim() || t('live.vote.defaultQuestion'),
        shapeTypes: types,
        votesPerPerson: perPerson,
      }
      await call(votesApi.$post({ param: { id: live.accountId }, json }), votePath(live.accountId))
      setFormOpen(false)
      setError(null)
    } catch (e) {
      setError(errorText(e))
    }
  }

  return (
    <div className="wr-live-pop" ref={ref}>
      <button
        type="button"
        className="wr-button wr-live-btn"
        data-testid="vote-new"
        onClick={() => setFormOpen((o) => !o)}
      >
        ● {t('live.vote.button')}
      </button>
      {formOpen && (
        <form
          className="wr-live-panel wr-vote-form"
          data-testid="vote-form"
          onSubmit={(e) => {
            e.preventDefault()
            void submit()
          }}
        >
          <h2 className="wr-live-panel__title">{t('live.vote.title')}</h2>
          <label className="wr-live-field">
            <span>{t('live.vote.question')}</span>
            <input
              value={question}
              maxLength={200}
              placeholder={t('live.vote.defaultQuestion')}
              data-testid="vote-question"
              onChange={(e) => setQuestion(e.target.value)}
            />
          </label>
          <fieldset className="wr-live-field">
            <legend>{t('live.vote.types')}</legend>
            {VOTABLE_TYPES.map((type) => (
              <label key={type} className="wr-live-check">
                <input
                  type="checkbox"
                  checked={types.includes(type)}
                  data-testid={`vote-type-${type}`}
                  onChange={(e) => setTypes((ts) => (e.target.checked ? [...ts, type] : ts.filter((x) => x !== type)))}
                />
                {SHAPE_TYPE_LABELS[type][lang]}
              </label>
            ))}
          </fieldset>
          <label className="wr-live-field">
            <span>{t('live.vote.perPerson')}</span>
            <input
              type="number"
              min={1}
              max={10}
              value={perPerson}
              data-testid="vote-per-person"
              onChange={(e) => setPerPerson(Math.max(1, Math.min(10, Number(e.target.value) || 1)))}
            />
          </label>
          {error !== null && <p className="wr-error">{t('live.vote.error', { message: error })}</p>}
          <button type="submit" className="wr-button" data-testid="vote-start" disabled={types.length === 0}>
            {t('live.vote.open')}
          </button>
        </form>
      )}
    </div>
  )
}

/** The open vote's bar, the dots on the cards, the ranks and the results card. */
export function VoteLayer() {
  const t = useT()
  const live = useOptionalLive()
  const editor = useEditor()
  const votes = useDocVotes()
  const openVote = votes.find((v) => v.status === 'open')
  const { ballot, toggle, error } = useMyBallot(live?.accountId, openVote, Boolean(live?.canVote))
  const [dismissed, setDismissed] = useState<string | null>(null)

  const countable = useValue('war-room votable cards', () => {
    if (!openVote) return []
    const pageId = editor.getCurrentPageId()
    const result: { id: string; x: number; y: number }[] = []
    for (const shape of editor.getCurrentPageShapes()) {
      if (!openVote.shapeTypes.includes(shape.type as VotableType)) continue
      if (editor.getAncestorPageId(shape) !== pageId) continue
      const bounds = editor.getShapePageBounds(shape)
      if (!bounds) continue
      const corner = editor.pageToViewport({ x: bounds.maxX, y: bounds.maxY })
      result.push({ id: shape.id, x: corner.x, y: corner.y })
    }
    return result
  }, [editor, openVote])

  const ranks = useMemo(() => lastVoteRanks(votes, (id) => editor.getShape(id as TLShapeId)?.type), [votes, editor])
  const rankBadges = useValue('war-room vote ranks', () => {
    const pageId = editor.getCurrentPageId()
    const result: { id: string; x: number; y: number; rank: number; count: number; question: string }[] = []
    for (const [id, r] of ranks) {
      const shape = editor.getShape(id as TLShapeId)
      if (!shape || editor.getAncestorPageId(shape) !== pageId) continue
      const bounds = editor.getShapePageBounds(shape)
      if (!bounds) continue
      const corner = editor.pageToViewport({ x: bounds.minX, y: bounds.minY })
      result.push({ id, x: corner.x, y: corner.y, ...r })
    }
    return result
  }, [editor, ranks])

  const latestClosed = [...votes]
    .filter((v) => v.status === 'closed')
    .sort((a, b) => (a.closedAt ?? '').localeCompare(b.closedAt ?? ''))
    .at(-1)
  const showResults = !openVote && latestClosed && dismissed !== latestClosed.id

  const left = openVote ? openVote.votesPerPerson - ballot.length : 0
  return (
    <>
      {openVote && (
        <div className="wr-vote-bar" role="status" data-testid="vote-bar" data-vote-id={openVote.id}>
          <strong>{t('live.vote.banner', { question: openVote.question })}</strong>
          {live?.canVote ? (
            <span data-testid="vote-left">{t('live.vote.left', { left, total: openVote.votesPerPerson })}</span>
          ) : (
            <span>{t('live.vote.viewerNote')}</span>
          )}
          <span className="wr-vote-bar__hint">{t('live.vote.hidden')}</span>
          {error !== null && <span className="wr-error">{t('live.vote.error', { message: error })}</span>}
          {live?.canLead && (
            <button
              type="button"
              className="wr-button"
              data-testid="vote-close"
              onClick={() =>
                void call(
                  votesApi[':voteId'].close.$post({ param: { id: live.accountId, voteId: openVote.id } }),
                  votePath(live.accountId, `/${openVote.id}/close`),
                ).catch(() => {})
              }
            >
              {t('live.vote.close')}
            </button>
          )}
        </div>
      )}
      {openVote && live?.canVote && (
        <div className="wr-vote-dots">
          {countable.map((card) => {
            const placed = ballot.includes(card.id)
            return (
              <button
                key={card.id}
                type="button"
                className={`wr-vote-dot${placed ? ' wr-vote-dot--placed' : ''}`}
                data-testid="vote-dot"
                data-shape-id={card.id}
                data-placed={placed || undefined}
                disabled={!placed && left <= 0}
                title={t(placed ? 'live.vote.remove' : 'live.vote.place')}
                aria-pressed={placed}
                style={{
                  transform: `translate(${card.x}px, ${card.y}px) translate(-50%, -50%)`,
                  ...(placed ? { background: live.myColor, borderColor: live.myColor } : {}),
                }}
                onPointerDown={(e) => e.stopPropagation()}
                onClick={() => toggle(card.id)}
              >
                {placed ? '●' : '+'}
              </button>
            )
          })}
        </div>
      )}
      {!openVote && rankBadges.length > 0 && (
        <div className="wr-vote-ranks">
          {rankBadges.map((b) => (
            <div
              key={b.id}
              className={`wr-vote-rank wr-vote-rank--${Math.min(b.rank, 4)}`}
              data-testid="vote-rank"
              data-shape-id={b.id}
              data-rank={b.rank}
              data-count={b.count}
              title={b.question}
              style={{ transform: `translate(${b.x}px, ${b.y}px) translate(-6px, calc(-100% - 4px))` }}
            >
              {t('live.vote.rank', { rank: b.rank, count: b.count })}
            </div>
          ))}
        </div>
      )}
      {showResults && latestClosed && (
        <VoteResults vote={latestClosed} onDismiss={() => setDismissed(latestClosed.id)} />
      )}
    </>
  )
}

function VoteResults({ vote, onDismiss }: { vote: DocVote; onDismiss: () => void }) {
  const t = useT()
  const { lang } = useLang()
  const editor = useEditor()
  const ranked = rankCounts(vote.counts)
  const titleOf = (id: string) => {
    const shape = editor.getShape(id as TLShapeId)
    const props = shape?.props as { title?: string; name?: string } | undefined
    return props?.title || props?.name || SHAPE_TYPE_LABELS[(shape?.type ?? 'blocker') as VotableType]?.[lang] || id
  }
  return (
    <ClosablePanel
      className="wr-vote-results"
      headClassName="wr-vote-results__head"
      label={t('live.vote.results', { question: vote.question })}
      title={<strong>{t('live.vote.results', { question: vote.question })}</strong>}
      closeText={t('live.vote.dismiss')}
      onClose={onDismiss}
      testId="vote-results"
    >
      <div className="wr-vote-results__meta">
        {t('live.vote.resultsMeta', {
          voters: vote.voters,
          closedAt: vote.closedAt
            ? new Date(vote.closedAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en', {
                hour: '2-digit',
                minute: '2-digit',
              })
            : '',
        })}
      </div>
      {ranked.length === 0 ? (
        <p>{t('live.vote.noResults')}</p>
      ) : (
        <ol className="wr-vote-results__list">
          {ranked.slice(0, 8).map((r) => (
            <li key={r.shapeId} data-testid="vote-result" data-shape-id={r.shapeId} data-count={r.count}>
              <button
                type="button"
                className="wr-vote-results__item"
                onClick={() => editor.select(r.shapeId as TLShapeId).zoomToSelection({ animation: { duration: 200 } })}
              >
                <span className={`wr-vote-rank wr-vote-rank--${Math.min(r.rank, 4)} wr-vote-rank--inline`}>
                  #{r.rank}
                </span>
                <span className="wr-vote-results__title">{titleOf(r.shapeId)}</span>
                <span className="wr-vote-results__count">{r.count}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </ClosablePanel>
  )
}
