import type { ChannelAdapter, ChannelCapabilities } from '@casekit/core';
import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { validateSettings } from '../internal/settings.ts';
import { checkTwilioAccount } from './internal/check.ts';
import { fetchTwilioMedia } from './internal/media.ts';
import { parseTwilioWebhook } from './internal/parse.ts';
import { sendTwilioMessage } from './internal/send.ts';
import { twilioFields, twilioSchemas, type TwilioConfig, type TwilioSecrets } from './settings.ts';
import { verifyTwilioSignature } from './internal/signature.ts';

// Limits (CHANNEL_CAPABILITIES): SMS 1600 characters (error 21617), MMS 10 files and 5 MB in all
// (21623); WhatsApp one file a message (Twilio drops the others), 5 MB, and 24 hours to reply.
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
    parse: (request, runtime) => parseTwilioWebhook(request, medium, runtime.channel.config.accountSid),
    send: (outbound, runtime) => sendTwilioMessage(outbound, runtime, medium),
    fetchAttachment: (url, runtime) => fetchTwilioMedia(url, runtime),
    check: (runtime) => checkTwilioAccount(runtime, medium),
  };
}

/**
 * SMS and MMS through Twilio Programmable Messaging: a number (`from`) or a Messaging Service.
 * Point the number's "A message comes in" webhook at the channel's webhook URL.
 */
export const twilioSms: ChannelAdapter<TwilioConfig, TwilioSecrets> = createTwilioAdapter('twilio-sms', 'sms', CHANNEL_CAPABILITIES['twilio-sms']);

/**
 * WhatsApp through Twilio: a WhatsApp sender (`whatsapp:+E.164`) or a Messaging Service. Outside the
 * 24-hour window Twilio answers 63016 and the message fails as `window_closed`: a template is needed.
 */
export const twilioWhatsApp: ChannelAdapter<TwilioConfig, TwilioSecrets> = createTwilioAdapter('twilio-whatsapp', 'whatsapp', CHANNEL_CAPABILITIES['twilio-whatsapp']);
