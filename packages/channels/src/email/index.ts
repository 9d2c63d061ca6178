// The adapter
export { emailAdapter, emailCapabilities } from './adapter.ts';
export { emailFields, validateEmailSettings, EMAIL_INBOUND } from './settings.ts';
export type { EmailConfig, EmailSecrets, EmailInbound } from './settings.ts';

// Inbound: raw MIME (the SMTP listener) and the inbound-parse providers
export { parseMime } from './mime.ts';
export type { ParseMimeOptions } from './mime.ts';
export { createSmtpListener } from './smtp-listener.ts';
export type { SmtpListener, SmtpListenerOptions, SmtpEnvelope } from './smtp-listener.ts';
export { verifyMailgun, parseMailgun, MAILGUN_MAX_SKEW_MS } from './mailgun.ts';
export { verifyPostmark, parsePostmark } from './postmark.ts';
export { verifySendgrid, parseSendgrid } from './sendgrid.ts';

// Outbound
export { sendEmail, toDeliveryError, EMAIL_MAX_ATTACHMENTS, EMAIL_MAX_ATTACHMENT_BYTES } from './send.ts';
