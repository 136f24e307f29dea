/** Reviews (复盘): the frozen plan, and what changed between two plans (see docs/api.md, "Reviews"). */
export { diffPlans } from './diff'
export * from './types'
