import type { ChannelRuntime, Verification, WebhookRequest } from '@casekit/core';
import type { ApiChannelConfig, ApiChannelSecrets } from '../settings.ts';
import { hmac, safeEqual } from '../../internal/crypto.ts';

// Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{ts}.{body}")>`,
// a space-separated list (one per key while keys rotate), `webhook-timestamp` in unix seconds.

/** How far `webhook-timestamp` may be from our clock, either way. */
const TOLERANCE_SECONDS = 5 * 60;
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
/** An id is printable ASCII without spaces: it is signed as text and stored as the message's id. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;

/** What `signingSecret` must look like, for the settings form. */
export const SIGNING_SECRET_HINT = 'must be whsec_ followed by base64 of 24 to 64 bytes (several separated by spaces while rotating)';

/** Whether `value` is one or more `whsec_` secrets of 24–64 bytes. */
export function isSigningSecret(value: string): boolean {
  const parts = value.trim().split(/\s+/);
  return parts.every((part) => {
    const base64 = SECRET.exec(part)?.[1];
    const size = base64 ? Buffer.from(base64, 'base64').length : 0;
    return size >= 24 && size <= 64;
  });
}

/** The keys of a (validated) signing secret, newest first. */
export function signingKeys(secret: string): Buffer[] {
  return secret
    .trim()
    .split(/\s+/)
    .map((part) => Buffer.from(part.slice('whsec_'.length), 'base64'));
}

/** The `webhook-signature` header for a message: one `v1,` entry per key. */
function signatureHeader(keys: readonly Buffer[], id: string, timestamp: number, body: Uint8Array): string {
  return keys.map((key) => `v1,${signature(key, id, String(timestamp), body)}`).join(' ');
}

/**
 * The Standard Webhooks headers of a JSON body sent now: its id, the timestamp and a signature
 * per key of `secret` (a validated signing secret), so any Standard Webhooks library verifies it.
 */
export function standardWebhookHeaders(secret: string, webhookId: string, now: Date, body: Uint8Array): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(signingKeys(secret), webhookId, timestamp, body),
  };
}

/**
 * POSTs a JSON body to the channel's `callbackUrl`, signed with every key and timestamped now.
 * Redirects are not followed: the signed request goes where it was configured, or nowhere.
 */
export function postSigned(runtime: ChannelRuntime<ApiChannelConfig, ApiChannelSecrets>, webhookId: string, body: Uint8Array<ArrayBuffer>, timeoutMs: number): Promise<Response> {
  return runtime.fetch(runtime.channel.config.callbackUrl, {
    method: 'POST',
    headers: standardWebhookHeaders(runtime.channel.secrets.signingSecret, webhookId, runtime.now(), body),
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * Checks a request's Standard Webhooks headers over its raw bytes: 401 when one is missing, 403
 * when the id or timestamp is malformed, the timestamp is more than 5 minutes off, or no `v1`
 * signature matches any key.
 */
export function verifyStandardWebhook(request: WebhookRequest, keys: readonly Buffer[], now: Date): Verification {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = request.headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return { ok: false, status: 401, reason: 'webhook-id, webhook-timestamp and webhook-signature are required' };
  if (!WEBHOOK_ID.test(id)) return { ok: false, status: 403, reason: 'webhook-id must be 1–256 printable characters without spaces' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 403, reason: 'webhook-timestamp must be unix seconds' };
  if (Math.abs(Number(timestamp) - now.getTime() / 1000) > TOLERANCE_SECONDS) {
    return { ok: false, status: 403, reason: 'webhook-timestamp is more than 5 minutes from now; sign each attempt when it is sent' };
  }
  const expected = keys.map((key) => signature(key, id, timestamp, request.body));
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => expected.some((candidate) => safeEqual(entry.slice(3), candidate)));
  return matches ? { ok: true } : { ok: false, status: 403, reason: 'no v1 signature in webhook-signature matches the signing secret' };
}

function signature(key: Buffer, id: string, timestamp: string, body: Uint8Array): string {
  // Over the bytes as they are: a body that is not valid UTF-8 is not smoothed over by decoding.
  return hmac('sha256', key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]), 'base64');
}
