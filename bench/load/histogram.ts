/**
 * A latency histogram that merges across processes: 10 µs buckets up to 100 ms, 1 ms buckets up
 * to 10 s, one overflow bucket. Percentiles are exact to a bucket's width.
 */
const FINE = 10_000 // 10 µs × 10,000 = 100 ms
const COARSE = 9_900 // 1 ms × 9,900 → 10 s
const SIZE = FINE + COARSE + 1

export class Histogram {
  readonly counts: number[]
  max = 0
  total = 0

  constructor(counts?: number[], max = 0) {
    this.counts = counts ?? new Array<number>(SIZE).fill(0)
    this.max = max
    this.total = this.counts.reduce((a, b) => a + b, 0)
  }

  /** Records one latency in microseconds. */
  add(micros: number) {
    const us = Math.max(micros, 0)
    const i = us < 100_000 ? Math.floor(us / 10) : Math.min(SIZE - 1, FINE + Math.floor((us - 100_000) / 1000))
    this.counts[i]!++
    this.total++
    if (us > this.max) this.max = us
  }

  merge(other: Histogram) {
    for (let i = 0; i < SIZE; i++) this.counts[i]! += other.counts[i]!
    this.total += other.total
    if (other.max > this.max) this.max = other.max
  }

  /** The q-quantile (0..1) in milliseconds (bucket upper bound), NaN when empty. */
  quantileMs(q: number): number {
    if (this.total === 0) return Number.NaN
    const rank = Math.max(1, Math.ceil(q * this.total))
    let seen = 0
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i]!
      if (seen >= rank) {
        const upperUs = i < FINE ? (i + 1) * 10 : 100_000 + (i - FINE + 1) * 1000
        return Math.min(upperUs, this.max) / 1000
      }
    }
    return this.max / 1000
  }

  toJSON() {
    // Sparse: most buckets are empty.
    const sparse: [number, number][] = []
    this.counts.forEach((c, i) => {
      if (c) sparse.push([i, c])
    })
    return { sparse, max: this.max }
  }

  static fromJSON(j: { sparse: [number, number][]; max: number }): Histogram {
    const counts = new Array<number>(SIZE).fill(0)
    for (const [i, c] of j.sparse) counts[i] = c
    return new Histogram(counts, j.max)
  }
}

export const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return Number.NaN
  const m = Math.floor(v.length / 2)
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}
