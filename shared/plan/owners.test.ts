import { describe, expect, it } from 'vitest'
import { analyzeOwner } from './owners'

describe('analyzeOwner', () => {
  it.each([
    ['张三、李四', ['张三', '李四']],
    ['张三,李四', ['张三', '李四']],
    ['张三，李四', ['张三', '李四']],
    ['A / B', ['A', 'B']],
    ['张三/李四', ['张三', '李四']],
    ['A and B', ['A', 'B']],
    ['Alice AND Bob', ['Alice', 'Bob']],
    ['Alice or Bob', ['Alice', 'Bob']],
    ['A & B', ['A', 'B']],
    ['A＆B', ['A', 'B']],
    ['张三和李四', ['张三', '李四']],
    ['张三与李四', ['张三', '李四']],
    ['张三以及李四', ['张三', '李四']],
    ['张三或李四', ['张三', '李四']],
    ['A, B', ['A', 'B']],
    ['A;B', ['A', 'B']],
    ['张三；李四', ['张三', '李四']],
    ['A + B', ['A', 'B']],
    ['张三\n李四', ['张三', '李四']],
    ['张三 李四', ['张三', '李四']],
    ['张三和李四和王五', ['张三', '李四', '王五']],
    // The last split that leaves two characters on each side wins, so a 和 inside a name survives.
    ['司马和平和王五', ['司马和平', '王五']],
    ['王五和欧阳和平', ['王五', '欧阳和平']],
    ['Alice和Bob', ['Alice', 'Bob']],
  ])('"%s" names several people', (owner, names) => {
    expect(analyzeOwner(owner)).toEqual({ kind: 'multiple', names })
  })

  it.each(['张三等', '张三等人', '大家', '全员', '销售团队', '售前小组', 'everyone', 'Team', 'all'])(
    '"%s" is a collective owner, i.e. several people',
    (owner) => {
      expect(analyzeOwner(owner).kind).toBe('multiple')
    },
  )

  it.each([
    ['Anderson', 'Anderson'],
    ['Andrew Orr', 'Andrew Orr'],
    ['Sandra Oran', 'Sandra Oran'],
    ['欧阳和平', '欧阳和平'],
    ['王和平', '王和平'],
    ['李同', '李同'],
    ['张与', '张与'],
    ['和平', '和平'],
    ['张三', '张三'],
    ['  张三  ', '张三'],
    ['张 三', '张 三'],
    ['Jean-Luc Picard', 'Jean-Luc Picard'],
    ["Mary O'Brien", "Mary O'Brien"],
    ['阿卜杜·热合曼', '阿卜杜·热合曼'],
    ['张三（李四协助）', '张三'],
    ['张三 (backup: 李四, 王五)', '张三'],
    ['张三、', '张三'],
  ])('"%s" is one person', (owner, name) => {
    expect(analyzeOwner(owner)).toEqual({ kind: 'single', name })
  })

  it.each(['', '   ', '待定', 'TBD', 'n/a', '-', '？', '无', null, undefined, 42, ['张三']])(
    '%j is no owner',
    (owner) => {
      expect(analyzeOwner(owner)).toEqual({ kind: 'missing' })
    },
  )

  it('documented blind spot: surnames only joined by 和 read as one name', () => {
    expect(analyzeOwner('张和李').kind).toBe('single')
  })
})
