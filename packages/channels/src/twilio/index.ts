// The adapters
export { twilioSms, twilioWhatsApp } from './twilio-adapter.ts';
export type { TwilioConfig, TwilioSecrets } from './settings.ts';

