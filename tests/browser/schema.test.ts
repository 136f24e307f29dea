/**
 * The document-format contract on the client side (docs/document-format.md):
 * records an outside tool wrote without a schema are taken as current and the
 * schema is recorded; an older document is migrated up; a client older than the
 * document says so and writes nothing — also when the document is upgraded under it.
 */
import { randomBytes } from 'node:crypto'
import { createTLSchema, type TLRecord } from '@tldraw/tlschema'
import type { Page } from 'playwright-core'
import type { SerializedSchemaV2 } from 'tldraw'
import { YKeyValue } from 'y-utility/y-keyvalue'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { DocKeys } from '../../shared/protocol.ts'
import { createAccount } from '../helpers/auth.ts'
import { waitForEditor } from '../helpers/browser.ts'
import { test as base, expect } from '../helpers/browserFixtures.ts'
import { eventually, wsUrl } from '../helpers/server.ts'
import { barrier, connectClient, webSocketWithHeaders, whenSynced } from '../helpers/yclient.ts'

/** tldraw's default schema: what an outside tool without War Room's shapes would write. */
const schema = createTLSchema()
const currentSchema = schema.serialize()
const GEO = 'com.tldraw.shape.geo'

function withSequence(base: SerializedSchemaV2, sequence: string, version: number): SerializedSchemaV2 {
  return { ...base, sequences: { ...base.sequences, [sequence]: version } }
}

/** A document, a page and a rectangle, as tldraw serialises them today. */
function seedRecords(): TLRecord[] {
  const records = [
    schema.types.document.create({ id: 'document:document' as never }),
    schema.types.page.create({ id: 'page:seeded' as never, name: 'Seeded', index: 'a1' as never }),
    schema.types.shape.create({
      id: 'shape:seeded' as never,
      type: 'geo',
      parentId: 'page:seeded' as never,
      index: 'a1' as never,
      x: 200,
      y: 150,
      props: {
        geo: 'rectangle',
        dash: 'draw',
        url: '',
        w: 240,
        h: 120,
        growY: 0,
        scale: 1,
        flipX: false,
        flipY: false,
        labelColor: 'black',
        color: 'blue',
        fill: 'solid',
        size: 'm',
        font: 'draw',
        align: 'middle',
        verticalAlign: 'middle',
        richText: { type: 'doc', content: [{ type: 'paragraph' }] },
      },
    } as never),
  ] as TLRecord[]
  for (const record of records) schema.validateRecord(null as never, record, 'tests', null)
  return records
}

/** A real y-websocket client in this process: the "outside tool". */
const test = base.extend('tool', async ({ server, cleanup }) => {
  /** A new account, and an outside tool writing its document over the real sync protocol (no browser). */
  return async (prefix: string) => {
    const accountId = await createAccount(server, server.cookie, { id: `${prefix}-${randomBytes(4).toString('hex')}` })
    const doc = new Y.Doc()
    const provider = new WebsocketProvider(wsUrl(server), accountId, doc, {
      WebSocketPolyfill: webSocketWithHeaders({ cookie: server.cookie }),
      disableBc: true,
    })
    cleanup(() => provider.destroy())
    await new Promise<void>((resolve) => {
      if (provider.synced) resolve()
      else provider.once('sync', () => resolve())
    })
    const records = new YKeyValue<TLRecord>(doc.getArray(DocKeys.records))
    const meta = doc.getMap<unknown>(DocKeys.meta)
    const write = (items: TLRecord[], schemaEntry?: unknown) =>
      doc.transact(() => {
        for (const record of items) records.set(record.id, record)
        if (schemaEntry !== undefined) meta.set(DocKeys.schema, schemaEntry)
      })
    /**
     * Resolves once the server holds everything this tool wrote (a fresh client's first sync carries
     * it). A page opened before that may find the room empty and fill it with its default records —
     * what the fast in-app navigation of a reused page did in a fresh-clone CI.
     */
    const onServer = () =>
      eventually(async () => {
        const reader = connectClient(wsUrl(server), accountId, new Y.Doc(), { cookie: server.cookie })
        try {
          await whenSynced(reader.provider)
          const held = Y.decodeStateVector(Y.encodeStateVector(reader.doc))
          for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
            expect(held.get(client) ?? 0).toBeGreaterThanOrEqual(clock)
          }
        } finally {
          reader.destroy()
        }
      })
    return { accountId, doc, provider, records, meta, write, onServer, destroy: () => provider.destroy() }
  }
})

/** The page ran a task and a frame after everything queued so far (its sends are synchronous). */
const pageSettled = async (page: Page) => {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)))
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
}

