// The adapter and its settings
export { emailAdapter } from './adapter.ts';
export { emailFields, validateEmailSettings, EMAIL_INBOUND } from './settings.ts';
export type { EmailConfig, EmailSecrets, EmailInbound } from './settings.ts';

// Mail over SMTP: the mailroom routes each mail to its channel; the listener hands raw messages to parseMime
export { startMailroom } from './mailroom.ts';
export type { MailroomOptions } from './mailroom.ts';
export { createSmtpListener } from './smtp-listener.ts';
export type { SmtpListener, SmtpListenerOptions, SmtpEnvelope } from './smtp-listener.ts';
export { parseMime } from './mime.ts';
export type { ParseMimeOptions } from './mime.ts';

// Outbound (also the adapter's send)
export { sendEmail } from './send.ts';
