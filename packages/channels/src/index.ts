// Every adapter this package ships, for a server that runs them all. Import one provider's
// subpath (`@casekit/channels/twilio`) to take only what you use.
import type { ChannelAdapter } from '@casekit/core';
import { apiChannelAdapter } from './api/index.ts';
import { emailAdapter } from './email/index.ts';
import { instagram, messenger, whatsappCloud } from './meta/index.ts';
import { telegramAdapter } from './telegram/index.ts';
import { twilioSms, twilioWhatsApp } from './twilio/index.ts';
import { xAdapter } from './x/index.ts';

/** The adapters of every provider, in the order the settings view lists them. */
export const ALL_CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [
  emailAdapter,
  twilioSms,
  twilioWhatsApp,
  whatsappCloud,
  messenger,
  instagram,
  telegramAdapter,
  xAdapter,
  apiChannelAdapter,
];
