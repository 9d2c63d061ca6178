import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import { z } from 'zod';
import type { TelegramConfig, TelegramSecrets } from '../settings.ts';
import { telegramMessageKey } from './parse-update.ts';

/** Well inside the outbox's lease on the message, so a slow answer is retried rather than sent twice at once. */
const SEND_TIMEOUT_MS = 15_000;

const sent = z.object({ ok: z.literal(true), result: z.object({ message_id: z.number().int(), chat: z.object({ id: z.number().int() }).optional() }) });
const failed = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

/**
 * Sends the reply with `sendMessage` to the conversation's chat (a group's id from the thread key,
 * else the customer's private chat). In a group it answers the customer's last message so the
 * group sees whom it is for. The id it returns is `${chat.id}:${message_id}`.
 */
export async function sendTelegramMessage(outbound: OutboundMessage, runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<SendResult> {
  const { config, secrets } = runtime.channel;
  const chatId = outbound.conversation.externalThreadId ?? outbound.to.externalId;
  const body: Record<string, unknown> = { chat_id: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId, text: outbound.message.text };
  const replyTo = outbound.conversation.externalThreadId ? messageIdIn(chatId, outbound.lastInbound?.providerMessageId) : undefined;
  if (replyTo !== undefined) body.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };

  let response: Response;
  try {
    response = await runtime.fetch(`${config.apiBaseUrl}/bot${secrets.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(error);
  }
  const payload: unknown = await response.json().catch(() => undefined);

  const ok = sent.safeParse(payload);
  if (response.ok && ok.success) return { providerMessageId: telegramMessageKey(ok.data.result.chat?.id ?? chatId, ok.data.result.message_id) };
  throw refusal(response, payload);
}

/** The message id in a stored key of the same chat (`-100123:42` → 42). */
function messageIdIn(chatId: string, providerMessageId: string | null | undefined): number | undefined {
  const [chat, id] = providerMessageId?.split(':') ?? [];
  return chat === chatId && id && /^\d+$/.test(id) ? Number(id) : undefined;
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
  const reason = timedOut ? `Telegram did not answer within ${SEND_TIMEOUT_MS / 1000} s` : `Telegram could not be reached: ${causeOf(error)}`;
  return new DeliveryError(reason, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
