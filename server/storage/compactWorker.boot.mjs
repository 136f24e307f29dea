// Entry of the compaction worker thread: the server runs TypeScript through tsx, a worker starts bare.
import { tsImport } from 'tsx/esm/api'

await tsImport('./compactWorker.ts', import.meta.url)
