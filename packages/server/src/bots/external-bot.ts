import { standardWebhookHeaders } from '@casekit/channels/api';
import { customerDisplayName, type Case, type Customer, type ExternalBotConfig, type Message } from '@casekit/protocol';

/** Messages of the conversation sent along with each post, the latest ones. */
const TRANSCRIPT_MESSAGES = 20;

/** How a post to an external bot went: accepted, or why it was not. */
export type PostOutcome = { ok: true } | { ok: false; reason: 'failed' | 'timeout'; summary: string };

/** What an external bot receives for each customer message. */
export interface BotPost {
  message: Message;
  kase: Case;
  customer: Customer | null;
  /** The case's public messages, oldest first, up to and including `message`. */
  transcript: readonly Message[];
  /** Base URL of `/api/v1`, for the links the bot answers through. */
  apiUrl: string;
}

/** The JSON posted to an external bot: the message, the case and customer, the conversation, and where to answer. */
function payloadOf({ message, kase, customer, transcript, apiUrl }: BotPost) {
  const caseUrl = `${apiUrl}/cases/${kase.id}`;
  return {
    type: 'message.created',
    timestamp: message.createdAt,
    data: {
      message: { id: message.id, text: message.text, attachments: message.attachments, createdAt: message.createdAt, conversationId: message.conversationId, channelKind: message.channelKind },
      case: { id: kase.id, number: kase.number, subject: kase.subject, status: kase.status },
      customer: customer && { id: customer.id, name: customerDisplayName(customer), emails: customer.emails, phones: customer.phones, attributes: customer.attributes },
      transcript: transcript.slice(-TRANSCRIPT_MESSAGES).map((m) => ({ authorKind: m.authorKind, authorName: m.authorName, text: m.text, createdAt: m.createdAt })),
      links: { reply: `${caseUrl}/messages`, handoff: `${caseUrl}/handoff` },
    },
  };
}

/**
 * POSTs a customer message to an external bot, signed the Standard Webhooks way with its signing
 * secret (`webhook-id` is the message id on every attempt), within the bot's timeout. Redirects
 * are not followed. A 2xx accepts it; anything else is a failure the caller hands off on.
 */
export async function postToBot(config: ExternalBotConfig, signingSecret: string, post: BotPost, http: { fetch: typeof fetch; now: Date }): Promise<PostOutcome> {
  const body = new TextEncoder().encode(JSON.stringify(payloadOf(post)));
  let response: Response;
  try {
    response = await http.fetch(config.url, {
      method: 'POST',
      headers: standardWebhookHeaders(signingSecret, post.message.id, http.now, body),
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutSeconds * 1000),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { ok: false, reason: 'timeout', summary: `The bot at ${config.url} did not answer within ${config.timeoutSeconds} s.` };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { ok: false, reason: 'failed', summary: `The bot at ${config.url} could not be reached: ${cause}.` };
  }
  const said = (await response.text().catch(() => '')).trim().slice(0, 300);
  if (response.ok) return { ok: true };
  return { ok: false, reason: 'failed', summary: `The bot at ${config.url} answered HTTP ${response.status}${said ? `: ${said}` : ''}.` };
}
