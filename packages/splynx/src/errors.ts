/** Splynx's own `internal_code` values, as its error body names them. */
export const SPLYNX_INTERNAL_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'SERVER_ERROR',
  'INVALID_INPUT_DATA',
  'NOT_ALLOWED_BY_PARTNER_RESTRICTION',
  'METHOD_DISABLED',
  'EMPTY_ACCESS_TOKEN',
  'EXPIRED_ACCESS_TOKEN',
  'EXPIRED_REFRESH_TOKEN',
  'TOKEN_BANNED',
  'MISSED_AUTHORIZATION_HEADER',
  'INVALID_AUTH_TYPE',
  'USER_AGENT_CHANGED',
  'IP_CHANGED',
  'ENTITY_CANNOT_BE_DELETED',
] as const;
export type SplynxInternalCode = (typeof SPLYNX_INTERNAL_CODES)[number];

/** Failures on our side of the wire: no answer, too slow, HTTP 429, an answer that is not Splynx's, bad options, a closed client. */
export const SPLYNX_CLIENT_CODES = ['network', 'timeout', 'rate_limited', 'unexpected_response', 'invalid_options', 'closed'] as const;
export type SplynxClientCode = (typeof SPLYNX_CLIENT_CODES)[number];

/** An internal code Splynx may add later still arrives as its own string. */
export type SplynxErrorCode = SplynxInternalCode | SplynxClientCode | (string & {});

/**
 * A Splynx call that failed: `code` is Splynx's `internal_code` (e.g. `NOT_FOUND`) or one of
 * ours (`network`, `timeout`, `rate_limited`, …); `status` is the HTTP status when there was one.
 */
export class SplynxError extends Error {
  override readonly name = 'SplynxError';
  readonly code: SplynxErrorCode;
  readonly status: number | undefined;
  /** `METHOD path` of the request that failed, e.g. `GET admin/customers/customer/4`. */
  readonly request: string | undefined;

  constructor(code: SplynxErrorCode, message: string, options: { status?: number; request?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.request = options.request;
  }
}

/** A failure that may pass on its own (no answer, too slow, 429, 5xx): worth trying again later. */
export function isTransient(error: SplynxError): boolean {
  return error.code === 'network' || error.code === 'timeout' || error.code === 'rate_limited' || (error.status !== undefined && error.status >= 500);
}
