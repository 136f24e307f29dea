/**
 * Reviews against a real server: a stock y-websocket client draws and edits the map, reviews are
 * taken over HTTP, and the change list, the frozen document, the report and the portfolio are
 * checked exactly; a review stays the same after later edits and after a restart.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'
import type { AccountSummary } from '../../shared/accounts.ts'
import { goodDoc, stakeholder } from '../../shared/plan/testing/builders.ts'
import { DocKeys } from '../../shared/protocol.ts'
import type { ChangesResponse, Review, ReviewListItem } from '../../shared/review/types.ts'
import { createWarRoomSchema } from '../../shared/schema.ts'
import { addMember, api, createAccount, createUser, login } from '../helpers/auth.ts'
import { eventually, startTestServer, type TestServer, tempDataDir, wsUrl } from '../helpers/server.ts'
import { onPostgres } from '../helpers/suiteStores.ts'
import { type Client, connectClient, whenSynced } from '../helpers/yclient.ts'

const data = tempDataDir()
let server: TestServer
let admin = ''
let viewer = ''
let editor = ''
let client: Client

type Rec = Record<string, unknown>

function records(doc: Y.Doc) {
  return new YKeyValue<Rec>(doc.getArray(DocKeys.records))
}

/** Edits one shape's props through the stock client. */
function editProps(id: string, change: Rec) {
  const kv = records(client.doc)
  const r = kv.get(id)!
  kv.set(id, { ...r, props: { ...(r.props as Rec), ...change } })
}

async function start() {
  server = await startTestServer({ dataDir: data.dir, accounts: ['acme'], deriveDelayMs: 60_000 })
  admin = server.cookie
}

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  return JSON.parse(text) as T
}

const take = async (body: Rec = {}, cookie = admin) =>
  (await json<{ review: Review }>(await api(server, 'POST', '/api/accounts/acme/reviews', { cookie, body }), 201))
    .review

beforeAll(async () => {
  await start()
  await createUser(server, admin, { email: 'viewer@example.com' })
  await createUser(server, admin, { email: 'editor@example.com', name: '王编辑' })
  await addMember(server, admin, 'acme', 'viewer@example.com', 'viewer')
  await addMember(server, admin, 'acme', 'editor@example.com', 'editor')
  viewer = await login(server, 'viewer@example.com')
  editor = await login(server, 'editor@example.com')
  client = connectClient(wsUrl(server), 'acme', undefined, { cookie: admin })
  await whenSynced(client.provider)
  const doc = goodDoc()
  client.doc.transact(() => {
    const account = client.doc.getMap(DocKeys.account)
    for (const [k, v] of Object.entries(doc.account)) account.set(k, v)
    const kv = records(client.doc)
    kv.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
    for (const r of doc.records) kv.set(r.id as string, r)
  })
})

afterAll(async () => {
  client?.destroy()
  await server?.close()
  data.remove()
})

let first: Review
let second: Review

