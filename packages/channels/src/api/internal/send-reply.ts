import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import type { ApiChannelConfig, ApiChannelSecrets } from '../settings.ts';
import { postSigned } from './standard-webhooks.ts';

/** Well inside the outbox's lease on the message, so a slow answer is retried rather than sent twice at once. */
const SEND_TIMEOUT_MS = 10_000;

/**
 * Posts the reply to `callbackUrl` as a signed `message.created` event. `webhook-id` is our message
 * id on every attempt, so your system can drop a repeat; the timestamp and signature are fresh.
 * A 2xx answer may name your id for the message (`{"id":"…"}`).
 */
export async function sendApiReply(outbound: OutboundMessage, runtime: ChannelRuntime<ApiChannelConfig, ApiChannelSecrets>): Promise<SendResult> {
  const { message } = outbound;
  const body = new TextEncoder().encode(
    JSON.stringify({
      type: 'message.created',
      timestamp: message.createdAt,
      data: {
        message: {
          id: message.id,
          text: message.text,
          attachments: message.attachments.map((attachment) => ({ ...attachment, url: new URL(attachment.url, runtime.publicUrl).toString() })),
          createdAt: message.createdAt,
          conversationId: message.conversationId,
          caseId: message.caseId,
        },
        to: { externalId: outbound.to.externalId },
      },
    }),
  );
  let response: Response;
  try {
    response = await postSigned(runtime, message.id, body, SEND_TIMEOUT_MS);
  } catch (error) {
    throw unreachable(error);
  }
  const answer = await response.text().catch(() => '');
  if (response.ok) return { providerMessageId: idIn(answer) ?? message.id };
  throw refusal(response, answer, runtime.now());
}

function idIn(answer: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(answer);
    const id = parsed && typeof parsed === 'object' && 'id' in parsed ? parsed.id : undefined;
    return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
  } catch {
    return undefined;
  }
}

function refusal(response: Response, answer: string, now: Date): DeliveryError {
  const { status } = response;
  const said = answer.trim().slice(0, 500);
  const reason = `The callback answered HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status === 429 || status === 408 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'), now);
    return new DeliveryError(reason, { retryable: true, code: String(status), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  if (status >= 300 && status < 400) {
    return new DeliveryError(`The callback answered a redirect (HTTP ${status}); set callbackUrl to where it points`, { retryable: false, code: String(status) });
  }
  return new DeliveryError(reason, { retryable: false, code: String(status) });
}

/** `Retry-After` in seconds or as an HTTP date. */
function retryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function unreachable(error: unknown): DeliveryError {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  const reason = timedOut ? `The callback did not answer within ${SEND_TIMEOUT_MS / 1000} s` : `The callback could not be reached: ${cause}`;
  return new DeliveryError(reason, { retryable: true, code: timedOut ? 'timeout' : 'network' });
}
