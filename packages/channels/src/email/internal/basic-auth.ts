import type { Verification, WebhookRequest } from '@casekit/core';
import { safeEqual } from '../../internal/crypto.ts';

/**
 * Checks the Basic credentials a provider sends when its webhook URL carries `user:password@`
 * (Postmark, SendGrid): missing → 401, wrong → 403, both halves compared in constant time.
 */
export function verifyBasicAuth(request: WebhookRequest, user: string | undefined, password: string | undefined, provider: string): Verification {
  if (!user || !password) return { ok: false, status: 403, reason: `No ${provider} webhook credentials are configured for this channel.` };
  const header = request.headers.authorization ?? '';
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { ok: false, status: 401, reason: `${provider} webhook without Basic credentials: put user:password@ in the webhook URL.` };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const givenUser = colon < 0 ? decoded : decoded.slice(0, colon);
  const givenPassword = colon < 0 ? '' : decoded.slice(colon + 1);
  const userMatches = safeEqual(givenUser, user);
  const passwordMatches = safeEqual(givenPassword, password);
  return userMatches && passwordMatches ? { ok: true } : { ok: false, status: 403, reason: `Wrong ${provider} webhook credentials.` };
}
