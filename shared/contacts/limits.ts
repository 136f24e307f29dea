/**
 * The import's and the coverage view's limits when the server has not said otherwise: the defaults
 * of IMPORT_MAX_BYTES, IMPORT_MAX_ROWS and COVERAGE_LIMIT (server/config.ts). The browser checks
 * the server's own values, sent with `GET /api/me`.
 */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024
export const DEFAULT_MAX_ROWS = 2000
/** Someone of ours covering more customer people than this is spread too thin. */
export const DEFAULT_COVERAGE_LIMIT = 5

export const DEFAULT_CONTACT_LIMITS = {
  importMaxBytes: DEFAULT_MAX_BYTES,
  importMaxRows: DEFAULT_MAX_ROWS,
  coverageLimit: DEFAULT_COVERAGE_LIMIT,
} as const
