import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { derivePlan } from '../../shared/plan/derive.ts'
import { goodDoc, TODAY } from '../../shared/plan/testing/builders.ts'
import { FileReviewStore } from './FileReviewStore.ts'
import { newReviewId } from './ReviewService.ts'
import type { StoredReview } from './ReviewStore.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'war-room-reviews-'))
  dirs.push(dir)
  return dir
}

function review(at: string, title = '复盘'): StoredReview {
  return {
    id: newReviewId(new Date(at)),
    accountId: 'acme',
    at,
    title,
    note: '',
    createdBy: { id: 'u1', name: '张三' },
    plan: derivePlan(goodDoc(), { today: TODAY }),
    state: new Uint8Array([1, 2, 3, 250]),
  }
}

// What every review store must do (this one and PostgreSQL's) is tests/scale/content.contract.test.ts.
describe('FileReviewStore', () => {
  it('ignores a temp file a crash left behind, and skips an unreadable review', async () => {
    const dir = tempDir()
    const logs: string[] = []
    const a = new FileReviewStore(dir)
    const kept = review('2026-11-30T10:00:00.000Z')
    await a.put(kept)
    const folder = path.join(dir, 'reviews', 'acme')
    const torn = review('2026-12-01T10:00:00.000Z')
    writeFileSync(path.join(folder, `${torn.id}.abcd1234.tmp`), '{"format":"war-ro')
    const broken = review('2026-12-02T10:00:00.000Z')
    writeFileSync(path.join(folder, `${broken.id}.json`), '{ not json')
    const b = new FileReviewStore(dir, (m) => logs.push(m))
    expect((await b.list('acme')).map((r) => r.id)).toEqual([kept.id])
    expect(await b.get('acme', broken.id)).toBeNull()
    expect(logs.join('\n')).toContain(broken.id)
    expect(readdirSync(folder).some((n) => n.endsWith('.tmp'))).toBe(false)
  })
})
