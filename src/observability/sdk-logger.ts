import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const SDK_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };
const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's logger (worker, activities, workflow `log`) writing through our pino logger,
 * so that the worker's logs are JSON like the API's and carry the SDK's ids (workflowId, runId,
 * activityId, taskQueue) as fields. An error in the metadata keeps its type and message only:
 * stacks and causes are the SDK's business, and messages carry ids and codes, never contents.
 */
export function sdkLogger(log: Logger, level: string): DefaultLogger {
  return new DefaultLogger(SDK_LEVELS[level] ?? 'ERROR', (entry: LogEntry) => {
    const fields: Record<string, unknown> = { sdk: true };
    for (const [key, value] of Object.entries(entry.meta ?? {})) {
      fields[key] = value instanceof Error ? { type: value.name, message: value.message } : value;
    }
    log[PINO_METHOD[entry.level]](fields, entry.message);
  });
}