const shapeProps = (page: Page, id: string) =>
  page.evaluate((shapeId) => window.__warRoomEditor!.getShape(shapeId as never)?.props ?? null, id)

test('records written without a schema are taken as current, shown, and the schema is recorded', async ({
  tool: connectTool,
  open,
}) => {
  const tool = await connectTool('schema-none')
  tool.write(seedRecords())
  await tool.onServer()

  const { page, screenshot } = await open(`/a/${tool.accountId}`, { reuse: true })
  await waitForEditor(page)
  expect(await shapeProps(page, 'shape:seeded')).toMatchObject({ geo: 'rectangle', w: 240 })
  // The room already had a page: none was added.
  expect(await page.evaluate(() => window.__warRoomEditor!.getPages().map((p) => p.id))).toEqual(['page:seeded'])
  await eventually(() => {
    const recorded = tool.meta.get(DocKeys.schema) as SerializedSchemaV2 | undefined
    expect(recorded?.schemaVersion).toBe(2)
    expect(recorded?.sequences[GEO]).toBe(currentSchema.sequences[GEO])
  })
  await screenshot('schema-outside-tool')
})

test('an older document is migrated up, in the store and in the document', async ({ tool: connectTool, open }) => {
  const olderSchema = withSequence(currentSchema, GEO, currentSchema.sequences[GEO] - 1)
  const current = seedRecords()
  const older = current.map((record) => {
    const result = schema.migratePersistedRecord(record, olderSchema, 'down')
    if (result.type !== 'success') throw new Error(`cannot build the older record: ${result.reason}`)
    return result.value
  })
  const olderShape = older.find((r) => r.id === 'shape:seeded')!
  // The step between the two versions really changes the record (it adds the flip props).
  expect(olderShape).not.toEqual(current.find((r) => r.id === 'shape:seeded'))

  const tool = await connectTool('schema-old')
  tool.write(older, olderSchema)
  await tool.onServer()

  const { page } = await open(`/a/${tool.accountId}`, { reuse: true })
  await waitForEditor(page)
  expect(await shapeProps(page, 'shape:seeded')).toMatchObject({ flipX: false, flipY: false })
  await eventually(() => {
    expect((tool.meta.get(DocKeys.schema) as SerializedSchemaV2).sequences[GEO]).toBe(currentSchema.sequences[GEO])
    expect(tool.records.get('shape:seeded')).toEqual(current.find((r) => r.id === 'shape:seeded'))
  })
})

test('a client older than the document says so and writes nothing', async ({ tool: connectTool, open, server }) => {
  const newerSchema = withSequence(currentSchema, GEO, currentSchema.sequences[GEO] + 1)
  const tool = await connectTool('schema-new')
  tool.write(seedRecords(), newerSchema)
  await tool.onServer()
  const before = Y.encodeStateVector(tool.doc)

  const { page, screenshot } = await open(`/a/${tool.accountId}`, { reuse: true })
  await page.getByTestId('too-old').waitFor()
  expect(await page.getByTestId('too-old').innerText()).toContain('This client is too old for this document')
  await screenshot('schema-too-old')
  // Barriers instead of a wait: the page's event loop has run what its load queued (a write
  // would have been handed to its socket by then), then a marker from another client reaches the
  // tool after everything the server relayed before it.
  await pageSettled(page)
  await barrier(wsUrl(server), tool.accountId, tool, { cookie: server.cookie })
  expect(Y.encodeStateVector(tool.doc)).toEqual(before)
})

test('when another client upgrades the document mid-session, this one turns read-only and stops writing', async ({
  tool: connectTool,
  open,
  server,
}) => {
  const tool = await connectTool('schema-upgraded')
  tool.write(seedRecords(), currentSchema)

  const { page, screenshot } = await open(`/a/${tool.accountId}`, { reuse: true })
  await waitForEditor(page)
  tool.write([], withSequence(currentSchema, GEO, currentSchema.sequences[GEO] + 1))
  await page.getByTestId('too-old').waitFor()
  expect(await page.evaluate(() => window.__warRoomEditor!.getIsReadonly())).toBe(true)
  const before = Y.encodeStateVector(tool.doc)

  await page.keyboard.press('r')
  await page.mouse.move(600, 500)
  await page.mouse.down()
  await page.mouse.move(700, 560, { steps: 5 })
  await page.mouse.up()
  // Barriers instead of a wait: the page's event loop has run what the gesture queued (a write
  // would have been handed to its socket by then), then a marker from another client reaches the
  // tool after everything the server relayed before it.
  await pageSettled(page)
  await barrier(wsUrl(server), tool.accountId, tool, { cookie: server.cookie })
  expect(Y.encodeStateVector(tool.doc)).toEqual(before)
  await screenshot('schema-upgraded-mid-session')
})
