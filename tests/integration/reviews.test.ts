/**
 * Reviews against a real server: a stock y-websocket client draws and edits the map, reviews are
 * taken over HTTP, and the change list, the frozen document, the report and the portfolio are
 * checked exactly; a review stays the same after later edits and after a restart.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'
import type { AccountSummary } from '../../shared/accounts.ts'
import { goodDoc, stakeholder } from '../../shared/plan/testing/builders.ts'
import { DocKeys } from '../../shared/protocol.ts'
import type { ChangesResponse, Review, ReviewListItem } from '../../shared/review/types.ts'
import { createWarRoomSchema } from '../../shared/schema.ts'
import { addMember, api, createAccount, createUser, login } from '../helpers/auth.ts'
import { test as base, describe, expect } from '../helpers/fixtures.ts'
import { eventually, startTestServer, type TestServer, wsUrl } from '../helpers/server.ts'
import { onPostgres } from '../helpers/suiteStores.ts'
import { type Client, connectClient, whenSynced } from '../helpers/yclient.ts'

type Rec = Record<string, unknown>

function records(doc: Y.Doc) {
  return new YKeyValue<Rec>(doc.getArray(DocKeys.records))
}

/** Edits one shape's props through the stock client. */
function editProps(client: Client, id: string, change: Rec) {
  const kv = records(client.doc)
  const r = kv.get(id)!
  kv.set(id, { ...r, props: { ...(r.props as Rec), ...change } })
}

const SERVER = { accounts: ['acme'], deriveDelayMs: 60_000 }

/**
 * The file's story: one server (restarted once, on the same data), a viewer and an editor, the
 * admin's stock client with the map drawn, and the reviews taken so far.
 */
interface Story {
  server: TestServer
  admin: string
  viewer: string
  editor: string
  client: Client
  first: Review
  second: Review
  /** Closes the server and starts it again on the same data. */
  restart(): Promise<void>
}

const test = base
  .extend('serverOptions', { scope: 'file' }, SERVER)
  .extend('story', { scope: 'file' }, async ({ server }, { onCleanup }): Promise<Story> => {
    const admin = server.cookie
    await createUser(server, admin, { email: 'viewer@example.com' })
    await createUser(server, admin, { email: 'editor@example.com', name: '王编辑' })
    await addMember(server, admin, 'acme', 'viewer@example.com', 'viewer')
    await addMember(server, admin, 'acme', 'editor@example.com', 'editor')
    const client = connectClient(wsUrl(server), 'acme', undefined, { cookie: admin })
    await whenSynced(client.provider)
    const doc = goodDoc()
    client.doc.transact(() => {
      const account = client.doc.getMap(DocKeys.account)
      for (const [k, v] of Object.entries(doc.account)) account.set(k, v)
      const kv = records(client.doc)
      kv.set('page:page', { id: 'page:page', typeName: 'page', name: 'Page 1', index: 'a1', meta: {} })
      for (const r of doc.records) kv.set(r.id as string, r)
    })
    const story: Story = {
      server,
      admin,
      viewer: await login(server, 'viewer@example.com'),
      editor: await login(server, 'editor@example.com'),
      client,
      first: undefined as unknown as Review,
      second: undefined as unknown as Review,
      async restart() {
        story.client.destroy()
        await story.server.close()
        story.server = await startTestServer({ ...SERVER, dataDir: server.config.dataDir })
        story.admin = story.server.cookie
      },
    }
    // The file's `server` fixture closes the first server; a restarted one is closed here.
    onCleanup(async () => {
      story.client.destroy()
      await story.server.close()
    })
    return story
  })

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  return JSON.parse(text) as T
}

const take = async (story: Story, body: Rec = {}, cookie = story.admin) =>
  (await json<{ review: Review }>(await api(story.server, 'POST', '/api/accounts/acme/reviews', { cookie, body }), 201))
    .review

