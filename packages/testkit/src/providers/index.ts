// Faithful fakes of the providers casekit talks to, for tests and the demo: each runs a real HTTP
// (or SMTP) server on loopback, checks credentials as the provider does, answers in its shapes,
// and signs webhooks its way. Node only.

// Twilio (SMS, MMS, WhatsApp)
export { startTwilioFake, signTwilioRequest, postTwilioWebhook, postTwilioSms, postTwilioMms, postTwilioWhatsApp, postTwilioStatus } from './twilio.ts';
export type { TwilioFake, TwilioFakeMessage, TwilioFormParams, TwilioWebhookDelivery } from './twilio.ts';
