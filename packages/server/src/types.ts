import type { CaseEngine, Store } from '@casekit/core';
import type { Auth, Logger } from '@casekit/api';

export { errorText } from '@casekit/api';
export type { Logger } from '@casekit/api';

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
