import type { WebhookReply, WebhookRequest } from '@casekit/core';
import { safeEqual } from '../internal/crypto.ts';

/**
 * Answers Meta's subscription check (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`):
 * 200 with the challenge as plain text when the token is this channel's Verify Token, else 403.
 */
export function answerMetaHandshake(request: Pick<WebhookRequest, 'url'>, verifyToken: string): WebhookReply {
  const query = queryOf(request.url);
  const mode = query.get('hub.mode');
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');
  if (mode !== 'subscribe' || token === null || challenge === null || !safeEqual(token, verifyToken)) {
    return { status: 403, contentType: 'text/plain; charset=utf-8', body: 'The verify token does not match this channel.' };
  }
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: challenge };
}

function queryOf(url: string): URLSearchParams {
  try {
    return new URL(url).searchParams;
  } catch {
    return new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  }
}
