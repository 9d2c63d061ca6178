import { ChannelPayloadError, type CaseEngine, type ChannelRecord, type ChannelRuntime, type Clock, type InboundEvent, type InboundMessageEvent, type Store, type SystemActor, type WebhookReply } from '@casekit/core';
import { CasekitError, type Attachment } from '@casekit/protocol';
import type { BlobStore } from './blob-store.ts';
import type { ChannelKinds } from './channels.ts';
import { randomBase64Url } from './internal/crypto.ts';
import { consoleLogger, errorText, type Logger } from './logger.ts';

export interface WebhookRunnerOptions {
  store: Store;
  engine: CaseEngine;
  workspaceId: string;
  kinds: ChannelKinds;
  /**
   * The server's public URL (`CASEKIT_PUBLIC_URL`): the webhook URL signatures are checked
   * against is made from it, never from the Host header. A function when it is known only once
   * the server listens.
   */
  publicUrl: string | (() => string);
  /** Where files that arrive inside a request (email attachments) are kept. */
  blobStore?: BlobStore;
  /** Link to a kept file, as agents' browsers reach it. */
  uploadUrl(id: string): string;
  /** HTTP for provider APIs (default: the global `fetch`). */
  fetch?: typeof fetch;
  clock?: Clock;
  logger?: Logger;
}

/** A webhook request as an HTTP adapter hands it over. */
export interface WebhookInput {
  method: string;
  channelId: string;
  /** The query string as received, with its `?`, or empty. */
  search: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
}

export interface WebhookRunner {
  /**
   * Before a byte of the body is read: how many bytes a webhook of this channel may carry (mail
   * with attachments gets more than a chat message), or the answer for an unknown or disabled one.
   */
  admit(channelId: string): Promise<{ limit: number } | { reply: WebhookReply }>;
  /** Verifies, parses and stores one webhook request; answers what the provider expects. */
  handle(input: WebhookInput): Promise<WebhookReply>;
  /** Stores what a channel received some other way (mail over SMTP): messages once each, receipts forward only. */
  receive(channel: ChannelRecord, events: readonly InboundEvent[]): Promise<void>;
  /** What an adapter works with for this channel. */
  runtime(channel: ChannelRecord): ChannelRuntime;
  /** `${publicUrl}/webhooks/<id>`. */
  webhookUrl(channelId: string): string;
}

/** Control characters have no place in an id; a provider never sends them. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Every adapter's messages meet the same bar before the engine sees them: a readable sender and id. */
function assertReadable(event: InboundMessageEvent): void {
  const sender = event.from.externalId;
  if (!sender || sender.length > 320 || CONTROL.test(sender)) throw new ChannelPayloadError('The sender\'s id is missing or unreadable.');
  const id = event.providerMessageId;
  if (!id || id.length > 998 || CONTROL.test(id)) throw new ChannelPayloadError('The message\'s id is missing or unreadable.');
}

const json = (status: number, code: string, message: string): WebhookReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify({ error: { code, message } }),
});

/** Largest webhook body: an email with its attachments, or any other provider's payload. */
const MAIL_BODY_LIMIT = 30 * 1024 * 1024;
const BODY_LIMIT = 1024 * 1024;

/** A file count and size no inbound message exceeds: the rest is dropped, with a note in the log. */
const MAX_INBOUND_FILES = 50;

/**
 * The path every provider's webhook takes: the channel's adapter checks the signature over the
 * raw bytes first (a refused request is never parsed), then its events go to the engine, which
 * stores each message once however often the provider repeats it.
 */
