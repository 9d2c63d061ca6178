// Test support: a webhook endpoint on loopback that runs an adapter the way the webhook runner
// does (verify over the raw bytes, then parse), and a runtime for a channel's settings.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelAdapter, ChannelRuntime, ParsedWebhook, Verification, WebhookRequest } from '@casekit/core';
import type { TwilioConfig, TwilioSecrets } from '../settings.ts';

export type TwilioRuntime = ChannelRuntime<TwilioConfig, TwilioSecrets>;

/** A runtime for `adapter` with validated settings; `webhookUrl` is where Twilio posts. */
export function makeRuntime(
  adapter: ChannelAdapter<TwilioConfig, TwilioSecrets>,
  settings: { config: Record<string, unknown>; secrets: Record<string, string> },
  webhookUrl = 'https://support.example.com/webhooks/ch_twilio',
  fetchImpl: typeof fetch = fetch,
): TwilioRuntime {
  const { config, secrets } = adapter.validate(settings);
  return {
    channel: { id: 'ch_twilio', workspaceId: 'ws_test', kind: adapter.kind, name: 'Twilio', config, secrets },
    webhookUrl,
    publicUrl: new URL(webhookUrl).origin,
    fetch: fetchImpl,
    now: () => new Date(),
  };
}

/** One request the receiver took, with the adapter's verdict and what it parsed. */
export interface Received {
  request: WebhookRequest;
  verification: Verification;
  parsed?: ParsedWebhook;
  error?: unknown;
}

/** Starts an endpoint at `/webhooks/ch_twilio` that verifies and parses with `adapter`. */
export async function startReceiver(
  adapter: ChannelAdapter<TwilioConfig, TwilioSecrets>,
  settings: (webhookUrl: string) => { config: Record<string, unknown>; secrets: Record<string, string> },
): Promise<{ webhookUrl: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let webhookUrl = '';
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const query = new URL(req.url ?? '/', 'http://x').search;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const request: WebhookRequest = { method: req.method ?? 'POST', url: webhookUrl + query, headers, body: new Uint8Array(Buffer.concat(chunks)) };
    const runtime = makeRuntime(adapter, settings(webhookUrl), webhookUrl);
    const verification = await adapter.verify(request, runtime);
    const entry: Received = { request, verification };
    received.push(entry);
    if (!verification.ok) {
      res.writeHead(verification.status).end(verification.reason);
      return;
    }
    try {
      entry.parsed = await adapter.parse(request, runtime);
      const reply = entry.parsed.reply ?? { status: 200 };
      res.writeHead(reply.status, reply.contentType ? { 'content-type': reply.contentType } : {}).end(reply.body ?? '');
    } catch (error) {
      entry.error = error;
      res.writeHead(400).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ch_twilio`;
  return {
    webhookUrl,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook sample from reference/webhook-samples (copied into `./samples`). */
export interface TwilioSample {
  file: string;
  kind: 'form' | 'json';
  url: string;
  params?: Record<string, string>;
  body?: string;
  authToken?: string;
  expectedSignature?: string;
  expectedBodySha256?: string;
}

/** Every `twilio-*.json` sample, by file name. */
export function loadSamples(): TwilioSample[] {
  const dir = new URL('../samples/', import.meta.url);
  return readdirSync(dir)
    .filter((file) => /^twilio-.*\.json$/.test(file))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<TwilioSample, 'file'>) }));
}

/** A form-encoded POST as Twilio makes it; an array value is a repeated parameter. */
export function formRequest(url: string, params: Record<string, string | readonly string[]>, signature?: string): WebhookRequest {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const v of typeof value === 'string' ? [value] : value) form.append(name, v);
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== undefined && { 'x-twilio-signature': signature }) },
    body: new TextEncoder().encode(form.toString()),
  };
}
