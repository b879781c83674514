import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr, so `cxpulse score` can keep stdout for results. */
export function createLogger(level = 'info'): Logger {
  return pino({ name: 'cxpulse', level }, pino.destination(2));
}
