import type { Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { type CsvLang, renderActionsCsv, renderStakeholdersCsv } from '../../shared/plan/csv.ts'
import { renderPlanMarkdown } from '../../shared/plan/markdown.ts'
import type { PlanService } from '../plan/PlanService.ts'

function langOf(c: Context, allowBoth: boolean): 'zh' | 'en' | 'both' {
  const lang = c.req.query('lang') ?? (allowBoth ? 'both' : 'zh')
  if (lang === 'zh' || lang === 'en' || (allowBoth && lang === 'both')) return lang
  throw new HTTPException(400, { message: `lang must be zh${allowBoth ? ', en or both' : ' or en'}` })
}

/** A download name that is safe in a header (the account id is already [a-z0-9-]). */
const attachment = (accountId: string, suffix: string) => `attachment; filename="${accountId}-${suffix}"`

/**
 * The plan record and its exports: JSON, Markdown and CSV. Everything user-provided is escaped
 * by the renderers in shared/plan (Markdown/HTML escaping, CSV quoting and formula neutralising).
 */
export function mountPlanRoutes(
  app: Hono,
  deps: {
    plans: PlanService
    authorize: (accountId: string, request: Request, write: boolean) => Promise<void>
  },
) {
  const plan = async (c: Context) => {
    const accountId = c.req.param('id')!
    await deps.authorize(accountId, c.req.raw, false)
    return { accountId, plan: await deps.plans.current(accountId) }
  }

  app.get('/api/accounts/:id/plan', async (c) => c.json((await plan(c)).plan))

  app.get('/api/accounts/:id/plan.md', async (c) => {
    const lang = langOf(c, false) as 'zh' | 'en'
    const { accountId, plan: record } = await plan(c)
    return c.body(renderPlanMarkdown(record, lang), 200, {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': attachment(accountId, `plan-${lang}.md`),
      'X-Content-Type-Options': 'nosniff',
    })
  })

  const csv = (name: string, render: (p: Awaited<ReturnType<PlanService['current']>>, lang: CsvLang) => string) =>
    app.get(`/api/accounts/:id/${name}`, async (c) => {
      const lang = langOf(c, true)
      const { accountId, plan: record } = await plan(c)
      return c.body(render(record, lang), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachment(accountId, name),
        'X-Content-Type-Options': 'nosniff',
      })
    })
  csv('actions.csv', renderActionsCsv)
  csv('stakeholders.csv', renderStakeholdersCsv)
}
