import type { CaseEngine, Store } from '@casekit/core';
import type { Auth } from './auth.ts';

/** Where the toolkit writes what operators need to know; `fields` are merged into one JSON line. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the router and the realtime gateway work with: one workspace over one store. */
export interface CasekitDeps {
  store: Store;
  engine: CaseEngine;
  auth: Auth;
  /** The workspace this server serves; tokens for another workspace are refused. */
  workspaceId: string;
  logger?: Logger;
}

/** Logs warnings and errors to stderr as JSON lines; used when no logger is given. */
export const defaultLogger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
  error: (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`),
};

/** What to log of a thrown value: an Error's message, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
