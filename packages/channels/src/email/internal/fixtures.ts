import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter, ChannelRuntime, InboundEvent, Verification, WebhookRequest } from '@casekit/core';
import type { EmailConfig, EmailSecrets } from '../settings.ts';

// Test fixtures: a channel runtime, and a webhook endpoint on loopback that does what the
// runner does with an adapter (verify over the raw bytes, then parse).

/** An email channel's runtime with settings merged over sensible test values. */
export function emailRuntime(config: Partial<EmailConfig> = {}, secrets: EmailSecrets = {}, now: () => Date = () => new Date()): ChannelRuntime<EmailConfig, EmailSecrets> {
  return {
    channel: {
      id: 'ch_email',
      workspaceId: 'ws_test',
      kind: 'email',
      name: 'Support mail',
      config: { address: 'support@acme.example', smtp: { host: '127.0.0.1', port: 2525, secure: false }, inbound: 'smtp', fromName: 'ACME Support', ...config },
      secrets,
    },
    webhookUrl: 'http://127.0.0.1/webhooks/ch_email',
    publicUrl: 'http://127.0.0.1',
    fetch,
    now,
  };
}

/** A webhook endpoint on 127.0.0.1 running one adapter; it records what it verified and parsed. */
export interface WebhookEndpoint {
  url: string;
  events: InboundEvent[];
  verdicts: Verification[];
  close(): Promise<void>;
}

export async function startWebhookEndpoint(adapter: ChannelAdapter<EmailConfig, EmailSecrets>, runtime: ChannelRuntime<EmailConfig, EmailSecrets>): Promise<WebhookEndpoint> {
  const events: InboundEvent[] = [];
  const verdicts: Verification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const request: WebhookRequest = { method: req.method ?? 'POST', url: new URL(req.url ?? '/', runtime.webhookUrl).toString(), headers, body: new Uint8Array(Buffer.concat(chunks)) };
      Promise.resolve(adapter.verify(request, runtime))
        .then(async (verdict) => {
          verdicts.push(verdict);
          if (!verdict.ok) {
            res.writeHead(verdict.status).end(verdict.reason);
            return;
          }
          const parsed = await adapter.parse(request, runtime);
          events.push(...parsed.events);
          res.writeHead(200).end();
        })
        .catch((error: unknown) => {
          res.writeHead(error instanceof ChannelPayloadError ? 400 : 500).end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/ch_email`,
    events,
    verdicts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
