import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './internal/http.ts';

// The other side of casekit's API channel ("bring your own channel", reference/channels.md §7):
// a system that receives replies at its callback URL and posts customers' messages and replies'
// receipts, both signed
// the Standard Webhooks way: webhook-id, webhook-timestamp (unix s) and
// webhook-signature "v1,<base64 HMAC-SHA256(key, id.ts.body)>" with key = base64 after whsec_.

/** A reply the receiver accepted. */
export interface ApiChannelDelivery {
  webhookId: string;
  timestamp: number;
  /** The headers as they arrived (names in lower case). */
  headers: Record<string, string>;
  /** The body exactly as received. */
  raw: string;
  /** The body parsed. */
  body: {
    type: string;
    timestamp: string;
    data: {
      message: { id: string; text: string; attachments: Array<{ name: string; contentType: string; size: number; url: string }>; createdAt: string; conversationId: string; caseId: string };
      to: { externalId: string };
    };
  };
}

/** Errors the receiver can be told to answer, by HTTP status. */
export type ApiChannelFailure = 400 | 404 | 408 | 410 | 422 | 429 | 500 | 502 | 503;

export interface ApiChannelReceiver {
  /** The URL to put in `config.callbackUrl`. */
  url: string;
  /** Replies accepted, one per `webhook-id`, in order. */
  deliveries: ApiChannelDelivery[];
  /** Verified events of other types (`channel.test`), answered 204 and kept here, in order. */
  events: { webhookId: string; type: string; raw: string }[];
  /** Why each refused request was refused (`missing headers`, `stale`, `signature`…), in order. */
  refusals: string[];
  /** Requests received, accepted or not. */
  readonly attempts: number;
  /** Answers the next `count` deliveries with `status` (429 carries Retry-After: 3). */
  failNext(count: number, status?: ApiChannelFailure): void;
  close(): Promise<void>;
}

/**
 * Starts a receiver for the API channel's replies on 127.0.0.1. It verifies each delivery with
 * `signingSecret` and a 5-minute tolerance, answers 200 `{"id":"ext_<n>"}` (or 204 with
 * `answerId: false`), and answers a repeated `webhook-id` with the id it gave the first time.
 */
