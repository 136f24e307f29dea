// Entry of the compaction worker thread: the server runs TypeScript through tsx, a worker starts bare.
// The test suite bundles the workers once per run (tests/helpers/workerBundles.ts): no tsx boot per thread.
const bundles = process.env.WAR_ROOM_TEST_WORKER_BUNDLES
if (bundles) await import(new URL('compactWorker.boot.mjs', bundles).href)
else await (await import('tsx/esm/api')).tsImport('./compactWorker.ts', import.meta.url)
