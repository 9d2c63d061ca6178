import type { ChannelField } from '@casekit/core';
import { z } from 'zod';
import { toE164 } from '../internal/phone.ts';
import { baseUrl } from '../internal/settings.ts';
import { templatesField, templatesSetting } from '../internal/templates.ts';
import type { MessageTemplate } from '@casekit/protocol';

const sid = (prefix: 'AC' | 'MG', what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `is required: ${what}, as the Twilio Console shows it` : `must be ${what} as text`) })
    .trim()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${what}: "${prefix}" and 32 hexadecimal characters, as the Twilio Console shows it`);

// The sender: `+E.164` for SMS, `whatsapp:+E.164` for WhatsApp (a bare number is given the prefix).
const sender = (medium: 'sms' | 'whatsapp') =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const number = toE164(medium === 'whatsapp' ? value.replace(/^whatsapp:/i, '') : value);
      if (number) return medium === 'whatsapp' ? `whatsapp:${number}` : number;
      ctx.addIssue({
        code: 'custom',
        message: medium === 'whatsapp' ? 'must be the WhatsApp sender as whatsapp:+E.164, like whatsapp:+14155238886' : 'must be a phone number in E.164 form, like +14155550100',
      });
      return z.NEVER;
    });

/** The settings of a Twilio channel, for SMS or WhatsApp. */
export function twilioSchemas(medium: 'sms' | 'whatsapp') {
  return {
    config: z
      .object({
        accountSid: sid('AC', 'an Account SID'),
        from: sender(medium).optional(),
        messagingServiceSid: sid('MG', 'a Messaging Service SID').optional(),
        apiBaseUrl: baseUrl.default('https://api.twilio.com'),
        templates: templatesSetting.twilio,
      })
      .superRefine((value, ctx) => {
        if (medium === 'sms' && value.templates !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['templates'], message: 'is for WhatsApp: SMS has no reply window and sends no templates' });
        }
        if (!value.from && !value.messagingServiceSid) {
          ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required unless messagingServiceSid is set: give the sender number or a Messaging Service SID' });
        }
      }),
    secrets: z.object({
      authToken: z
        .string({ error: 'is required: the Auth Token from the Twilio Console (Account Info)' })
        .trim()
        .min(1, 'is required: the Auth Token from the Twilio Console (Account Info)'),
    }),
  };
}

/** A Twilio channel's `config`: the account, the sender (a number or a Messaging Service) and the API base. */
export interface TwilioConfig {
  accountSid: string;
  /** `+E.164` for SMS, `whatsapp:+E.164` for WhatsApp. */
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** `https://api.twilio.com` unless a regional edge or a test double is used. */
  apiBaseUrl: string;
  /** WhatsApp: the approved templates agents may send outside the 24-hour window, each with its Content SID. */
  templates?: (MessageTemplate & { contentSid: string })[] | undefined;
}

/** A Twilio channel's `secrets`. */
export interface TwilioSecrets {
  /** Signs Twilio's webhooks and authenticates sends. */
  authToken: string;
}

export function twilioFields(medium: 'sms' | 'whatsapp'): { config: readonly ChannelField[]; secrets: readonly ChannelField[] } {
  return {
    config: [
      { name: 'accountSid', label: 'Account SID', required: true, help: 'Starts with AC; the Twilio Console shows it under Account Info.' },
      medium === 'whatsapp'
        ? { name: 'from', label: 'WhatsApp sender', required: false, help: 'whatsapp:+E.164, like whatsapp:+14155238886. Give this or a Messaging Service SID.' }
        : { name: 'from', label: 'Sender number', required: false, help: 'E.164, like +14155550100. Give this or a Messaging Service SID.' },
      { name: 'messagingServiceSid', label: 'Messaging Service SID', required: false, help: "Starts with MG; sends from the service's senders." },
      { name: 'apiBaseUrl', label: 'API base URL', required: false, type: 'url', help: 'https://api.twilio.com unless you use a regional edge.' },
      ...(medium === 'whatsapp' ? [templatesField({ contentSid: true })] : []),
    ],
    secrets: [{ name: 'authToken', label: 'Auth Token', required: true, help: 'The Twilio Console shows it under Account Info.' }],
  };
}
