// Adapters: WhatsApp Cloud, Messenger and Instagram
export { createWhatsAppCloudAdapter, whatsappCloud } from './whatsapp-cloud.ts';
export type { WhatsAppCloudConfig, WhatsAppCloudSecrets } from './whatsapp-cloud.ts';
export { createMessengerAdapter, createInstagramAdapter, messenger, instagram } from './page-messaging.ts';
export type { PageMessagingConfig, PageMessagingSecrets } from './page-messaging.ts';
export type { MetaAdapterOptions } from './options.ts';

// Meta's webhook protocol, shared by the three
export { verifyMetaSignature } from './signature.ts';
export { answerMetaHandshake } from './handshake.ts';
export { parseWhatsAppWebhook } from './whatsapp-webhook.ts';
export { parseMessagingWebhook } from './messaging-webhook.ts';
