// Entry of the plan worker thread: the server runs TypeScript through tsx, a worker starts bare.
import { tsImport } from 'tsx/esm/api'

await tsImport('./planWorker.ts', import.meta.url)
