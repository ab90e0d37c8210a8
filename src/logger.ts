import pino, { type Logger } from 'pino';

/** JSON logs with ids, never event contents. */
export function createLogger(level: string, name: string): Logger {
  return pino({ name, level, redact: ['req.headers.authorization', '*.clientSecret', '*.secret', '*.password'] });
}
