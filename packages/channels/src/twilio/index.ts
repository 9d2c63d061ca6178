// The adapters
export { twilioSms, twilioWhatsApp } from './twilio-adapter.ts';
export type { TwilioConfig, TwilioSecrets } from './settings.ts';

// SMS billing
export { countSmsSegments } from './segments.ts';
export type { SmsSegments } from './segments.ts';
