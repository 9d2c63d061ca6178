// Faithful fakes of the providers casekit talks to, for tests and the demo: each runs a real HTTP
// (or SMTP) server on loopback, checks credentials as the provider does, answers in its shapes,
// and signs webhooks its way. Node only.

// Twilio (SMS, MMS, WhatsApp)
export { startTwilioFake, signTwilioRequest, postTwilioWebhook, postTwilioSms, postTwilioMms, postTwilioWhatsApp, postTwilioStatus } from './twilio.ts';
export type { TwilioFake, TwilioFakeMessage, TwilioFormParams, TwilioWebhookDelivery } from './twilio.ts';

// Meta (WhatsApp Cloud, Messenger, Instagram)
export { startMetaGraphFake } from './meta.ts';
export type { MetaGraphFake, MetaGraphFakeOptions, MetaGraphSend, MetaGraphUpload, MetaGraphErrorName, MetaGraphErrorAnswer } from './meta.ts';
export {
  signMetaPayload,
  encodeLikeMeta,
  whatsAppMessageWebhook,
  whatsAppTextWebhook,
  whatsAppStatusWebhook,
  messagingWebhook,
  messengerTextWebhook,
  messengerEchoWebhook,
  messengerDeliveryWebhook,
  instagramMessageWebhook,
  instagramSeenWebhook,
  postMetaWebhook,
  sendMetaHandshake,
} from './meta-webhooks.ts';
export type { MetaSignatureHeaders, MetaWebhook, WhatsAppInboundMessage, WhatsAppEnvelope, MetaSignatureMode } from './meta-webhooks.ts';
export { META_WEBHOOK_SAMPLES, META_SIGNATURE_KAT } from './meta-samples.ts';
export type { MetaWebhookSample } from './meta-samples.ts';

// Telegram
export { startTelegramFake, telegramUpdate, telegramWebhook, postTelegramUpdate } from './telegram.ts';
export type { TelegramFake, TelegramSentMessage, TelegramSentFile, TelegramFakeFailure, TelegramUpdateInput, TelegramUserInput } from './telegram.ts';

// X (Direct Messages)
export { startXFake, xCrcResponseToken, getXCrc, xDirectMessageActivity, xWebhookSignature, xWebhook, postXActivity } from './x.ts';
export type { XFake, XFakeCredentials, XSentDirectMessage, XUploadedMedia, XFakeFailure, XDirectMessageInput } from './x.ts';

// Splynx (ISP billing): REST API v2.0, signature and token auth, signed hooks
export { startSplynxFake, signSplynxNonce, signSplynxHook, SplynxFakeError } from './splynx.ts';
export type { SplynxFake, SplynxFakeOptions, SplynxFakeStore, SplynxRecord, SplynxHookDelivery, SplynxFakeFailure } from './splynx.ts';

// The signed API channel (Standard Webhooks)
export { startApiChannelReceiver, apiChannelMessage, apiChannelStatus, signApiChannelWebhook, apiChannelWebhook, postApiChannelMessage } from './api-channel.ts';
export type { ApiChannelReceiver, ApiChannelDelivery, ApiChannelFailure, ApiChannelMessageInput } from './api-channel.ts';

// Email: an SMTP sink for replies, inbound-parse posts, an SMTP client, and real sample messages
export { startSmtpSink, sendSmtp, postMailgunInbound, postPostmarkInbound, postSendgridInbound, buildMime } from './email.ts';
export type { SmtpSink, SinkMessage, SmtpDelivery, InboundAuth, InboundMail } from './email.ts';
export { emailSampleNames, emailSample } from './email-samples.ts';

// Assertions shared by adapter tests
export { expectDeliveryError, expectCheckFailure, unreachableUrl } from './delivery.ts';
