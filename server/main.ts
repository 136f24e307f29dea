import { ConfigError } from './config.ts'
import { startServer } from './server.ts'
import { DataDirLockedError } from './storage/DataDirLock.ts'

try {
  const server = await startServer({ env: process.env })
  const { logger, dataDir } = server.config
  logger.info({ url: server.url, dataDir }, `War Room 作战室 is running at ${server.url}  (data: ${dataDir})`)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, `${signal}: saving every open room…`)
    await server.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
} catch (e) {
  // Before the server runs there is no configured logger: say it plainly and stop. (NodeLockedError
  // by name: server/pg/ loads only with DATABASE_URL, see server/backend.ts.)
  if (
    e instanceof DataDirLockedError ||
    (e instanceof Error && e.name === 'NodeLockedError') ||
    e instanceof ConfigError
  ) {
    console.error(e.message)
    process.exit(2)
  }
  throw e
}
