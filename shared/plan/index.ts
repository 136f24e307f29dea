/** The plan record: derivation, schema, checks and reports (see docs/document-format.md). */
export { derivePlan, healthScore, HEALTH_CAP_PER_CODE, HEALTH_WEIGHTS, type DeriveOptions, type PlanInput } from './derive'
export { derivePlanFromDoc, readDocRecords } from './readDoc'
export * from './schema'
export { analyzeOwner, type OwnerAnalysis } from './owners'
export { isIsoDate, isIsoDateOrEmpty, isoDateInTimeZone } from './dates'
export * from './labels'
export { renderPlanMarkdown, escapeMarkdown } from './markdown'
export { renderActionsCsv, renderStakeholdersCsv, csvCell, type CsvLang } from './csv'
