/**
 * Contacts in and out (issue 14): `POST /api/accounts/:id/import/stakeholders` runs the same
 * reading, mapping and planning as the room's import dialog (shared/contacts) and, without
 * `?dryRun=1`, writes the cards into the account's document on the server; `GET
 * /api/accounts/:id/stakeholders.xlsx` is stakeholders.csv as a workbook (also `?audience=customer`).
 */
import { randomUUID } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { YKeyValue } from 'y-utility/y-keyvalue'
import type * as Y from 'yjs'
import { customerSafePlan } from '../../shared/audience.ts'
import { type ImportPlan, planImport } from '../../shared/contacts/importPlan.ts'
import { mapTable } from '../../shared/contacts/mapping.ts'
import { readTable, SheetError } from '../../shared/contacts/read.ts'
import { buildImportRecords, existingCards, ImportTargetError } from '../../shared/contacts/records.ts'
import { tableToXlsx, XLSX_MIME } from '../../shared/contacts/xlsx.ts'
import { stakeholdersTable } from '../../shared/plan/csv.ts'
import { customerStakeholdersTable } from '../../shared/plan/customerReports.ts'
import { readDocRecords } from '../../shared/plan/readDoc.ts'
import { DocKeys } from '../../shared/protocol.ts'
import { createWarRoomSchema } from '../../shared/schema.ts'
import { compareSchemas, isSchemaVersions } from '../../shared/schemaCompat.ts'
import { type AuditStore, auditActor } from '../audit/AuditLog.ts'
import type { Auth } from '../auth/Auth.ts'
import type { ServerConfig } from '../config.ts'
import type { PlanService } from '../plan/PlanService.ts'
import type { RoomManager } from '../sync/RoomManager.ts'
import { audienceOf } from './audience.ts'
import { clientAddress } from './clientAddress.ts'
import { multipartFile, PersonError, personError } from './errors.ts'

/** Transaction origin of imported records: every connection receives them. */
const IMPORT_ORIGIN = Symbol('import')

const schema = createWarRoomSchema()
const ourSchema = schema.serialize()

/** One YKeyValue per document (each one observes the array; a new one per import would pile up observers). */
const keyValues = new WeakMap<Y.Doc, YKeyValue<unknown>>()
function recordsOf(doc: Y.Doc): YKeyValue<unknown> {
  let kv = keyValues.get(doc)
  if (!kv) {
    kv = new YKeyValue<unknown>(doc.getArray(DocKeys.records))
    keyValues.set(doc, kv)
  }
  return kv
}

const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/tab-separated-values'])
const XLSX_TYPES = new Set([XLSX_MIME, 'application/octet-stream'])

export interface ImportDeps {
  auth: Auth
  rooms: RoomManager
  plans: PlanService
  config: Pick<ServerConfig, 'importMaxBytes' | 'importMaxRows'>
  /** Writes (not dry runs) are recorded here. */
  audit?: AuditStore
}

async function fileBytes(c: Context, maxBytes: number): Promise<Uint8Array> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const tooLarge = () => personError(413, 'error.file.tooLarge', { limit: maxBytes })
  if (type === 'multipart/form-data') {
    return new Uint8Array(await (await multipartFile(c.req.raw, maxBytes)).arrayBuffer())
  }
  if (CSV_TYPES.has(type) || XLSX_TYPES.has(type)) {
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    if (bytes.byteLength > maxBytes) throw tooLarge()
    return bytes
  }
  throw personError(415, 'error.import.bodyType')
}

/** Brings a document written by an older build up to ours before writing into it, as a client does on open. */
function upgradeDocument(doc: Y.Doc, kv: YKeyValue<unknown>, stored: unknown) {
  const snapshot = Object.fromEntries([...kv.map.values()].map(({ key, val }) => [key, val]))
  const result = schema.migrateStoreSnapshot({ store: snapshot as never, schema: stored as never })
  if (result.type === 'error') {
    throw personError(409, 'error.import.migration', { reason: String(result.reason) })
  }
  doc.transact(() => {
    for (const record of Object.values(result.value)) {
      if (JSON.stringify(record) !== JSON.stringify(snapshot[record.id])) kv.set(record.id, record)
    }
    for (const key of Object.keys(snapshot)) if (!(key in result.value)) kv.delete(key)
    doc.getMap(DocKeys.meta).set(DocKeys.schema, ourSchema)
  }, IMPORT_ORIGIN)
}

