import { startServer } from './server.ts'
import { DataDirLockedError } from './storage/DataDirLock.ts'

try {
  const server = await startServer({ env: process.env })
  console.log(`War Room 作战室 is running at ${server.url}  (data: ${server.config.dataDir})`)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: saving every open room…`)
    await server.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
} catch (e) {
  if (e instanceof DataDirLockedError) {
    console.error(e.message)
    process.exit(2)
  }
  throw e
}
