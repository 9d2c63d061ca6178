import type { ChannelAdapter, ChannelCapabilities } from '@casekit/core';
import { validateSettings } from '../internal/settings.ts';
import { parseTwilioWebhook } from './internal/parse.ts';
import { sendTwilioMessage } from './internal/send.ts';
import { twilioFields, twilioSchemas, type TwilioConfig, type TwilioSecrets } from './settings.ts';
import { verifyTwilioSignature } from './internal/signature.ts';

const MEDIA_BYTES = 5 * 1024 * 1024;

// SMS: 1600 characters (error 21617); MMS takes 10 files, 5 MB in all (21623, Media resource page).
const SMS_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: 1600,
  attachments: { maxCount: 10, maxTotalBytes: MEDIA_BYTES },
  replyWindowHours: null,
  receipts: { delivered: true, read: false },
  canInitiate: true,
  rich: false,
  segmented: true,
};

// WhatsApp through Twilio: one file per message (Twilio drops the others) and 5 MB, the image limit
// under the 16 MB total; free-form replies only within 24 hours of the customer's last message.
const WHATSAPP_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: 1600,
  attachments: { maxCount: 1, maxTotalBytes: MEDIA_BYTES },
  replyWindowHours: 24,
  receipts: { delivered: true, read: true },
  canInitiate: false,
  rich: false,
};

function createTwilioAdapter(kind: string, medium: 'sms' | 'whatsapp', capabilities: ChannelCapabilities): ChannelAdapter<TwilioConfig, TwilioSecrets> {
  const schemas = twilioSchemas(medium);
  return {
    kind,
    medium,
    capabilities,
    fields: twilioFields(medium),
    validate: (input) => validateSettings(schemas, input),
    verify: (request, runtime) =>
      verifyTwilioSignature({
        authToken: runtime.channel.secrets.authToken,
        url: request.url,
        signature: request.headers['x-twilio-signature'],
        body: request.body,
      }),
    parse: (request) => parseTwilioWebhook(request, medium),
    send: (outbound, runtime) => sendTwilioMessage(outbound, runtime, medium),
  };
}

/**
 * SMS and MMS through Twilio Programmable Messaging: a number (`from`) or a Messaging Service.
 * Point the number's "A message comes in" webhook at the channel's webhook URL.
 */
export const twilioSms: ChannelAdapter<TwilioConfig, TwilioSecrets> = createTwilioAdapter('twilio-sms', 'sms', SMS_CAPABILITIES);

/**
 * WhatsApp through Twilio: a WhatsApp sender (`whatsapp:+E.164`) or a Messaging Service. Outside the
 * 24-hour window Twilio answers 63016 and the message fails as `window_closed`: a template is needed.
 */
export const twilioWhatsApp: ChannelAdapter<TwilioConfig, TwilioSecrets> = createTwilioAdapter('twilio-whatsapp', 'whatsapp', WHATSAPP_CAPABILITIES);