describe('reviews', () => {
  it('freeze the plan derived from the live document at that moment', async () => {
    // The edit is in the room but no debounced plan has been stored (deriveDelayMs is a minute).
    editProps('shape:s3', { concern: '调度安全' })
    await eventually(async () => {
      const r = await take({ title: '11 月复盘', note: '首次复盘' }, editor)
      expect(r.plan.stakeholders.find((s) => s.id === 'shape:s3')?.concern).toBe('调度安全')
      first = r
    })
    expect(first).toMatchObject({
      accountId: 'acme',
      title: '11 月复盘',
      note: '首次复盘',
      createdBy: { name: '王编辑' },
    })
    expect(first.id).toMatch(/^rv-/)
    expect(first.plan.findings).toEqual([])
    expect(first).not.toHaveProperty('state')
  })

  it('list what changed since, exactly, after edits through a stock Yjs client', async () => {
    client.doc.transact(() => {
      editProps('shape:s1', { relationship: 'cr2' })
      editProps('shape:b1', { status: 'cleared' })
      editProps('shape:a1', { status: 'done' })
      records(client.doc).delete('shape:a2')
      records(client.doc).set('shape:s9', stakeholder('shape:s9', { name: '钱科长' }))
      // Moved and resized: not a change.
      const s3 = records(client.doc).get('shape:s3')!
      records(client.doc).set('shape:s3', { ...s3, x: 900, y: 300, props: { ...(s3.props as Rec), w: 400 } })
    })
    let changes!: ChangesResponse
    await eventually(async () => {
      changes = await json<ChangesResponse>(
        await api(server, 'GET', `/api/accounts/acme/changes?since=${first.id}`, { cookie: viewer }),
      )
      expect(changes.changes.length).toBeGreaterThan(0)
    })
    expect(changes.since).toEqual({ id: first.id, at: first.at })
    expect(changes.until).toMatchObject({ live: true })
    expect(changes.changes.map((c) => [c.code, c.id, c.finding?.code ?? null])).toEqual([
      ['stakeholder.relationship.changed', 'shape:s1', null],
      ['stakeholder.added', 'shape:s9', null],
      ['blocker.status.changed', 'shape:b1', null],
      ['action.status.changed', 'shape:a1', null],
      ['action.removed', 'shape:a2', null],
      ['finding.added', 'shape:s4', 'opponent.unaddressed'],
    ])
    const removed = changes.changes.find((c) => c.code === 'action.removed')!
    expect(removed.name).toBe('技术交流会，化解采购疑虑')
    expect(changes.changes[0]).toMatchObject({ from: 'cr3', to: 'cr2', name: '王总' })
    expect(changes.summary).toMatchObject({
      blockersCleared: 1,
      blockersOpened: 0,
      actionsDone: 1,
      relationshipsImproved: 1,
      relationshipsWorsened: 0,
      stage: { from: 'P3', to: 'P3' },
      score: { from: first.plan.metrics.healthScore },
    })
    const live = await json<{ metrics: { healthScore: number } }>(
      await api(server, 'GET', '/api/accounts/acme/plan', { cookie: viewer }),
    )
    expect(changes.summary.score.to).toBe(live.metrics.healthScore)
  })

  it('stay exactly as taken after later edits', async () => {
    const again = await json<Review>(
      await api(server, 'GET', `/api/accounts/acme/reviews/${first.id}`, { cookie: viewer }),
    )
    expect(again).toEqual(first)
    const doc = await json<{ schema: { sequences: Rec }; records: Rec[]; account: Rec }>(
      await api(server, 'GET', `/api/accounts/acme/reviews/${first.id}/document`, { cookie: viewer }),
    )
    expect(doc.schema.sequences).toEqual(createWarRoomSchema().serialize().sequences)
    const s1 = doc.records.find((r) => r.id === 'shape:s1')!
    expect((s1.props as Rec).relationship).toBe('cr3')
    expect(doc.records.some((r) => r.id === 'shape:a2')).toBe(true)
    expect(doc.records.some((r) => r.id === 'shape:s9')).toBe(false)
    expect(doc.account.name).toBe('华东电网')
  })

  it('compare two reviews, newest first in the list', async () => {
    second = await take({ title: '12 月复盘' })
    const between = await json<ChangesResponse>(
      await api(server, 'GET', `/api/accounts/acme/changes?since=${first.id}&until=${second.id}`, { cookie: viewer }),
    )
    expect(between.until).toEqual({ id: second.id, at: second.at })
    expect(between.changes.map((c) => c.code)).toContain('blocker.status.changed')
    const { reviews } = await json<{ reviews: ReviewListItem[] }>(
      await api(server, 'GET', '/api/accounts/acme/reviews', { cookie: viewer }),
    )
    expect(reviews.map((r) => r.id)).toEqual([second.id, first.id])
    expect(reviews[1]).toEqual({
      id: first.id,
      at: first.at,
      title: '11 月复盘',
      createdBy: first.createdBy,
      score: first.plan.metrics.healthScore,
      findings: 0,
    })
    expect(reviews[0]!.score).toBe(second.plan.metrics.healthScore)
    // The unaddressed opponent, and the arrow a2 left loose (a note).
    expect(reviews[0]!.findings).toBe(2)
  })

  it('are recorded in the audit log', async () => {
    const { entries } = await json<{ entries: { action: string; actor: { email: string }; target: Rec }[] }>(
      await api(server, 'GET', '/api/audit?action=review.take', { cookie: admin }),
    )
    expect(entries.map((e) => e.target.reviewId)).toEqual([second.id, first.id])
    expect(entries[1]!.actor.email).toBe('editor@example.com')
  })

  it('answer bad input with clear errors', async () => {
    const status = async (method: string, p: string, cookie = admin, body?: unknown) => {
      const res = await api(server, method, p, { cookie, body })
      await res.body?.cancel()
      return res.status
    }
    expect(await status('GET', '/api/accounts/acme/reviews/rv-0000000000-00000000')).toBe(404)
    expect(await status('GET', '/api/accounts/acme/reviews/nonsense')).toBe(404)
    // Clear for a person, in both languages.
    expect(
      await json(await api(server, 'GET', '/api/accounts/acme/reviews/rv-0000000000-00000000', { cookie: admin }), 404),
    ).toEqual({ error: 'no such review', message: { zh: '没有这次复盘（可能已被删除）', en: 'no such review' } })
    expect(await status('GET', '/api/accounts/acme/changes?since=rv-0000000000-00000000')).toBe(404)
    expect(await status('GET', '/api/accounts/acme/changes')).toBe(400)
    expect(await status('GET', `/api/accounts/acme/changes?since=${second.id}&until=${first.id}`)).toBe(400)
    expect(await status('GET', `/api/accounts/acme/reviews/${second.id}/report.md?since=${second.id}&lang=fr`)).toBe(
      400,
    )
    expect(await status('POST', '/api/accounts/acme/reviews', admin, { title: 'x'.repeat(201) })).toBe(400)
    expect(await status('POST', '/api/accounts/acme/reviews', admin, { extra: 1 })).toBe(400)
    // Viewers read but never take or delete; editors take but do not delete.
    expect(await status('POST', '/api/accounts/acme/reviews', viewer, {})).toBe(403)
    expect(await status('DELETE', `/api/accounts/acme/reviews/${first.id}`, viewer)).toBe(403)
    expect(await status('DELETE', `/api/accounts/acme/reviews/${first.id}`, editor)).toBe(403)
    const { reviews } = await json<{ reviews: ReviewListItem[] }>(
      await api(server, 'GET', '/api/accounts/acme/reviews', { cookie: admin }),
    )
    expect(reviews).toHaveLength(2)
  })

  it('refuse a review of an archived account, and changes nothing', async () => {
    await createAccount(server, admin, { id: 'frozen', name: '冻结客户' })
    await json(await api(server, 'PATCH', '/api/accounts/frozen', { cookie: admin, body: { archived: true } }))
    const res = await api(server, 'POST', '/api/accounts/frozen/reviews', { cookie: admin, body: {} })
    expect(res.status).toBe(409)
    const { reviews } = await json<{ reviews: unknown[] }>(
      await api(server, 'GET', '/api/accounts/frozen/reviews', { cookie: admin }),
    )
    expect(reviews).toEqual([])
  })

  it('render the report in both languages, and a customer-safe variant', async () => {
    editProps('shape:a1', { status: 'failed', reviewCause: 'judgement', reviewNote: '高估了立项速度' })
    const third = await take({ title: '1 月复盘' })
    const zh = await api(server, 'GET', `/api/accounts/acme/reviews/${third.id}/report.md?lang=zh`, { cookie: viewer })
    expect(zh.headers.get('content-type')).toContain('text/markdown')
    const zhText = await zh.text()
    expect(zhText).toContain('# 月度复盘 · 华东电网 · 1 月复盘')
    expect(zhText).toContain('自「12 月复盘」')
    expect(zhText).toContain('失败行动项：1')
    expect(zhText).toMatch(/\| 判断错 \| 1 \|/)
    expect(zhText).toContain('高估了立项速度')
    const since = await api(
      server,
      'GET',
      `/api/accounts/acme/reviews/${third.id}/report.md?lang=en&since=${first.id}`,
      {
        cookie: viewer,
      },
    )
    const en = await since.text()
    expect(en).toContain('Changes since “11 月复盘”')
    expect(en).toContain('Relationships improved: 1')
    expect(en).toContain('| Wrong judgement | 1 |')
    const customer = await (
      await api(
        server,
        'GET',
        `/api/accounts/acme/reviews/${third.id}/report.md?lang=zh&since=${first.id}&audience=customer`,
        {
          cookie: viewer,
        },
      )
    ).text()
    expect(customer).toContain('合作推进回顾')
    expect(customer).toContain('新增人员：钱科长')
    for (const secret of ['CR', '健康度', '判断错', '高估了立项速度', '预算未立项', '卡点', '首次复盘']) {
      expect(customer).not.toContain(secret)
    }
  })

  it('show in the portfolio: health, last review, what moved', async () => {
    // An account whose plan was never stored still gets its health on the first listing.
    await createAccount(server, admin, { id: 'fresh', name: '新客户', owner: '李四' })
    const { accounts } = await json<{ accounts: AccountSummary[] }>(
      await api(server, 'GET', '/api/accounts', { cookie: admin }),
    )
    const fresh = accounts.find((a) => a.id === 'fresh')!
    expect(fresh.health).not.toBeNull()
    expect(fresh.lastReview).toBeNull()
    const acme = accounts.find((a) => a.id === 'acme')!
    expect(acme.health).not.toBeNull()
    expect(acme.lastReview?.title).toBe('1 月复盘')
    expect(acme.sinceLastReview).toMatchObject({ actionsFailed: 0, blockersCleared: 0 })
  })

  it('serve a frozen document written in an older schema migrated to the current one', async () => {
    await createAccount(server, admin, { id: 'old', name: '老客户' })
    const old = connectClient(wsUrl(server), 'old', undefined, { cookie: admin })
    await whenSynced(old.provider)
    const current = createWarRoomSchema().serialize()
    const v0 = { ...current, sequences: { ...current.sequences, 'com.tldraw.shape.stakeholder': 0 } }
    const { competitor: _c, ...propsV0 } = stakeholder('shape:p1', { name: '周处' }).props as Rec
    old.doc.transact(() => {
      old.doc.getMap(DocKeys.meta).set(DocKeys.schema, v0)
      records(old.doc).set('shape:p1', { ...stakeholder('shape:p1'), props: propsV0 })
    })
    let review!: Review
    await eventually(async () => {
      review = (
        await json<{ review: Review }>(
          await api(server, 'POST', '/api/accounts/old/reviews', { cookie: admin, body: {} }),
          201,
        )
      ).review
      expect(review.plan.stakeholders).toHaveLength(1)
    })
    old.destroy()
    const doc = await json<{ schema: unknown; records: Rec[] }>(
      await api(server, 'GET', `/api/accounts/old/reviews/${review.id}/document`, { cookie: admin }),
    )
    expect(doc.schema).toEqual(current)
    const p1 = doc.records.find((r) => r.id === 'shape:p1')!
    expect(p1.props).toMatchObject({ name: '周处', competitor: '' })
  })

  it('stay the same after a restart', async () => {
    const before = await json<Review>(
      await api(server, 'GET', `/api/accounts/acme/reviews/${first.id}`, { cookie: admin }),
    )
    const list = await json<{ reviews: ReviewListItem[] }>(
      await api(server, 'GET', '/api/accounts/acme/reviews', { cookie: admin }),
    )
    client.destroy()
    await server.close()
    await start()
    const after = await json<Review>(
      await api(server, 'GET', `/api/accounts/acme/reviews/${first.id}`, { cookie: admin }),
    )
    expect(after).toEqual(before)
    expect(after).toEqual(first)
    expect(await json(await api(server, 'GET', '/api/accounts/acme/reviews', { cookie: admin }))).toEqual(list)
    const changes = await json<ChangesResponse>(
      await api(server, 'GET', `/api/accounts/acme/changes?since=${first.id}&until=${second.id}`, { cookie: admin }),
    )
    expect(changes.changes.length).toBeGreaterThan(0)
  })

  it('are deleted by an owner, and with their account', async () => {
    expect((await api(server, 'DELETE', `/api/accounts/acme/reviews/${first.id}`, { cookie: admin })).status).toBe(204)
    expect((await api(server, 'GET', `/api/accounts/acme/reviews/${first.id}`, { cookie: admin })).status).toBe(404)
    expect((await api(server, 'DELETE', `/api/accounts/acme/reviews/${first.id}`, { cookie: admin })).status).toBe(404)
    const { entries } = await json<{ entries: { target: Rec }[] }>(
      await api(server, 'GET', '/api/audit?action=review.delete', { cookie: admin }),
    )
    expect(entries.map((e) => e.target.reviewId)).toEqual([first.id])
    const dir = path.join(data.dir, 'reviews', 'acme')
    expect(await server.backend.reviews.list('acme')).not.toEqual([])
    if (!onPostgres) expect(existsSync(dir)).toBe(true)
    expect((await api(server, 'DELETE', '/api/accounts/acme', { cookie: admin })).status).toBe(204)
    expect(await server.backend.reviews.list('acme')).toEqual([])
    expect(existsSync(dir)).toBe(false)
  })
})
