import { randomBytes } from 'node:crypto';
import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime } from '@casekit/core';
import { z } from 'zod';
import type { XConfig, XSecrets } from '../settings.ts';
import { oauth1Authorization } from './oauth1.ts';

/** Well inside the outbox's lease on the message, so a slow answer is retried rather than sent twice at once. */
const TIMEOUT_MS = 15_000;

const problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional(), detail: z.string().optional() })).optional(),
});

/**
 * POSTs a JSON body to an X API v2 path as the account (OAuth 1.0a user context, a fresh nonce
 * each time: X refuses one it has seen) and answers the 2xx body. Refusals become
 * `DeliveryError`s: 429 waits for `x-rate-limit-reset`, 5xx is retried, the rest is permanent.
 */
export async function postToX(path: string, body: unknown, runtime: ChannelRuntime<XConfig, XSecrets>): Promise<unknown> {
  const { config, secrets } = runtime.channel;
  const url = `${config.apiBaseUrl}${path}`;
  const authorization = oauth1Authorization(
    { method: 'POST', url },
    { consumerKey: secrets.consumerKey, consumerSecret: secrets.consumerSecret, token: secrets.accessToken, tokenSecret: secrets.accessTokenSecret },
    { nonce: randomBytes(16).toString('hex'), timestamp: Math.floor(runtime.now().getTime() / 1000) },
  );
  let response: Response;
  try {
    response = await runtime.fetch(url, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(error);
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload;
  throw refusal(response, payload, runtime.now());
}

function refusal(response: Response, payload: unknown, now: Date): DeliveryError {
  const { status } = response;
  const details = problem.safeParse(payload);
  const first = details.success ? details.data.errors?.[0] : undefined;
  const said = details.success ? (first?.message ?? first?.detail ?? details.data.detail ?? details.data.title) : undefined;
  const reason = said ?? `X answered HTTP ${status}`;
  if (status === 429) {
    // x-rate-limit-reset is the unix second the window opens again.
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now.getTime()) : undefined;
    return new DeliveryError(reason, { retryable: true, code: '429', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status >= 500) return new DeliveryError(reason, { retryable: true, code: String(status) });
  return new DeliveryError(reason, { retryable: false, code: String(status) });
}

function unreachable(error: unknown): DeliveryError {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
  const reason = timedOut ? `X did not answer within ${TIMEOUT_MS / 1000} s` : `X could not be reached: ${cause}`;
  return new DeliveryError(reason, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}
