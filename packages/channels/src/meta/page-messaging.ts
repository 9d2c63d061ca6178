import type { ChannelAdapter } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { z } from 'zod';
import { validateSettings } from '../internal/settings.ts';
import { answerMetaHandshake } from './handshake.ts';
import { checkPage } from './internal/check.ts';
import { fetchPageAttachment } from './internal/fetch-media.ts';
import { DEFAULT_GRAPH_TIMEOUT_MS } from './internal/graph-client.ts';
import { APP_SECRET_FIELDS, GRAPH_CONFIG_FIELDS, graphConfigFields, graphId, graphUrl, secretField } from './internal/graph-settings.ts';
import { sendPageMessage } from './internal/page-send.ts';
import { parseMessagingWebhook } from './messaging-webhook.ts';
import type { MetaAdapterOptions } from './options.ts';
import { verifyMetaSignature } from './signature.ts';

/** A Messenger or Instagram channel's settings: the Page that sends and, optionally, where the Graph API is. */
export interface PageMessagingConfig {
  /** The Facebook Page (for Instagram: the Page linked to the Instagram account). */
  pageId: string;
  /** Instagram: the Instagram account ID (`entry.id`) this channel reads; empty reads every account of the app. */
  instagramAccountId?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
}

/** A Messenger or Instagram channel's secrets. */
export interface PageMessagingSecrets {
  /** Signs webhooks. */
  appSecret: string;
  /** A Page access token with `pages_messaging` (Instagram: `instagram_manage_messages`). */
  pageAccessToken: string;
  /** Answers Meta's subscription check. */
  verifyToken: string;
}

const secrets = z.object({ appSecret: secretField, pageAccessToken: secretField, verifyToken: secretField });
const messengerSettings = { config: z.object({ pageId: graphId('Page ID'), ...graphConfigFields }), secrets };
const instagramSettings = {
  config: z.object({ pageId: graphId('Page ID'), instagramAccountId: graphId('Instagram account ID').optional(), ...graphConfigFields }),
  secrets,
};

const PAGE_SECRET_FIELDS = [
  APP_SECRET_FIELDS[0]!,
  { name: 'pageAccessToken', label: 'Page access token', required: true, help: 'A long-lived Page token with pages_messaging (and instagram_manage_messages for Instagram).' },
  APP_SECRET_FIELDS[1]!,
];

/**
 * The Messenger adapter (`messenger`): Meta's handshake and signature, `page` webhooks, replies
 * through `/{pageId}/messages` as `RESPONSE` messages; attachments fetched from their CDN URL.
 */
export function createMessengerAdapter(options: MetaAdapterOptions = {}): ChannelAdapter<PageMessagingConfig, PageMessagingSecrets> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GRAPH_TIMEOUT_MS;
  return {
    kind: 'messenger',
    medium: 'messenger',
    // 2000 characters, one file, 24 h to reply; reads are a watermark time, so only deliveries match messages.
    capabilities: CHANNEL_CAPABILITIES.messenger,
    fields: {
      config: [{ name: 'pageId', label: 'Page ID', required: true, help: 'The Facebook Page whose inbox this channel answers.' }, ...GRAPH_CONFIG_FIELDS],
      secrets: PAGE_SECRET_FIELDS,
    },
    validate: (input) => validateSettings(messengerSettings, input),
    handshake: (request, runtime) => answerMetaHandshake(request, runtime.channel.secrets.verifyToken),
    verify: (request, runtime) => verifyMetaSignature(request, runtime.channel.secrets.appSecret),
    parse: (request, runtime) => ({ events: parseMessagingWebhook(request.body, { object: 'page', accountId: runtime.channel.config.pageId }) }),
    send: (outbound, runtime) => sendPageMessage(outbound, endpointOf(runtime.channel.config, runtime.channel.secrets, runtime.fetch, timeoutMs)),
    fetchAttachment: (url, runtime) => fetchPageAttachment(url, { config: runtime.channel.config, fetch: runtime.fetch, timeoutMs }),
    check: (runtime) => checkPage({ config: runtime.channel.config, fetch: runtime.fetch, pageId: runtime.channel.config.pageId, token: runtime.channel.secrets.pageAccessToken }),
  };
}

/**
 * The Instagram adapter (`instagram`): the same handshake and signature, `instagram` webhooks,
 * replies through the linked Page's `/{pageId}/messages`.
 */
export function createInstagramAdapter(options: MetaAdapterOptions = {}): ChannelAdapter<PageMessagingConfig, PageMessagingSecrets> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GRAPH_TIMEOUT_MS;
  return {
    kind: 'instagram',
    medium: 'instagram',
    // 1000 characters, one file (images 8 MB), 24 h to reply; it reports reads, not deliveries.
    capabilities: CHANNEL_CAPABILITIES.instagram,
    fields: {
      config: [
        { name: 'pageId', label: 'Page ID', required: true, help: 'The Facebook Page linked to the Instagram professional account.' },
        {
          name: 'instagramAccountId',
          label: 'Instagram account ID',
          required: false,
          help: 'Only this account’s messages are read; leave empty when the Meta app serves a single Instagram account.',
        },
        ...GRAPH_CONFIG_FIELDS,
      ],
      secrets: PAGE_SECRET_FIELDS,
    },
    validate: (input) => validateSettings(instagramSettings, input),
    handshake: (request, runtime) => answerMetaHandshake(request, runtime.channel.secrets.verifyToken),
    verify: (request, runtime) => verifyMetaSignature(request, runtime.channel.secrets.appSecret),
    parse: (request, runtime) => {
      const accountId = runtime.channel.config.instagramAccountId;
      return { events: parseMessagingWebhook(request.body, { object: 'instagram', ...(accountId && { accountId }) }) };
    },
    send: (outbound, runtime) => sendPageMessage(outbound, endpointOf(runtime.channel.config, runtime.channel.secrets, runtime.fetch, timeoutMs)),
    fetchAttachment: (url, runtime) => fetchPageAttachment(url, { config: runtime.channel.config, fetch: runtime.fetch, timeoutMs }),
    check: (runtime) =>
      checkPage({
        config: runtime.channel.config,
        fetch: runtime.fetch,
        pageId: runtime.channel.config.pageId,
        token: runtime.channel.secrets.pageAccessToken,
        instagram: { accountId: runtime.channel.config.instagramAccountId },
      }),
  };
}

function endpointOf(config: PageMessagingConfig, secrets: PageMessagingSecrets, fetcher: typeof fetch, timeoutMs: number) {
  return { messagesUrl: `${graphUrl(config, config.pageId)}/messages`, pageAccessToken: secrets.pageAccessToken, timeoutMs, fetch: fetcher };
}

/** The Messenger adapter with default options. */
export const messenger = createMessengerAdapter();

/** The Instagram adapter with default options. */
export const instagram = createInstagramAdapter();
