import { ChannelConfigError } from '@casekit/core';
import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { validateSettings } from '../internal/settings.ts';

/** How mail reaches the channel: our own SMTP listener, or a provider's inbound-parse webhook. */
export const EMAIL_INBOUND = ['smtp', 'mailgun', 'postmark', 'sendgrid'] as const;
export type EmailInbound = (typeof EMAIL_INBOUND)[number];

const Config = z.object({
  address: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  smtp: z
    .object({
      host: z.string().trim().min(1, 'is required'),
      port: z.coerce.number().int().min(1).max(65535),
      /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
      secure: z.boolean().optional(),
      user: z.string().trim().min(1).optional(),
    })
    .transform((smtp) => ({ ...smtp, secure: smtp.secure ?? smtp.port === 465 })),
  inbound: z.enum(EMAIL_INBOUND),
  fromName: z.string().trim().min(1).max(200).optional(),
});

const Secrets = z.object({
  smtpPassword: z.string().min(1).optional(),
  mailgunSigningKey: z.string().min(1).optional(),
  inboundUser: z.string().min(1).optional(),
  inboundPassword: z.string().min(1).optional(),
});

/** An email channel's settings: the support address, the SMTP relay it sends through, how mail comes in. */
export type EmailConfig = z.infer<typeof Config>;
/** Its secrets: the SMTP password and what the inbound provider signs or authenticates with. */
export type EmailSecrets = z.infer<typeof Secrets>;

/** The settings form of an email channel. */
export const emailFields: { config: readonly ChannelField[]; secrets: readonly ChannelField[] } = {
  config: [
    { name: 'address', label: 'Support address', required: true, type: 'email', help: 'Customers write to it; replies come from it. Reply-To addresses are reply+<conversation>@ its domain.' },
    {
      name: 'smtp',
      label: 'Outgoing SMTP server',
      required: true,
      type: 'object',
      help: '{"host":"smtp.example.com","port":587,"secure":false,"user":"support@example.com"}; secure defaults to true on port 465.',
    },
    {
      name: 'inbound',
      label: 'Incoming mail',
      required: true,
      type: 'select',
      options: EMAIL_INBOUND,
      help: 'smtp: point the MX (or a forward) at casekit’s SMTP listener. mailgun, postmark, sendgrid: their inbound-parse webhook posts to this channel’s webhook URL.',
    },
    { name: 'fromName', label: 'Sender name', required: false, help: 'Shown as the From name of replies; the address alone when empty.' },
  ],
  secrets: [
    { name: 'smtpPassword', label: 'SMTP password', required: false, help: 'Required when smtp.user is set.' },
    { name: 'mailgunSigningKey', label: 'Mailgun webhook signing key', required: false, help: 'inbound "mailgun": checks the signature of every forwarded message.' },
    {
      name: 'inboundUser',
      label: 'Webhook user',
      required: false,
      help: 'inbound "postmark" or "sendgrid": put it in the webhook URL as https://user:password@host/webhooks/<channel>; the provider sends it as Basic auth.',
    },
    { name: 'inboundPassword', label: 'Webhook password', required: false, help: 'With the webhook user.' },
  ],
};

/** Checks an email channel's settings; throws `ChannelConfigError` naming the first bad field. */
export function validateEmailSettings(input: { config: unknown; secrets: unknown }): { config: EmailConfig; secrets: EmailSecrets } {
  const settings = validateSettings({ config: Config, secrets: Secrets }, input);
  const { config, secrets } = settings;
  if (config.smtp.user && !secrets.smtpPassword) throw new ChannelConfigError('secrets.smtpPassword', 'secrets.smtpPassword: is required when config.smtp.user is set');
  if (config.inbound === 'mailgun' && !secrets.mailgunSigningKey) {
    throw new ChannelConfigError('secrets.mailgunSigningKey', 'secrets.mailgunSigningKey: is required for Mailgun inbound (Mailgun → Webhooks → signing key)');
  }
  if (config.inbound === 'postmark' || config.inbound === 'sendgrid') {
    for (const field of ['inboundUser', 'inboundPassword'] as const) {
      if (!secrets[field]) throw new ChannelConfigError(`secrets.${field}`, `secrets.${field}: is required for ${config.inbound} inbound (Basic auth in the webhook URL)`);
    }
  }
  return settings;
}
