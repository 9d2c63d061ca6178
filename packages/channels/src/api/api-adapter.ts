import { randomBytes } from 'node:crypto';
import { ChannelPayloadError } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import type { ChannelAdapter } from '@casekit/core';
import { checkCallback } from './internal/check.ts';
import { parseApiEvent } from './internal/parse-event.ts';
import { sendApiReply } from './internal/send-reply.ts';
import { signingKeys, verifyStandardWebhook } from './internal/standard-webhooks.ts';
import { apiChannelFields, validateApiChannelSettings } from './settings.ts';
import type { ApiChannelConfig, ApiChannelSecrets } from './settings.ts';

/**
 * Bring your own channel: your system posts customers' messages (`message.created`) and what
 * became of replies (`message.status`) to the channel's webhook, and receives replies at
 * `callbackUrl`; both ways are signed with Standard Webhooks, so any of its libraries verifies and
 * signs them. A message's `webhook-id` is its id, so a retried post is stored once. The check posts
 * a signed `channel.test` event, which your system answers with any 2xx.
 */
export const apiChannelAdapter: ChannelAdapter<ApiChannelConfig, ApiChannelSecrets> = {
  kind: 'api',
  medium: 'api',
  // 10,000 characters, ten files by URL (25 MB in all), delivery and read receipts your system
  // posts back, and it may write first.
  capabilities: CHANNEL_CAPABILITIES.api,
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
    return { events: parseApiEvent(body, webhookId) };
  },
  send: sendApiReply,
  check: checkCallback,
};

/** A new random signing secret for an API channel (`whsec_` and 32 bytes in base64). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