describe('reviews', () => {
  test('freeze the plan derived from the live document at that moment', async ({ story }) => {
    // The edit is in the room but no debounced plan has been stored (deriveDelayMs is a minute).
    editProps(story.client, 'shape:s3', { concern: '调度安全' })
    await eventually(async () => {
      const r = await take(story, { title: '11 月复盘', note: '首次复盘' }, story.editor)
      expect(r.plan.stakeholders.find((s) => s.id === 'shape:s3')?.concern).toBe('调度安全')
      story.first = r
    })
    expect(story.first).toMatchObject({
      accountId: 'acme',
      title: '11 月复盘',
      note: '首次复盘',
      createdBy: { name: '王编辑' },
    })
    expect(story.first.id).toMatch(/^rv-/)
    expect(story.first.plan.findings).toEqual([])
    expect(story.first).not.toHaveProperty('state')
  })

  test('list what changed since, exactly, after edits through a stock Yjs client', async ({ story }) => {
    story.client.doc.transact(() => {
      editProps(story.client, 'shape:s1', { relationship: 'cr2' })
      editProps(story.client, 'shape:b1', { status: 'cleared' })
      editProps(story.client, 'shape:a1', { status: 'done' })
      records(story.client.doc).delete('shape:a2')
      records(story.client.doc).set('shape:s9', stakeholder('shape:s9', { name: '钱科长' }))
      // Moved and resized: not a change.
      const s3 = records(story.client.doc).get('shape:s3')!
      records(story.client.doc).set('shape:s3', { ...s3, x: 900, y: 300, props: { ...(s3.props as Rec), w: 400 } })
    })
    let changes!: ChangesResponse
    await eventually(async () => {
      changes = await json<ChangesResponse>(
        await api(story.server, 'GET', `/api/accounts/acme/changes?since=${story.first.id}`, { cookie: story.viewer }),
      )
      expect(changes.changes.length).toBeGreaterThan(0)
    })
    expect(changes.since).toEqual({ id: story.first.id, at: story.first.at })
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
      score: { from: story.first.plan.metrics.healthScore },
    })
    const live = await json<{ metrics: { healthScore: number } }>(
      await api(story.server, 'GET', '/api/accounts/acme/plan', { cookie: story.viewer }),
    )
    expect(changes.summary.score.to).toBe(live.metrics.healthScore)
  })

  test('stay exactly as taken after later edits', async ({ story }) => {
    const again = await json<Review>(
      await api(story.server, 'GET', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.viewer }),
    )
    expect(again).toEqual(story.first)
    const doc = await json<{ schema: { sequences: Rec }; records: Rec[]; account: Rec }>(
      await api(story.server, 'GET', `/api/accounts/acme/reviews/${story.first.id}/document`, { cookie: story.viewer }),
    )
    expect(doc.schema.sequences).toEqual(createWarRoomSchema().serialize().sequences)
    const s1 = doc.records.find((r) => r.id === 'shape:s1')!
    expect((s1.props as Rec).relationship).toBe('cr3')
    expect(doc.records.some((r) => r.id === 'shape:a2')).toBe(true)
    expect(doc.records.some((r) => r.id === 'shape:s9')).toBe(false)
    expect(doc.account.name).toBe('华东电网')
  })

  test('compare two reviews, newest first in the list', async ({ story }) => {
    story.second = await take(story, { title: '12 月复盘' })
    const between = await json<ChangesResponse>(
      await api(story.server, 'GET', `/api/accounts/acme/changes?since=${story.first.id}&until=${story.second.id}`, {
        cookie: story.viewer,
      }),
    )
    expect(between.until).toEqual({ id: story.second.id, at: story.second.at })
    expect(between.changes.map((c) => c.code)).toContain('blocker.status.changed')
    const { reviews } = await json<{ reviews: ReviewListItem[] }>(
      await api(story.server, 'GET', '/api/accounts/acme/reviews', { cookie: story.viewer }),
    )
    expect(reviews.map((r) => r.id)).toEqual([story.second.id, story.first.id])
    expect(reviews[1]).toEqual({
      id: story.first.id,
      at: story.first.at,
      title: '11 月复盘',
      createdBy: story.first.createdBy,
      score: story.first.plan.metrics.healthScore,
      findings: 0,
    })
    expect(reviews[0]!.score).toBe(story.second.plan.metrics.healthScore)
    // The unaddressed opponent, and the arrow a2 left loose (a note).
    expect(reviews[0]!.findings).toBe(2)
  })

  test('are recorded in the audit log', async ({ story }) => {
    const { entries } = await json<{ entries: { action: string; actor: { email: string }; target: Rec }[] }>(
      await api(story.server, 'GET', '/api/audit?action=review.take', { cookie: story.admin }),
    )
    expect(entries.map((e) => e.target.reviewId)).toEqual([story.second.id, story.first.id])
    expect(entries[1]!.actor.email).toBe('editor@example.com')
  })

  test('answer bad input with clear errors', async ({ story }) => {
    const status = async (method: string, p: string, cookie = story.admin, body?: unknown) => {
      const res = await api(story.server, method, p, { cookie, body })
      await res.body?.cancel()
      return res.status
    }
    expect(await status('GET', '/api/accounts/acme/reviews/rv-0000000000-00000000')).toBe(404)
    expect(await status('GET', '/api/accounts/acme/reviews/nonsense')).toBe(404)
    // Clear for a person, in both languages.
    expect(
      await json(
        await api(story.server, 'GET', '/api/accounts/acme/reviews/rv-0000000000-00000000', { cookie: story.admin }),
        404,
      ),
    ).toEqual({ error: 'no such review', message: { zh: '没有这次复盘（可能已被删除）', en: 'no such review' } })
    expect(await status('GET', '/api/accounts/acme/changes?since=rv-0000000000-00000000')).toBe(404)
    expect(await status('GET', '/api/accounts/acme/changes')).toBe(400)
    expect(await status('GET', `/api/accounts/acme/changes?since=${story.second.id}&until=${story.first.id}`)).toBe(400)
    expect(
      await status('GET', `/api/accounts/acme/reviews/${story.second.id}/report.md?since=${story.second.id}&lang=fr`),
    ).toBe(400)
    expect(await status('POST', '/api/accounts/acme/reviews', story.admin, { title: 'x'.repeat(201) })).toBe(400)
    expect(await status('POST', '/api/accounts/acme/reviews', story.admin, { extra: 1 })).toBe(400)
    // Viewers read but never take or delete; editors take but do not delete.
    expect(await status('POST', '/api/accounts/acme/reviews', story.viewer, {})).toBe(403)
    expect(await status('DELETE', `/api/accounts/acme/reviews/${story.first.id}`, story.viewer)).toBe(403)
    expect(await status('DELETE', `/api/accounts/acme/reviews/${story.first.id}`, story.editor)).toBe(403)
    const { reviews } = await json<{ reviews: ReviewListItem[] }>(
      await api(story.server, 'GET', '/api/accounts/acme/reviews', { cookie: story.admin }),
    )
    expect(reviews).toHaveLength(2)
  })

  test('refuse a review of an archived account, and changes nothing', async ({ story }) => {
    await createAccount(story.server, story.admin, { id: 'frozen', name: '冻结客户' })
    await json(
      await api(story.server, 'PATCH', '/api/accounts/frozen', { cookie: story.admin, body: { archived: true } }),
    )
    const res = await api(story.server, 'POST', '/api/accounts/frozen/reviews', { cookie: story.admin, body: {} })
    expect(res.status).toBe(409)
    const { reviews } = await json<{ reviews: unknown[] }>(
      await api(story.server, 'GET', '/api/accounts/frozen/reviews', { cookie: story.admin }),
    )
    expect(reviews).toEqual([])
  })

  test('render the report in both languages, and a customer-safe variant', async ({ story }) => {
    editProps(story.client, 'shape:a1', { status: 'failed', reviewCause: 'judgement', reviewNote: '高估了立项速度' })
    const third = await take(story, { title: '1 月复盘' })
    const zh = await api(story.server, 'GET', `/api/accounts/acme/reviews/${third.id}/report.md?lang=zh`, {
      cookie: story.viewer,
    })
    expect(zh.headers.get('content-type')).toContain('text/markdown')
    const zhText = await zh.text()
    expect(zhText).toContain('# 月度复盘 · 华东电网 · 1 月复盘')
    expect(zhText).toContain('自「12 月复盘」')
    expect(zhText).toContain('失败行动项：1')
    expect(zhText).toMatch(/\| 判断错 \| 1 \|/)
    expect(zhText).toContain('高估了立项速度')
    const since = await api(
      story.server,
      'GET',
      `/api/accounts/acme/reviews/${third.id}/report.md?lang=en&since=${story.first.id}`,
      {
        cookie: story.viewer,
      },
    )
    const en = await since.text()
    expect(en).toContain('Changes since “11 月复盘”')
    expect(en).toContain('Relationships improved: 1')
    expect(en).toContain('| Wrong judgement | 1 |')
    const customer = await (
      await api(
        story.server,
        'GET',
        `/api/accounts/acme/reviews/${third.id}/report.md?lang=zh&since=${story.first.id}&audience=customer`,
        {
          cookie: story.viewer,
        },
      )
    ).text()
    expect(customer).toContain('合作推进回顾')
    expect(customer).toContain('新增人员：钱科长')
    for (const secret of ['CR', '健康度', '判断错', '高估了立项速度', '预算未立项', '卡点', '首次复盘']) {
      expect(customer).not.toContain(secret)
    }
  })

  test('show in the portfolio: health, last review, what moved', async ({ story }) => {
    // An account whose plan was never stored still gets its health on the first listing.
    await createAccount(story.server, story.admin, { id: 'fresh', name: '新客户', owner: '李四' })
    const { accounts } = await json<{ accounts: AccountSummary[] }>(
      await api(story.server, 'GET', '/api/accounts', { cookie: story.admin }),
    )
    const fresh = accounts.find((a) => a.id === 'fresh')!
    expect(fresh.health).not.toBeNull()
    expect(fresh.lastReview).toBeNull()
    const acme = accounts.find((a) => a.id === 'acme')!
    expect(acme.health).not.toBeNull()
    expect(acme.lastReview?.title).toBe('1 月复盘')
    expect(acme.sinceLastReview).toMatchObject({ actionsFailed: 0, blockersCleared: 0 })
  })

  test('serve a frozen document written in an older schema migrated to the current one', async ({ story }) => {
    await createAccount(story.server, story.admin, { id: 'old', name: '老客户' })
    const old = connectClient(wsUrl(story.server), 'old', undefined, { cookie: story.admin })
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
          await api(story.server, 'POST', '/api/accounts/old/reviews', { cookie: story.admin, body: {} }),
          201,
        )
      ).review
      expect(review.plan.stakeholders).toHaveLength(1)
    })
    old.destroy()
    const doc = await json<{ schema: unknown; records: Rec[] }>(
      await api(story.server, 'GET', `/api/accounts/old/reviews/${review.id}/document`, { cookie: story.admin }),
    )
    expect(doc.schema).toEqual(current)
    const p1 = doc.records.find((r) => r.id === 'shape:p1')!
    expect(p1.props).toMatchObject({ name: '周处', competitor: '' })
  })

  test('stay the same after a restart', async ({ story }) => {
    const before = await json<Review>(
      await api(story.server, 'GET', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.admin }),
    )
    const list = await json<{ reviews: ReviewListItem[] }>(
      await api(story.server, 'GET', '/api/accounts/acme/reviews', { cookie: story.admin }),
    )
    await story.restart()
    const after = await json<Review>(
      await api(story.server, 'GET', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.admin }),
    )
    expect(after).toEqual(before)
    expect(after).toEqual(story.first)
    expect(await json(await api(story.server, 'GET', '/api/accounts/acme/reviews', { cookie: story.admin }))).toEqual(
      list,
    )
    const changes = await json<ChangesResponse>(
      await api(story.server, 'GET', `/api/accounts/acme/changes?since=${story.first.id}&until=${story.second.id}`, {
        cookie: story.admin,
      }),
    )
    expect(changes.changes.length).toBeGreaterThan(0)
  })

  test('are deleted by an owner, and with their account', async ({ story }) => {
    expect(
      (await api(story.server, 'DELETE', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.admin }))
        .status,
    ).toBe(204)
    expect(
      (await api(story.server, 'GET', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.admin })).status,
    ).toBe(404)
    expect(
      (await api(story.server, 'DELETE', `/api/accounts/acme/reviews/${story.first.id}`, { cookie: story.admin }))
        .status,
    ).toBe(404)
    const { entries } = await json<{ entries: { target: Rec }[] }>(
      await api(story.server, 'GET', '/api/audit?action=review.delete', { cookie: story.admin }),
    )
    expect(entries.map((e) => e.target.reviewId)).toEqual([story.first.id])
    const dir = path.join(story.server.config.dataDir, 'reviews', 'acme')
    expect(await story.server.backend.reviews.list('acme')).not.toEqual([])
    if (!onPostgres) expect(existsSync(dir)).toBe(true)
    expect((await api(story.server, 'DELETE', '/api/accounts/acme', { cookie: story.admin })).status).toBe(204)
    expect(await story.server.backend.reviews.list('acme')).toEqual([])
    expect(existsSync(dir)).toBe(false)
  })
})
