// No zod here, so browser bundles can use error codes and CasekitError without the schemas.

/** Every error code the API returns, with its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  invalid_transition: 422,
  /** The customer has no address the chosen channel can send to (no identity of its medium). */
  unreachable_customer: 422,
  unauthorized: 401,
  forbidden: 403,
  /** The agent was deactivated by an admin: sign-in is refused and their tokens stop working. */
  agent_deactivated: 403,
  not_found: 404,
  /** The client looks for casekit (API or realtime) at a path where it is not mounted: set the SDK's `path`. */
  wrong_path: 404,
  version_conflict: 409,
  conflict: 409,
  /** The channel's reply window (WhatsApp's 24 hours) has closed: only an approved template may go out. */
  reply_window_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error response (`ErrorBody` is its schema). */
export interface ErrorBodyShape {
  error: { code: ErrorCode; message: string; details?: { issues?: { path: string; message: string }[]; [key: string]: unknown } };
}

/** True when `value` is a casekit error body with a known code. */
export function isErrorBody(value: unknown): value is ErrorBodyShape {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, details } = error as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    Object.hasOwn(ERROR_STATUS, code) &&
    typeof message === 'string' &&
    (details === undefined || (typeof details === 'object' && details !== null))
  );
}

/**
 * The error every casekit layer throws: a typed `code`, the HTTP `status` it maps to, and
 * details a client can act on.
 * @example throw new CasekitError('not_found', 'No case with id "c_1" in this workspace.')
 */
export class CasekitError extends Error {
  override readonly name = 'CasekitError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }

  toBody(): ErrorBodyShape {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

