/** The health score over the reviews (oldest left) and now, as a small line chart. */
import { useT } from '../i18n'

export interface TrendPoint {
  label: string
  score: number
  /** The live plan, drawn hollow. */
  live?: boolean
}

const W = 320
const H = 120
const PAD = { left: 34, right: 16, top: 24, bottom: 24 }

export function ScoreTrend({ points }: { points: TrendPoint[] }) {
  const t = useT()
  if (points.length === 0) return null
  const innerW = W - PAD.left - PAD.right
  const innerH = H - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1))
  const y = (score: number) => PAD.top + innerH - (Math.max(0, Math.min(100, score)) / 100) * innerH
  const line = points.map((p, i) => `${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ')
  const summary = points.map((p) => `${p.label} ${p.score}`).join(', ')
  return (
    <figure className="wr-trend" data-testid="wr-score-trend" data-points={points.map((p) => p.score).join(',')}>
      <figcaption className="wr-plan__heading">{t('review.trend.title')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('review.trend.label', { points: summary })}>
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="wr-trend__grid" />
            <text x={PAD.left - 6} y={y(v) + 4} className="wr-trend__axis" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <polyline points={line} className="wr-trend__line" />
        {points.map((p, i) => (
          <g key={`${p.label}-${i}`}>
            <circle
              cx={x(i)}
              cy={y(p.score)}
              r={4.5}
              className={p.live ? 'wr-trend__dot wr-trend__dot--live' : 'wr-trend__dot'}
            />
            <text x={x(i)} y={y(p.score) - 8} className="wr-trend__value" textAnchor="middle">
              {p.score}
            </text>
            <text x={x(i)} y={H - 6} className="wr-trend__axis" textAnchor="middle">
              {p.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  )
}
