import { ERROR_STATUS, isErrorBody } from '@casekit/protocol';
import type { ErrorBodyShape, ErrorCode } from '@casekit/protocol';

/** The `details` of an API error: field issues for validation errors, anything else the server adds. */
export type ApiErrorDetails = NonNullable<ErrorBodyShape['error']['details']>;

/**
 * Thrown by every SDK call that did not succeed: `code` and `details` come from the server's
 * error body; `status` is the HTTP status, or 0 when the server could not be reached.
 * @example if (err instanceof CasekitApiError && err.code === 'version_conflict') reload();
 */
export class CasekitApiError extends Error {
  override readonly name = 'CasekitApiError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ApiErrorDetails | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; details?: ApiErrorDetails; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.details = options.details;
  }

  /** True when the request may succeed if sent again later (network down, 5xx, 429). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Why the realtime connection failed: `unreachable`, nothing answered (server down, network,
 * or a cross-origin page the server does not allow); `wrong_path`, something answered but casekit
 * is not mounted there (set the client's `path`); `refused`, the server turned the handshake down
 * (a token it does not accept).
 */
export type RealtimeFailureReason = 'unreachable' | 'wrong_path' | 'refused';

/**
 * The `error` event's payload when realtime cannot connect. An unreachable server is reported
 * once after the first failed attempt; the client keeps retrying and emits `connection` states.
 * @example client.on('error', (e) => { if (e instanceof CasekitRealtimeError && e.reason === 'wrong_path') console.warn(e.message); });
 */
export class CasekitRealtimeError extends CasekitApiError {
  readonly reason: RealtimeFailureReason;

  constructor(reason: RealtimeFailureReason, code: ErrorCode, message: string, options: { status?: number; details?: ApiErrorDetails; cause?: unknown } = {}) {
    super(code, message, options);
    this.reason = reason;
  }
}

/** Builds the error for a non-2xx answer, from its `{ error }` body when there is one. */
export function errorFromResponse(status: number, body: unknown, what: string): CasekitApiError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new CasekitApiError(code, message, { status, ...(details ? { details } : {}) });
  }
  return new CasekitApiError(codeForStatus(status), `${what} failed with HTTP ${status} and no casekit error body.`, {
    status,
  });
}

/** The most general error code for an HTTP status, for answers that carry no error body. */
function codeForStatus(status: number): ErrorCode {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    422: 'invalid_transition',
    429: 'rate_limited',
    502: 'unavailable',
    503: 'unavailable',
    504: 'unavailable',
  };
  return byStatus[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** Normalises anything thrown into a CasekitApiError (already one: returned as is). */
export function toApiError(err: unknown, fallbackMessage: string): CasekitApiError {
  if (err instanceof CasekitApiError) return err;
  const message = err instanceof Error ? `${fallbackMessage}: ${err.message}` : fallbackMessage;
  return new CasekitApiError('unavailable', message, { status: 0, cause: err });
}
