import { ChannelPayloadError } from '@casekit/core';
import type { ChannelAdapter } from '@casekit/core';
import { parseAccountActivity } from './internal/parse-activity.ts';
import { sendXDirectMessage } from './internal/send-dm.ts';
import { answerCrc, verifyXSignature } from './internal/signature.ts';
import { validateXSettings, xFields } from './settings.ts';
import type { XConfig, XSecrets } from './settings.ts';

/**
 * Direct Messages of one X account through the Account Activity API: the webhook answers X's CRC
 * and checks each delivery's HMAC over the raw body; replies go out with X API v2 under OAuth 1.0a.
 * The signature carries no timestamp, so a replay is only caught by the message id.
 */
export const xAdapter: ChannelAdapter<XConfig, XSecrets> = {
  kind: 'x',
  medium: 'x',
  capabilities: {
    maxTextLength: 10_000,
    attachments: null,
    replyWindowHours: null,
    receipts: { delivered: false, read: false },
    // Whether a user takes DMs from anyone is their setting; we answer only those who wrote.
    canInitiate: false,
    rich: false,
  },
  fields: xFields,
  validate: validateXSettings,
  handshake: (request, runtime) => answerCrc(request, runtime.channel.secrets.consumerSecret),
  verify: (request, runtime) => verifyXSignature(request, runtime.channel.secrets.consumerSecret),
  parse(request, runtime) {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(request.body));
    } catch {
      throw new ChannelPayloadError('The X delivery is not JSON');
    }
    return { events: parseAccountActivity(body, runtime.channel.config.userId) };
  },
  send: sendXDirectMessage,
};
