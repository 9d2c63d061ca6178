import { randomBytes } from 'node:crypto';
import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import { z } from 'zod';
import type { XConfig, XSecrets } from '../settings.ts';
import { oauth1Authorization } from './oauth1.ts';

/** Well inside the outbox's lease on the message, so a slow answer is retried rather than sent twice at once. */
const SEND_TIMEOUT_MS = 15_000;

const created = z.object({ data: z.object({ dm_conversation_id: z.string().optional(), dm_event_id: z.string().min(1) }) });
const problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional() })).optional(),
});

/**
 * Sends the reply as a Direct Message to the customer (X API v2, OAuth 1.0a user context). Its
 * `dm_event_id` is the id the same message carries when the webhook echoes it back.
 */
export async function sendXDirectMessage(outbound: OutboundMessage, runtime: ChannelRuntime<XConfig, XSecrets>): Promise<SendResult> {
  const { config, secrets } = runtime.channel;
  const url = `${config.apiBaseUrl}/2/dm_conversations/with/${encodeURIComponent(outbound.to.externalId)}/messages`;
  const authorization = oauth1Authorization(
    { method: 'POST', url },
    { consumerKey: secrets.consumerKey, consumerSecret: secrets.consumerSecret, token: secrets.accessToken, tokenSecret: secrets.accessTokenSecret },
    // A fresh nonce on every attempt: X refuses one it has seen.
    { nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(runtime.now().getTime() / 1000) },
  );

  let response: Response;
  try {
    response = await runtime.fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ text: outbound.message.text }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(error);
  }
  const payload: unknown = await response.json().catch(() => undefined);

  const ok = created.safeParse(payload);
  if (response.ok && ok.success) return { providerMessageId: ok.data.data.dm_event_id };
  throw refusal(response, payload, runtime.now());
}

function refusal(response: Response, payload: unknown, now: Date): DeliveryError {
  const { status } = response;
  const details = problem.safeParse(payload);
  const said = details.success ? (details.data.errors?.[0]?.message ?? details.data.detail ?? details.data.title) : undefined;
  const reason = said ?? `X answered HTTP ${status}`;
  if (status === 429) {
    // x-rate-limit-reset is the unix second the window opens again.
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now.getTime()) : undefined;
    return new DeliveryError(reason, { retryable: true, code: '429', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status >= 500) return new DeliveryError(reason, { retryable: true, code: String(status) });
  if (response.ok) return new DeliveryError('X answered without the sent message', { retryable: false, code: 'invalid_response' });
  return new DeliveryError(reason, { retryable: false, code: String(status) });
}

function unreachable(error: unknown): DeliveryError {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  const reason = timedOut ? `X did not answer within ${SEND_TIMEOUT_MS / 1000} s` : `X could not be reached: ${cause}`;
  return new DeliveryError(reason, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}
