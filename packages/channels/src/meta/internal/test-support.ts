// For tests only: a reply to send, and one channel's webhook served on loopback the way the webhook runner does (GET →
// handshake, POST → verify over the raw bytes → parse), so signed senders can post real requests.
import type { ChannelAdapter, ChannelRuntime, InboundEvent, OutboundMessage, WebhookRequest } from '@casekit/core';
import { ChannelPayloadError } from '@casekit/core';
import type { Attachment, ChannelKind } from '@casekit/protocol';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A channel's runtime for tests: Node's fetch, the real clock. */
export function testRuntime<C extends object, S extends object>(kind: string, config: C, secrets: S, webhookUrl = 'http://127.0.0.1/webhooks/ch_test'): ChannelRuntime<C, S> {
  return {
    channel: { id: 'ch_test', workspaceId: 'ws_test', kind, name: 'Test channel', config, secrets },
    webhookUrl,
    publicUrl: webhookUrl.replace(/\/webhooks\/[^/]+$/, ''),
    fetch: globalThis.fetch,
    now: () => new Date(),
  };
}

/** A loopback webhook endpoint for one channel, keeping the events its adapter parsed. */
export interface TestReceiver {
  url: string;
  events: InboundEvent[];
  close(): Promise<void>;
}

/** Starts the endpoint; the runtime's `webhookUrl` is the endpoint's own URL. */
export async function startTestReceiver<C extends object, S extends object>(adapter: ChannelAdapter<C, S>, settings: { config: C; secrets: S }): Promise<TestReceiver> {
  const events: InboundEvent[] = [];
  let runtime: ChannelRuntime<C, S>;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const request: WebhookRequest = { method: req.method ?? 'GET', url: runtime.webhookUrl + query, headers, body: new Uint8Array(Buffer.concat(chunks)) };
    const answer = (status: number, body = '', contentType = 'text/plain') => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    if (request.method === 'GET') {
      const reply = adapter.handshake?.(request, runtime) ?? { status: 405 };
      return answer(reply.status, reply.body, reply.contentType);
    }
    const verdict = await adapter.verify(request, runtime);
    if (!verdict.ok) return answer(verdict.status, verdict.reason);
    try {
      const parsed = await adapter.parse(request, runtime);
      events.push(...parsed.events);
      return answer(parsed.reply?.status ?? 200, parsed.reply?.body, parsed.reply?.contentType);
    } catch (error) {
      if (error instanceof ChannelPayloadError) return answer(400, error.message);
      return answer(500, String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ch_test`;
  runtime = testRuntime(adapter.kind, settings.config, settings.secrets, url);
  return { url, events, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An agent's reply to `externalId` on a channel of `medium`, with optional files. */
export function testOutbound(
  medium: ChannelKind,
  externalId: string,
  text: string,
  options: { attachments?: Attachment[]; loadAttachment?: OutboundMessage['loadAttachment'] } = {},
): OutboundMessage {
  const at = '2026-03-01T10:00:00.000Z';
  const ids = { workspaceId: 'ws_test', caseId: 'c_1', conversationId: 'cv_1', customerId: 'cu_1', channelId: 'ch_test' };
  return {
    message: {
      id: 'm_out_1',
      ...ids,
      channelKind: medium,
      direction: 'outbound',
      authorKind: 'agent',
      authorId: 'ag_1',
      authorName: 'Alex Agent',
      internal: false,
      text,
      attachments: options.attachments ?? [],
      providerMessageId: null,
      clientMessageId: null,
      status: 'queued',
      createdAt: at,
    },
    conversation: { id: ids.conversationId, workspaceId: ids.workspaceId, caseId: ids.caseId, customerId: ids.customerId, channelId: ids.channelId, channelKind: medium, externalThreadId: null, createdAt: at, lastMessageAt: at },
    to: { externalId },
    lastInbound: null,
    ...(options.loadAttachment && { loadAttachment: options.loadAttachment }),
  };
}
