import { ChannelPayloadError } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import type { ChannelAdapter } from '@casekit/core';
import { checkXAccount } from './internal/check.ts';
import { parseAccountActivity } from './internal/parse-activity.ts';
import { sendXDirectMessage } from './internal/send-dm.ts';
import { answerCrc, verifyXSignature } from './internal/signature.ts';
import { validateXSettings, xFields } from './settings.ts';
import type { XConfig, XSecrets } from './settings.ts';

/**
 * Direct Messages of one X account through the Account Activity API: the webhook answers X's CRC
 * and checks each delivery's HMAC over the raw body; replies (with a picture uploaded first) go out
 * with X API v2 under OAuth 1.0a. The signature carries no timestamp, so a replayed delivery is
 * caught only by its message id.
 */
export const xAdapter: ChannelAdapter<XConfig, XSecrets> = {
  kind: 'x',
  medium: 'x',
  // 10,000 characters and one picture of up to 5 MB. Whether someone takes DMs from anyone is
  // their setting, so we only answer those who wrote.
  capabilities: CHANNEL_CAPABILITIES.x,
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
  check: checkXAccount,
};
