import type { Context, Hono } from 'hono'
import { customerSafePlan } from '../../shared/audience.ts'
import { type CsvLang, renderActionsCsv, renderStakeholdersCsv } from '../../shared/plan/csv.ts'
import {
  renderCustomerActionsCsv,
  renderCustomerPlanMarkdown,
  renderCustomerStakeholdersCsv,
} from '../../shared/plan/customerReports.ts'
import { renderPlanMarkdown } from '../../shared/plan/markdown.ts'
import type { PlanService } from '../plan/PlanService.ts'
import { audienceOf } from './audience.ts'
import { personError } from './errors.ts'

function langOf(c: Context, allowBoth: boolean): 'zh' | 'en' | 'both' {
  const lang = c.req.query('lang') ?? (allowBoth ? 'both' : 'zh')
  if (lang === 'zh' || lang === 'en' || (allowBoth && lang === 'both')) return lang
  throw personError(400, 'error.query.lang', {
    choices: allowBoth ? { zh: 'zh、en 或 both', en: 'zh, en or both' } : { zh: 'zh 或 en', en: 'zh or en' },
  })
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
    const audience = audienceOf(c)
    const { accountId, plan: record } = await plan(c)
    const body =
      audience === 'customer'
        ? renderCustomerPlanMarkdown(customerSafePlan(record), lang)
        : renderPlanMarkdown(record, lang)
    return c.body(body, 200, {
      'Content-Type': 'text/markdown; charset=utf-8',
      'Content-Disposition': attachment(accountId, `plan-${lang}${audience === 'customer' ? '-customer' : ''}.md`),
      'X-Content-Type-Options': 'nosniff',
    })
  })

  type Record = Awaited<ReturnType<PlanService['current']>>
  const csv = (
    name: string,
    render: (p: Record, lang: CsvLang) => string,
    renderForCustomer: (p: ReturnType<typeof customerSafePlan>, lang: CsvLang) => string,
  ) =>
    app.get(`/api/accounts/:id/${name}`, async (c) => {
      const lang = langOf(c, true)
      const audience = audienceOf(c)
      const { accountId, plan: record } = await plan(c)
      const body = audience === 'customer' ? renderForCustomer(customerSafePlan(record), lang) : render(record, lang)
      return c.body(body, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': attachment(
          accountId,
          audience === 'customer' ? name.replace('.csv', '-customer.csv') : name,
        ),
        'X-Content-Type-Options': 'nosniff',
      })
    })
  csv('actions.csv', renderActionsCsv, renderCustomerActionsCsv)
  csv('stakeholders.csv', renderStakeholdersCsv, renderCustomerStakeholdersCsv)
}