export function mountImportRoutes(app: Hono, deps: ImportDeps) {
  const { auth, rooms, plans, config } = deps

  app.post(
    '/api/accounts/:id/import/stakeholders',
    async (c, next) => {
      // Editors and owners only, for the preview too: it reads the whole map to match people.
      auth.account(c.req.raw, c.req.param('id'), 'write')
      await next()
    },
    // Multipart framing adds a little over the file itself.
    bodyLimit({
      maxSize: config.importMaxBytes + 64 * 1024,
      onError: () => {
        throw new PersonError(413, {
          zh: `文件过大（上限 ${config.importMaxBytes} 字节）`,
          en: `file too large (limit ${config.importMaxBytes} bytes)`,
        })
      },
    }),
    async (c) => {
      const accountId = c.req.param('id')
      const { user } = auth.account(c.req.raw, accountId, 'write')
      const dryRun = ['1', 'true'].includes(c.req.query('dryRun') ?? '')
      const factionId = c.req.query('faction') || undefined
      const bytes = await fileBytes(c, config.importMaxBytes)

      let sheet: ReturnType<typeof mapTable>
      try {
        sheet = mapTable(await readTable(bytes), { maxRows: config.importMaxRows })
      } catch (e) {
        if (e instanceof SheetError) throw new PersonError(e.code === 'sheet.tooManyRows' ? 413 : 400, e.localized)
        throw e
      }

      const room = await rooms.acquire(accountId)
      try {
        const meta = room.doc.getMap<unknown>(DocKeys.meta)
        const stored = meta.get(DocKeys.schema)
        if (stored !== undefined && !isSchemaVersions(stored)) {
          throw personError(409, 'error.import.schemaUnreadable')
        }
        const relation = stored === undefined ? 'same' : compareSchemas(ourSchema, stored)
        if (relation === 'newer') {
          throw personError(409, 'error.import.schemaNewer')
        }
        const plan: ImportPlan = planImport(sheet, existingCards(readDocRecords(room.doc).records as unknown[]))
        if (dryRun) return c.json({ dryRun: true, ...plan })

        const kv = recordsOf(room.doc)
        if (relation === 'older') upgradeDocument(room.doc, kv, stored)
        let records: Record<string, unknown>[]
        try {
          records = buildImportRecords(plan, readDocRecords(room.doc).records as unknown[], {
            author: { id: user.id, name: user.name },
            at: new Date().toISOString(),
            newId: () => `shape:${randomUUID()}`,
            factionId,
          })
        } catch (e) {
          if (e instanceof ImportTargetError) throw new PersonError(400, e.localized)
          throw e
        }
        room.doc.transact(() => {
          for (const record of records) kv.set(record.id as string, record)
        }, IMPORT_ORIGIN)
        const matched = new Set(plan.rows.map((row) => row.shapeId))
        const created = records
          .filter((r) => r.type === 'stakeholder' && !matched.has(r.id as string))
          .map((r) => r.id as string)
        await deps.audit?.record({
          action: 'stakeholders.import',
          actor: auditActor(user),
          address: clientAddress(c),
          target: { accountId },
          detail: {
            added: plan.added,
            updated: plan.updated,
            unchanged: plan.unchanged,
            rejected: plan.rejected.length,
          },
        })
        return c.json({ dryRun: false, ...plan, created })
      } finally {
        rooms.release(accountId)
      }
    },
  )

  app.get('/api/accounts/:id/stakeholders.xlsx', async (c) => {
    const accountId = c.req.param('id')
    auth.account(c.req.raw, accountId, 'read')
    const lang = c.req.query('lang') ?? 'both'
    if (lang !== 'zh' && lang !== 'en' && lang !== 'both') {
      throw personError(400, 'error.query.lang', { choices: { zh: 'zh、en 或 both', en: 'zh, en or both' } })
    }
    const audience = audienceOf(c)
    const plan = await plans.current(accountId)
    const cells =
      audience === 'customer' ? customerStakeholdersTable(customerSafePlan(plan), lang) : stakeholdersTable(plan, lang)
    const bytes = await tableToXlsx(cells, audience === 'customer' ? '决策链 People' : '决策链 Stakeholders')
    const name = audience === 'customer' ? 'stakeholders-customer.xlsx' : 'stakeholders.xlsx'
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': XLSX_MIME,
      'Content-Disposition': `attachment; filename="${accountId}-${name}"`,
      'X-Content-Type-Options': 'nosniff',
    })
  })
}
