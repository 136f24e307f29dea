// Entry of the PostgreSQL store's compaction thread: the server runs TypeScript through tsx, a worker starts bare.
import { tsImport } from 'tsx/esm/api'

await tsImport('./rebuildWorker.ts', import.meta.url)