export async function startApiChannelReceiver(options: { signingSecret: string; answerId?: boolean; now?: () => Date }): Promise<ApiChannelReceiver> {
  const now = options.now ?? (() => new Date());
  const keys = secretKeys(options.signingSecret);
  const deliveries: ApiChannelDelivery[] = [];
  const events: { webhookId: string; type: string; raw: string }[] = [];
  const refusals: string[] = [];
  const failures: ApiChannelFailure[] = [];
  const ids = new Map<string, string>();
  let attempts = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => sendJson(res, 500, { error: 'internal error' }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    attempts += 1;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
    const refusal = check(headers, raw);
    if (refusal) {
      refusals.push(refusal);
      return sendJson(res, 401, { error: `invalid signature: ${refusal}` });
    }
    const failure = failures.shift();
    if (failure) {
      if (failure === 429) res.setHeader('retry-after', '3');
      return sendJson(res, failure, { error: failure >= 500 ? 'temporarily unavailable' : `refused with ${failure}` });
    }
    const webhookId = headers['webhook-id']!;
    const event = JSON.parse(raw.toString('utf8')) as { type?: unknown };
    // Event types a receiver does not handle are answered 2xx, as Standard Webhooks receivers do.
    if (event.type !== 'message.created') {
      events.push({ webhookId, type: String(event.type), raw: raw.toString('utf8') });
      return void res.writeHead(204).end();
    }
    let id = ids.get(webhookId);
    if (!id) {
      id = `ext_${ids.size + 1}`;
      ids.set(webhookId, id);
      deliveries.push({ webhookId, timestamp: Number(headers['webhook-timestamp']), headers, raw: raw.toString('utf8'), body: JSON.parse(raw.toString('utf8')) as ApiChannelDelivery['body'] });
    }
    if (options.answerId === false) return void res.writeHead(204).end();
    sendJson(res, 200, { id });
  }

  function check(headers: Record<string, string>, raw: Buffer): string | undefined {
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signatures = headers['webhook-signature'];
    if (!id || !timestamp || !signatures) return 'missing headers';
    const seconds = Number.parseInt(timestamp, 10);
    if (!Number.isFinite(seconds) || Math.abs(now().getTime() / 1000 - seconds) > 300) return 'stale';
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), raw]);
    for (const entry of signatures.split(' ')) {
      const [version, value] = entry.split(',');
      if (version !== 'v1' || !value) continue;
      const given = Buffer.from(value, 'base64');
      for (const key of keys) {
        const expected = createHmac('sha256', key).update(signed).digest();
        if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
      }
    }
    return 'signature';
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/casekit/replies`,
    deliveries,
    events,
    refusals,
    get attempts() {
      return attempts;
    },
    failNext(count, status = 500) {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A customer's message as your system would post it. */
export interface ApiChannelMessageInput {
  from: { externalId: string; name?: string; email?: string; phone?: string };
  text: string;
  attachments?: Array<{ name: string; contentType: string; url: string; size?: number }>;
  /** When it was written (default: now). */
  timestamp?: string;
}

/** The `message.created` envelope for an inbound message. */
export function apiChannelMessage(input: ApiChannelMessageInput): Record<string, unknown> {
  const data: Record<string, unknown> = { from: input.from, text: input.text };
  if (input.attachments) data.attachments = input.attachments;
  return { type: 'message.created', timestamp: input.timestamp ?? new Date().toISOString(), data };
}

/** The `message.status` envelope: what became of a reply (`messageId` is the id the callback answered, else casekit's). */
export function apiChannelStatus(input: {
  messageId: string;
  status: 'delivered' | 'read' | 'failed';
  error?: { code: string; reason: string };
  timestamp?: string;
}): Record<string, unknown> {
  const data: Record<string, unknown> = { messageId: input.messageId, status: input.status };
  if (input.error) data.error = input.error;
  return { type: 'message.status', timestamp: input.timestamp ?? new Date().toISOString(), data };
}

/** The three Standard Webhooks headers for `body`, signed with every key of `signingSecret`. */
export function signApiChannelWebhook(signingSecret: string, webhookId: string, timestamp: number, body: string | Uint8Array): Record<string, string> {
  const signed = Buffer.concat([Buffer.from(`${webhookId}.${timestamp}.`), Buffer.from(body)]);
  const signature = secretKeys(signingSecret)
    .map((key) => `v1,${createHmac('sha256', key).update(signed).digest('base64')}`)
    .join(' ');
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

let messageCounter = 0;

/**
 * The headers and body your system would post for `envelope`; `signingSecret` undefined signs
 * nothing. The id defaults to a fresh `msg_…`, the timestamp to now (unix seconds).
 */
export function apiChannelWebhook(
  envelope: unknown,
  signingSecret: string | undefined,
  options: { webhookId?: string; timestamp?: number } = {},
): { headers: Record<string, string>; body: string } {
  messageCounter += 1;
  const body = JSON.stringify(envelope);
  const webhookId = options.webhookId ?? `msg_${Date.now().toString(36)}${String(messageCounter).padStart(4, '0')}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = signingSecret === undefined ? {} : signApiChannelWebhook(signingSecret, webhookId, timestamp, body);
  return { headers: { 'content-type': 'application/json', ...signed }, body };
}

/** Posts a signed inbound message to the channel's webhook URL. */
export function postApiChannelMessage(
  url: string,
  envelope: unknown,
  signingSecret: string | undefined,
  options: { webhookId?: string; timestamp?: number } = {},
): Promise<Response> {
  const { headers, body } = apiChannelWebhook(envelope, signingSecret, options);
  return fetch(url, { method: 'POST', headers, body });
}

function secretKeys(signingSecret: string): Buffer[] {
  return signingSecret
    .split(' ')
    .filter(Boolean)
    .map((secret) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64'));
}


