import { RELATIONSHIP_LABELS, STANCE_LABELS } from '../../shared/plan/labels.ts'
import { test as base, describe, expect } from '../helpers/fixtures.ts'
import type { TestServer } from '../helpers/server.ts'

/** `?audience=customer` on the text exports, against the demo account a real server seeds (one for the file). */
const test = base.extend('serverOptions', { scope: 'file' }, { seedDemo: true, accounts: [] })
const getFrom = (server: TestServer) => (path: string) =>
  fetch(`${server.url}${path}`, { headers: { cookie: server.cookie } })

const LEVELS = ['CR1', 'CR2', 'CR3', 'CR4', 'CR5', ...Object.values(RELATIONSHIP_LABELS).flatMap((l) => [l.zh, l.en])]

describe('customer-safe text exports (?audience=customer)', () => {
  test('plan.md and both CSVs carry no CR level, stance, strategy, blocker or finding', async ({ server }) => {
    const get = getFrom(server)
    const plan = await (await get('/api/accounts/demo/plan')).json()
    expect(plan.factions.length).toBeGreaterThan(0)
    expect(plan.findings.length).toBeGreaterThan(0)
    const internal = [
      ...plan.factions.flatMap((f: { name: string; strategy: string }) => [f.name, f.strategy]),
      ...plan.blockers.map((b: { title: string }) => b.title),
      ...plan.findings.map((f: { message: { zh: string } }) => f.message.zh),
      ...plan.stakeholders.map((s: { concern: string }) => s.concern).filter(Boolean),
    ]
    for (const lang of ['zh', 'en'] as const) {
      const team = await (await get(`/api/accounts/demo/plan.md?lang=${lang}`)).text()
      // The team's report does carry them, so the checks below can fail.
      expect(team).toContain(plan.factions[0].strategy)
      for (const path of [
        `/api/accounts/demo/plan.md?lang=${lang}&audience=customer`,
        `/api/accounts/demo/stakeholders.csv?lang=${lang}&audience=customer`,
        `/api/accounts/demo/actions.csv?lang=${lang}&audience=customer`,
      ]) {
        const res = await get(path)
        expect(res.status).toBe(200)
        expect(res.headers.get('content-disposition')).toContain('customer')
        const text = await res.text()
        for (const level of LEVELS) expect(text).not.toContain(level)
        for (const stance of Object.values(STANCE_LABELS)) expect(text).not.toContain(stance[lang])
        for (const s of internal) expect(text).not.toContain(s)
      }
      const md = await (await get(`/api/accounts/demo/plan.md?lang=${lang}&audience=customer`)).text()
      for (const s of plan.stakeholders) expect(md).toContain(s.name)
      expect(md).toContain(plan.account.goal)
    }
  })

  test('audience=team is the full report; an unknown audience is a 400', async ({ server }) => {
    const get = getFrom(server)
    const full = await (await get('/api/accounts/demo/plan.md?lang=zh')).text()
    expect(await (await get('/api/accounts/demo/plan.md?lang=zh&audience=team')).text()).toBe(full)
    for (const path of ['plan.md?audience=everyone', 'actions.csv?audience=Customer', 'stakeholders.csv?audience=']) {
      const res = await get(`/api/accounts/demo/${path}`)
      expect(res.status, path).toBe(path.endsWith('=') ? 200 : 400)
    }
  })

  test('the customer variant is still members only', async ({ server }) => {
    const res = await fetch(`${server.url}/api/accounts/demo/plan.md?audience=customer`)
    expect(res.status).toBe(401)
  })
})
