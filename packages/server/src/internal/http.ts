import { CasekitError } from '@casekit/protocol';

/** Maps Express's own errors (an undecodable path, say) to CasekitError; null when it is a real fault. */
export function toCasekitError(error: unknown): CasekitError | null {
  if (error instanceof CasekitError) return error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as { status?: unknown; statusCode?: unknown; message?: unknown };
  const status = Number(e.status ?? e.statusCode);
  if (status >= 400 && status < 500) {
    if (status === 413) return new CasekitError('payload_too_large', 'The request is too large.', { cause: error });
    return new CasekitError('bad_request', `The request could not be read: ${String(e.message ?? 'malformed request')}.`, { cause: error });
  }
  return null;
}
