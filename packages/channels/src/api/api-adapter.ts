import { randomBytes } from 'node:crypto';
import { ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter } from '@casekit/core';
import { parseApiMessage } from './internal/parse-message.ts';
import { sendApiReply } from './internal/send-reply.ts';
import { signingKeys, verifyStandardWebhook } from './internal/standard-webhooks.ts';
import { apiChannelFields, validateApiChannelSettings } from './settings.ts';
import type { ApiChannelConfig, ApiChannelSecrets } from './settings.ts';

/**
 * Bring your own channel: your system posts customers' messages to the channel's webhook and
 * receives replies at `callbackUrl`, both signed with Standard Webhooks (any of its libraries
 * verifies and signs them). Each post's `webhook-id` is its message id, so retries are stored once.
 */
export const apiChannelAdapter: ChannelAdapter<ApiChannelConfig, ApiChannelSecrets> = {
  kind: 'api',
  medium: 'api',
  capabilities: {
    maxTextLength: 10_000,
    // Attachments travel as URLs for your system to fetch.
    attachments: { maxCount: 10, maxTotalBytes: 25 * 1024 * 1024 },
    replyWindowHours: null,
    receipts: { delivered: false, read: false },
    canInitiate: true,
    rich: false,
  },
  fields: apiChannelFields,
  validate: validateApiChannelSettings,
  verify: (request, runtime) => verifyStandardWebhook(request, signingKeys(runtime.channel.secrets.signingSecret), runtime.now()),
  parse(request) {
    const webhookId = request.headers['webhook-id'];
    if (!webhookId) throw new ChannelPayloadError('webhook-id is missing');
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(request.body));
    } catch {
      throw new ChannelPayloadError('The body is not JSON');
    }
    return { events: parseApiMessage(body, webhookId) };
  },
  send: sendApiReply,
};

/** A new random signing secret for an API channel (`whsec_` and 32 bytes in base64). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
