import { DeliveryError } from '@casekit/core';

/** Graph API error object (`{"error":{…}}`) as Meta answers a failed call. */
interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
  error_data?: { details?: string } | string;
  fbtrace_id?: string;
}

// Throttling: application, user, page and WhatsApp account limits, and WhatsApp's own throughput ones.
const RATE_LIMITS = new Set([4, 17, 32, 613, 80001, 80006, 80007, 130429, 131048, 131056]);
// Meta's side failed and says trying later helps: unknown/service errors, WhatsApp's generic and
// unavailable errors, Messenger's temporary send failure.
const TRANSIENT = new Set([1, 2, 1200, 131000, 131016, 131057, 133004]);
// Outside the 24 hour window: WhatsApp re-engagement, Messenger and Instagram "outside of allowed window".
const WINDOW_SUBCODES = new Set([2018278, 2534022]);

const WHATSAPP_WINDOW = 'More than 24 hours have passed since the customer last wrote on WhatsApp: only an approved template message can reach them until they write again.';
const PAGE_WINDOW = 'More than 24 hours have passed since the customer last wrote: Meta accepts a free-form reply only within 24 hours of their last message, so wait until they write again.';
const AUTH = "Meta refused the access token (expired, revoked or without the messaging permission): generate a new one and save it in the channel's secrets.";

/** What a Meta error code means for a message: the code casekit stores, whether to try again, and why. */
export function classifyMetaError(error: { code?: number | undefined; subcode?: number | undefined; transient?: boolean | undefined }): {
  code: string;
  retryable: boolean;
  explanation?: string;
} {
  const { code, subcode } = error;
  if (code === 131047) return { code: 'window_closed', retryable: false, explanation: WHATSAPP_WINDOW };
  if (code === 10 && subcode !== undefined && WINDOW_SUBCODES.has(subcode)) return { code: 'window_closed', retryable: false, explanation: PAGE_WINDOW };
  if (code === 190) return { code: 'auth', retryable: false, explanation: AUTH };
  if (code !== undefined && RATE_LIMITS.has(code)) return { code: 'rate_limited', retryable: true };
  if (code !== undefined && TRANSIENT.has(code)) return { code: String(code), retryable: true };
  if (error.transient === true) return { code: code === undefined ? 'transient' : String(code), retryable: true };
  return { code: code === undefined ? 'unknown' : String(code), retryable: false };
}

/** Meta's words for an error: its message, then the details that say what to fix. */
export function metaErrorText(error: { message?: string | undefined; details?: string | undefined }): string {
  const message = error.message?.trim();
  const details = error.details?.trim();
  if (message && details && !message.includes(details)) return `${message}: ${details}`;
  return message || details || 'no reason given';
}

/**
 * The `DeliveryError` for a Graph API answer that was not a success: Meta's code decides when it
 * names a known case, else the HTTP status (5xx, 408 and 429 are tried again; other 4xx are not).
 */
export function graphDeliveryError(status: number, body: unknown, retryAfterHeader: string | null): DeliveryError {
  const error = graphErrorOf(body);
  const retryAfterMs = parseRetryAfter(retryAfterHeader);
  if (!error) {
    const retryable = status >= 500 || status === 408 || status === 429;
    return new DeliveryError(`Meta answered HTTP ${status} without a Graph error body.`, {
      retryable,
      code: status === 429 ? 'rate_limited' : `http_${status}`,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  const details = typeof error.error_data === 'string' ? error.error_data : error.error_data?.details;
  const text = metaErrorText({ message: error.message, details });
  const meaning = classifyMetaError({ code: error.code, subcode: error.error_subcode, transient: error.is_transient });
  const byStatus = status >= 500 || status === 429;
  const retryable = meaning.retryable || (byStatus && meaning.code !== 'window_closed' && meaning.code !== 'auth');
  const code = status === 429 && !meaning.retryable ? 'rate_limited' : meaning.code;
  const codes = [error.code, error.error_subcode].filter((n) => n !== undefined).join('/');
  const message = `${meaning.explanation ? `${meaning.explanation} ` : ''}Meta ${codes ? `error ${codes}` : `HTTP ${status}`}: ${text}`;
  return new DeliveryError(message, { retryable, code, ...(retryAfterMs !== undefined && { retryAfterMs }) });
}

function graphErrorOf(body: unknown): GraphErrorBody | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  return {
    ...(typeof e.message === 'string' && { message: e.message }),
    ...(typeof e.type === 'string' && { type: e.type }),
    ...(typeof e.code === 'number' && { code: e.code }),
    ...(typeof e.error_subcode === 'number' && { error_subcode: e.error_subcode }),
    ...(typeof e.is_transient === 'boolean' && { is_transient: e.is_transient }),
    ...(typeof e.error_user_msg === 'string' && { error_user_msg: e.error_user_msg }),
    ...((typeof e.error_data === 'string' || (typeof e.error_data === 'object' && e.error_data !== null)) && {
      error_data: e.error_data as GraphErrorBody['error_data'],
    }),
    ...(typeof e.fbtrace_id === 'string' && { fbtrace_id: e.fbtrace_id }),
  };
}

/** True when a Graph answer carries an error object, even under HTTP 200. */
export function hasGraphError(body: unknown): boolean {
  return graphErrorOf(body) !== null;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
