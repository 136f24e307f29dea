/**
 * Structured logs (pino): one JSON object per line in production, coloured one-liners in
 * development (pino-pretty, in-process so nothing is lost when the process exits at once).
 *
 * Fields every component uses, so one account's or one request's story can be grepped out:
 * `requestId` (HTTP, from Hono's request-id middleware), `accountId` and `connectionId` (sync),
 * `component` (storage, rooms, plan, http, sync, demo), `err` (an Error, with its stack).
 */
import pino, { type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface LoggerOptions {
  level: LogLevel
  format: LogFormat
  /** Receives every line instead of stdout (tests capture logs this way); lines are JSON. */
  sink?: (line: string) => void
}

export function createLogger({ level, format, sink }: LoggerOptions): Logger {
  let stream: DestinationStream
  if (sink) stream = { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) }
  else if (format === 'pretty')
    stream = pretty({
      sync: true,
      colorize: process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    })
  else stream = pino.destination({ dest: 1, sync: true })
  return pino({ level, serializers: { err: pino.stdSerializers.err } }, stream)
}

/** The default format: human-readable when a person is watching a development server. */
export function defaultLogFormat(env: NodeJS.ProcessEnv, isTTY = Boolean(process.stdout.isTTY)): LogFormat {
  if (env.NODE_ENV === 'production') return 'json'
  if (env.NODE_ENV === 'development') return 'pretty'
  return isTTY ? 'pretty' : 'json'
}

/** A logger that drops everything (library code given no logger). */
export const silentLogger: Logger = pino({ level: 'silent' })
