import { describe, expect, it } from 'vitest'
import { derivePlan } from '../plan/derive'
import { goodDoc, TODAY } from '../plan/testing/builders'
import { diffPlans } from './diff'
import { customerSafeChanges, renderCustomerReviewMarkdown, renderReviewMarkdown, reviewCauseCounts } from './report'

const HOSTILE = '[点我](http://evil.example) <script>x</script>\n# 标题'

function plans() {
  const before = derivePlan(goodDoc(), { today: TODAY })
  const doc = goodDoc({
    stakeholders: { 'shape:s1': { relationship: 'cr2', name: HOSTILE } },
    actions: {
      'shape:a1': { status: 'failed', reviewCause: 'execution', reviewNote: '资源没到位' },
      'shape:a2': { status: 'done' },
    },
  })
  const after = derivePlan(doc, { today: TODAY })
  return { before, after, diff: diffPlans(before, after) }
}

const meta = { title: '11 月复盘', at: '2026-11-30T08:00:00.000Z', note: '内部备注', createdBy: { name: '张三' } }

describe('the review report', () => {
  it('counts review causes of failed actions', () => {
    const { after } = plans()
    expect(reviewCauseCounts(after)).toEqual({ judgement: 0, execution: 1, '': 0 })
  })

  it('escapes user text and lists the changes under the summary', () => {
    const { after, diff } = plans()
    const md = renderReviewMarkdown(
      { review: meta, plan: after, diff, since: { title: '10 月', at: '2026-10-31' } },
      'zh',
    )
    expect(md).not.toContain('<script>')
    expect(md).not.toMatch(/(?<!\\)\]\(http/)
    expect(md).not.toMatch(/^# 标题/m)
    expect(md).toContain('自「10 月」（2026-10-31）以来的变化')
    expect(md).toContain('关系改善：1')
    expect(md).toContain('| 执行不到位 | 1 |')
  })

  it('shows the customer only what the allow-list keeps', () => {
    const { before, after, diff } = plans()
    const safe = customerSafeChanges(diff.changes, before, after)
    // The relationship move, the failed action and the findings are internal; a2 done is not.
    expect(safe.map((c) => [c.code, c.id])).toEqual([
      ['stakeholder.renamed', 'shape:s1'],
      ['action.status.changed', 'shape:a2'],
    ])
    const md = renderCustomerReviewMarkdown(
      { review: meta, plan: after, diff, since: { title: '10 月', at: '2026-10-31' } },
      after,
      before,
      'en',
    )
    expect(md).toContain('Action status')
    for (const secret of ['CR', 'Poor execution', '资源没到位', '内部备注', 'Health', '预算未立项']) {
      expect(md).not.toContain(secret)
    }
  })
})
