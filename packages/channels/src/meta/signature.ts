import type { Verification, WebhookRequest } from '@casekit/core';
import { hmac, safeEqual } from '../internal/crypto.ts';

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(App Secret, raw body)>` over the
 * bytes exactly as they arrived (Meta signs its escaped-unicode JSON, so a re-serialized body
 * never matches). No header answers 401, a wrong one 403.
 */
export function verifyMetaSignature(request: Pick<WebhookRequest, 'headers' | 'body'>, appSecret: string): Verification {
  const header = request.headers['x-hub-signature-256']?.trim();
  if (!header) {
    return { ok: false, status: 401, reason: 'The request has no X-Hub-Signature-256 header; only Meta can call this webhook.' };
  }
  const expected = `sha256=${hmac('sha256', appSecret, request.body, 'hex')}`;
  if (!safeEqual(header.toLowerCase(), expected)) {
    return {
      ok: false,
      status: 403,
      reason: 'X-Hub-Signature-256 does not match the body: check that the App Secret is the one of the Meta app whose webhook calls this URL.',
    };
  }
  return { ok: true };
}
