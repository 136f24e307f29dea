/** The plan record: derivation, schema, checks and reports (see docs/document-format.md). */

export { type CsvLang, csvCell, renderActionsCsv, renderStakeholdersCsv } from './csv'
export { isIsoDate, isIsoDateOrEmpty, isoDateInTimeZone } from './dates'
export { type DeriveOptions, derivePlan, type PlanInput } from './derive'
export * from './health'
export * from './labels'
export { escapeMarkdown, renderPlanMarkdown } from './markdown'
export { analyzeOwner, type OwnerAnalysis } from './owners'
export { derivePlanFromDoc, readDocRecords } from './readDoc'
export * from './schema'