export function createWebhookRunner(options: WebhookRunnerOptions): WebhookRunner {
  const { store, engine, workspaceId, kinds } = options;
  const base = () => (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '');
  const clock = options.clock ?? { now: () => new Date() };
  const logger = options.logger ?? consoleLogger;
  const system: SystemActor = { workspaceId, system: 'webhooks' };
  const webhookUrl = (channelId: string) => `${base()}/webhooks/${channelId}`;

  const runtime = (channel: ChannelRecord): ChannelRuntime => ({
    channel: { id: channel.id, workspaceId: channel.workspaceId, kind: channel.kind, name: channel.name, config: channel.config, secrets: channel.secrets },
    webhookUrl: webhookUrl(channel.id),
    publicUrl: base(),
    fetch: options.fetch ?? fetch,
    now: () => clock.now(),
  });

  /**
   * Files a request carried go to the blob store (marked kept only once their message is stored,
   * so a refused or repeated one leaves them to the sweep); files by reference stay links.
   */
  async function attachmentsOf(channel: ChannelRecord, event: InboundMessageEvent): Promise<{ attachments: Attachment[]; uploadIds: string[] }> {
    const kept: Attachment[] = [];
    const uploadIds: string[] = [];
    for (const file of event.attachments.slice(0, MAX_INBOUND_FILES)) {
      const name = (file.name || 'attachment').slice(0, 255);
      const contentType = (file.contentType || 'application/octet-stream').slice(0, 127);
      if (file.content) {
        if (!options.blobStore) continue;
        const bytes = file.content;
        const info = await options.blobStore.put(
          { id: `up_${randomBase64Url(18)}`, workspaceId, name, contentType, owner: { kind: 'customer', id: `channel:${channel.id}` }, createdAt: clock.now().toISOString() },
          (async function* () {
            yield bytes;
          })(),
        );
        uploadIds.push(info.id);
        kept.push({ name, contentType, size: info.size, url: options.uploadUrl(info.id) });
      } else if (file.url) {
        kept.push({ name, contentType, size: file.size ?? 0, url: file.url.slice(0, 2048) });
      }
    }
    return { attachments: kept, uploadIds };
  }

  async function receive(channel: ChannelRecord, events: readonly InboundEvent[]): Promise<void> {
    for (const event of events) if (event.type === 'message') assertReadable(event);
    for (const event of events) {
      if (event.type === 'status') {
        await engine.applyReceipt(system, {
          channelId: channel.id,
          providerMessageId: event.providerMessageId,
          status: event.status,
          ...(event.error && { error: { code: event.error.code.slice(0, 100), reason: event.error.reason.slice(0, 1000) } }),
        });
        continue;
      }
      // A repeat is answered from the store before any file is kept again.
      if (await store.findMessageByProviderId(workspaceId, channel.id, event.providerMessageId)) continue;
      const { attachments, uploadIds } = await attachmentsOf(channel, event);
      const result = await engine.ingest({
        workspaceId,
        channelId: channel.id,
        providerMessageId: event.providerMessageId,
        from: event.from,
        text: event.text,
        attachments,
        ...(event.subject !== undefined && { subject: event.subject }),
        ...(event.html !== undefined && { html: event.html }),
        ...(event.headers && { headers: event.headers }),
        ...(event.references && { references: event.references }),
        ...(event.replyToken && { replyToken: event.replyToken }),
        ...(event.threadKey && { threadKey: event.threadKey }),
        ...(event.newTopic && { newTopic: true }),
        ...(event.automated && { automated: true }),
      });
      if (!result.duplicate) for (const id of uploadIds) await options.blobStore?.markAttached?.(id, clock.now());
    }
  }

  async function handle(input: WebhookInput): Promise<WebhookReply> {
    const channel = await store.getChannel(workspaceId, input.channelId);
    const spec = channel && kinds.get(channel.kind);
    if (!channel || !spec?.verify || !spec.parse) return json(404, 'not_found', `No channel "${input.channelId}" takes webhooks here.`);
    if (!channel.enabled) return json(410, 'channel_disabled', `The channel "${channel.name}" is disabled; nothing was stored.`);
    const request = { method: input.method, url: webhookUrl(channel.id) + input.search, headers: input.headers, body: input.body };
    const context = runtime(channel);
    if (input.method === 'GET' || input.method === 'HEAD') {
      return spec.handshake?.(request, context) ?? json(405, 'bad_request', 'This channel answers no GET; providers POST to it.');
    }
    if (input.method !== 'POST') return json(405, 'bad_request', 'Providers POST to this URL.');
    const verdict = await spec.verify(request, context);
    if (!verdict.ok) {
      logger.warn('webhook refused', { channelId: channel.id, kind: channel.kind, status: verdict.status, reason: verdict.reason });
      return json(verdict.status, verdict.status === 401 ? 'unauthorized' : 'forbidden', verdict.reason);
    }
    let parsed;
    try {
      parsed = await spec.parse(request, context);
    } catch (error) {
      if (error instanceof ChannelPayloadError || error instanceof SyntaxError) return json(400, 'bad_request', `The payload could not be read: ${error.message}`);
      throw error;
    }
    try {
      await receive(channel, parsed.events);
    } catch (error) {
      if (error instanceof ChannelPayloadError) return json(400, 'bad_request', `The payload could not be read: ${error.message}`);
      // A refusal of the engine (a disabled channel meanwhile, a bad address) is the provider's to see; anything else retries.
      if (error instanceof CasekitError && error.status < 500) return json(error.status, error.code, error.message);
      logger.error('webhook failed', { channelId: channel.id, error: errorText(error) });
      return json(503, 'unavailable', 'The message could not be stored now; send it again.');
    }
    return parsed.reply ?? { status: 200 };
  }

  async function admit(channelId: string): Promise<{ limit: number } | { reply: WebhookReply }> {
    const channel = await store.getChannel(workspaceId, channelId);
    const spec = channel && kinds.get(channel.kind);
    if (!channel || !spec?.verify) return { reply: json(404, 'not_found', `No channel "${channelId}" takes webhooks here.`) };
    if (!channel.enabled) return { reply: json(410, 'channel_disabled', `The channel "${channel.name}" is disabled; nothing was stored.`) };
    return { limit: spec.medium === 'email' ? MAIL_BODY_LIMIT : BODY_LIMIT };
  }

  return { admit, handle, receive, runtime, webhookUrl };
}
