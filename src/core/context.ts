import type { Log } from './logging/log.js';

/** Who asked: the authenticated user name, or undefined for anonymous access. */
export interface Actor {
  readonly name: string | undefined;
}

/** The HTTP request behind an operation, for registry events (ACR's `request` object). */
export interface RequestInfo {
  readonly id: string;
  readonly host: string;
  readonly method: string;
  readonly userAgent: string;
}

/** Passed first to every domain service method: Go's context.Context, the TypeScript way. */
export interface OpContext {
  readonly log: Log;
  readonly signal: AbortSignal;
  readonly actor: Actor;
  readonly request?: RequestInfo;
}
