import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime } from '@casekit/core';
import { z } from 'zod';
import type { TelegramConfig, TelegramSecrets } from '../settings.ts';

/** Well inside the outbox's lease on the message, so a slow answer is retried rather than sent twice at once. */
const TIMEOUT_MS = 15_000;

const sent = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number().int(), chat: z.object({ id: z.number().int() }).optional() }) });
const failed = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

/** The message Telegram answers a send with. */
export type SentMessage = z.infer<typeof sent>['result'];

/**
 * Calls one Bot API sending method (`sendMessage`, `sendPhoto`, `sendDocument`) with a JSON body
 * or a multipart upload. Refusals become `DeliveryError`s: 429 and 5xx are retried (429 after
 * `retry_after`), "blocked by the user" is `blocked`, the rest fail with Telegram's code.
 */
export async function callBotApi(method: string, body: Record<string, unknown> | FormData, runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<SentMessage> {
  const { config, secrets } = runtime.channel;
  let response: Response;
  try {
    response = await runtime.fetch(`${config.apiBaseUrl}/bot${secrets.botToken}/${method}`, {
      method: 'POST',
      ...(body instanceof FormData ? { body } : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(error);
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const ok = sent.safeParse(payload);
  if (response.ok && ok.success) return ok.data.result;
  throw refusal(response, payload);
}

function refusal(response: Response, payload: unknown): DeliveryError {
  const error = failed.safeParse(payload);
  const status = error.success ? error.data.error_code : response.status;
  const reason = error.success ? error.data.description : `Telegram answered HTTP ${response.status}`;
  if (status === 429) {
    const seconds = error.success ? error.data.parameters?.retry_after : undefined;
    const header = Number(response.headers.get('retry-after'));
    const retryAfter = seconds ?? (Number.isFinite(header) && header > 0 ? header : undefined);
    return new DeliveryError(reason, { retryable: true, code: '429', ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }) });
  }
  if (status >= 500) return new DeliveryError(reason, { retryable: true, code: String(status) });
  if (status === 403 && /blocked by the user/i.test(reason)) return new DeliveryError(reason, { retryable: false, code: 'blocked' });
  if (response.ok) return new DeliveryError('Telegram answered without the sent message', { retryable: false, code: 'invalid_response' });
  return new DeliveryError(reason, { retryable: false, code: String(status) });
}

function unreachable(error: unknown): DeliveryError {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  // Never the URL: it carries the bot token.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
  const reason = timedOut ? `Telegram did not answer within ${TIMEOUT_MS / 1000} s` : `Telegram could not be reached: ${cause}`;
  return new DeliveryError(reason, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}
