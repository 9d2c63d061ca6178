import type { ChannelAdapter, ChannelRuntime, ParsedWebhook, Verification, WebhookRequest } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { checkSmtpRelay } from './check.ts';
import { parseMailgun, verifyMailgun } from './mailgun.ts';
import { parsePostmark, verifyPostmark } from './postmark.ts';
import { parseSendgrid, verifySendgrid } from './sendgrid.ts';
import { sendEmail } from './send.ts';
import { emailFields, validateEmailSettings } from './settings.ts';
import type { EmailConfig, EmailSecrets } from './settings.ts';

type EmailRuntime = ChannelRuntime<EmailConfig, EmailSecrets>;

/**
 * The email channel: replies go out through the channel's SMTP relay; mail comes in over the SMTP
 * listener (`createSmtpListener` + `parseMime`) or an inbound-parse webhook of Mailgun, Postmark
 * or SendGrid, picked by `config.inbound`. A channel on `smtp` refuses webhooks. The check logs in
 * to the relay without sending.
 */
export const emailAdapter: ChannelAdapter<EmailConfig, EmailSecrets> = {
  kind: 'email',
  medium: 'email',
  // Long rich messages with files (20, 10 MB in all), no reply window, no receipts.
  capabilities: CHANNEL_CAPABILITIES.email,
  fields: emailFields,
  validate: validateEmailSettings,
  verify(request: WebhookRequest, runtime: EmailRuntime): Verification {
    const { config, secrets } = runtime.channel;
    switch (config.inbound) {
      case 'mailgun':
        return verifyMailgun(request, secrets.mailgunSigningKey, runtime.now());
      case 'postmark':
        return verifyPostmark(request, secrets.inboundUser, secrets.inboundPassword);
      case 'sendgrid':
        return verifySendgrid(request, secrets.inboundUser, secrets.inboundPassword);
      default:
        return { ok: false, status: 403, reason: 'Mail reaches this channel over SMTP; it takes no inbound webhooks.' };
    }
  },
  async parse(request: WebhookRequest, runtime: EmailRuntime): Promise<ParsedWebhook> {
    const { config } = runtime.channel;
    const options = { address: config.address, now: runtime.now() };
    switch (config.inbound) {
      case 'mailgun':
        return { events: [await parseMailgun(request, options)] };
      case 'postmark':
        return { events: [parsePostmark(request, options)] };
      case 'sendgrid':
        return { events: [await parseSendgrid(request, options)] };
      default:
        return { events: [] };
    }
  },
  send: sendEmail,
  check: checkSmtpRelay,
};
