import type { Verification, WebhookReply, WebhookRequest } from '@casekit/core';
import { hmac, safeEqual } from '../../internal/crypto.ts';

// X signs webhook bodies and answers CRC challenges with the same key and algorithm:
// `sha256=` + base64 HMAC-SHA256 under the app's consumer secret.

/**
 * X's CRC tokens are short base64-like strings. Refusing anything else matters: a CRC answer is
 * an HMAC of what the caller chose, and a token that looked like a JSON body would hand out a
 * valid signature for that body.
 */
const CRC_TOKEN = /^[A-Za-z0-9_\-+/=.]{1,256}$/;

/** Answers X's challenge-response check (`GET ?crc_token=…`) with `{ response_token }`. */
export function answerCrc(request: WebhookRequest, consumerSecret: string): WebhookReply {
  const token = new URL(request.url).searchParams.get('crc_token');
  if (token === null) return { status: 400, contentType: 'text/plain', body: 'crc_token is missing' };
  if (!CRC_TOKEN.test(token)) return { status: 400, contentType: 'text/plain', body: 'crc_token is not a CRC token' };
  const responseToken = `sha256=${hmac('sha256', consumerSecret, token, 'base64')}`;
  return { status: 200, contentType: 'application/json', body: JSON.stringify({ response_token: responseToken }) };
}

/** Checks `x-twitter-webhooks-signature` over the raw body bytes. */
export function verifyXSignature(request: WebhookRequest, consumerSecret: string): Verification {
  const signature = request.headers['x-twitter-webhooks-signature'];
  if (signature === undefined || signature === '') return { ok: false, status: 401, reason: 'x-twitter-webhooks-signature is missing' };
  const expected = `sha256=${hmac('sha256', consumerSecret, request.body, 'base64')}`;
  if (!safeEqual(signature, expected)) return { ok: false, status: 403, reason: 'x-twitter-webhooks-signature does not match the body' };
  return { ok: true };
}
