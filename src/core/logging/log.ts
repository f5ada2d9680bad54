import type { LogFn } from 'pino';

/** The logger shape services receive: pino's, or fastify's per-request child of it. */
export interface Log {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
  child(bindings: Record<string, unknown>): Log;
}
