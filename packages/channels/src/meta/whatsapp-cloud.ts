import type { ChannelAdapter } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { z } from 'zod';
import { validateSettings } from '../internal/settings.ts';
import { templatesField, templatesSetting } from '../internal/templates.ts';
import type { MessageTemplate } from '@casekit/protocol';
import { answerMetaHandshake } from './handshake.ts';
import { checkWhatsAppNumber } from './internal/check.ts';
import { fetchWhatsAppMedia } from './internal/fetch-media.ts';
import { DEFAULT_GRAPH_TIMEOUT_MS } from './internal/graph-client.ts';
import { APP_SECRET_FIELDS, GRAPH_CONFIG_FIELDS, graphConfigFields, graphId, graphUrl, secretField } from './internal/graph-settings.ts';
import { sendWhatsApp } from './internal/whatsapp-send.ts';
import type { MetaAdapterOptions } from './options.ts';
import { verifyMetaSignature } from './signature.ts';
import { parseWhatsAppWebhook } from './whatsapp-webhook.ts';

/** A WhatsApp Cloud channel's settings: the number it sends from and, optionally, where the Graph API is. */
export interface WhatsAppCloudConfig {
  /** The Phone number ID from WhatsApp Manager (not the phone number). */
  phoneNumberId: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  /** The approved templates agents may send outside the 24-hour window. */
  templates?: Omit<MessageTemplate, 'contentSid'>[] | undefined;
}

/** A WhatsApp Cloud channel's secrets. */
export interface WhatsAppCloudSecrets {
  /** Signs webhooks. */
  appSecret: string;
  /** A system user token with `whatsapp_business_messaging`. */
  accessToken: string;
  /** Answers Meta's subscription check. */
  verifyToken: string;
}

const settings = {
  config: z.object({
    phoneNumberId: graphId('Phone number ID from WhatsApp Manager (not the phone number)'),
    ...graphConfigFields,
    templates: templatesSetting.cloud,
  }),
  secrets: z.object({ appSecret: secretField, accessToken: secretField, verifyToken: secretField }),
};

/**
 * The WhatsApp Cloud API adapter (`whatsapp-cloud`): Meta's handshake and signature, messages and
 * statuses from the webhook, replies through `/{phoneNumberId}/messages`, and a customer's media
 * fetched by its id.
 * @example const adapter = createWhatsAppCloudAdapter({ timeoutMs: 5_000 });
 */
export function createWhatsAppCloudAdapter(options: MetaAdapterOptions = {}): ChannelAdapter<WhatsAppCloudConfig, WhatsAppCloudSecrets> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GRAPH_TIMEOUT_MS;
  return {
    kind: 'whatsapp-cloud',
    medium: 'whatsapp',
    // 4096 characters, one file (audio and video 16 MB, images 5 MB), 24 h to reply.
    capabilities: CHANNEL_CAPABILITIES['whatsapp-cloud'],
    fields: {
      config: [
        { name: 'phoneNumberId', label: 'Phone number ID', required: true, help: 'WhatsApp Manager › Phone numbers: the ID, not the number itself.' },
        ...GRAPH_CONFIG_FIELDS,
        templatesField({ contentSid: false }),
      ],
      secrets: [
        APP_SECRET_FIELDS[0]!,
        { name: 'accessToken', label: 'Access token', required: true, help: 'A system user token with the whatsapp_business_messaging permission.' },
        APP_SECRET_FIELDS[1]!,
      ],
    },
    validate: (input) => validateSettings(settings, input),
    handshake: (request, runtime) => answerMetaHandshake(request, runtime.channel.secrets.verifyToken),
    verify: (request, runtime) => verifyMetaSignature(request, runtime.channel.secrets.appSecret),
    parse: (request, runtime) => ({ events: parseWhatsAppWebhook(request.body, { phoneNumberId: runtime.channel.config.phoneNumberId }) }),
    send: (outbound, runtime) =>
      sendWhatsApp(outbound, runtime.channel.config.templates, {
        numberUrl: graphUrl(runtime.channel.config, runtime.channel.config.phoneNumberId),
        accessToken: runtime.channel.secrets.accessToken,
        timeoutMs,
        fetch: runtime.fetch,
      }),
    fetchAttachment: (url, runtime) =>
      fetchWhatsAppMedia(url, {
        config: runtime.channel.config,
        accessToken: runtime.channel.secrets.accessToken,
        phoneNumberId: runtime.channel.config.phoneNumberId,
        fetch: runtime.fetch,
        timeoutMs,
      }),
    check: (runtime) =>
      checkWhatsAppNumber({ config: runtime.channel.config, fetch: runtime.fetch, phoneNumberId: runtime.channel.config.phoneNumberId, token: runtime.channel.secrets.accessToken }),
  };
}

/** The WhatsApp Cloud adapter with default options. */
export const whatsappCloud = createWhatsAppCloudAdapter();
