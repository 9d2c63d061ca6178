// Email provider fakes: an SMTP relay that records what it receives, an SMTP client that delivers
// to casekit's listener, and inbound-parse posts shaped like Mailgun's, Postmark's and SendGrid's.
export { startSmtpSink, sendSmtp } from './email-smtp.ts';
export type { SmtpSink, SinkMessage, SmtpDelivery } from './email-smtp.ts';
export { postMailgunInbound, postPostmarkInbound, postSendgridInbound } from './email-inbound.ts';
export type { InboundAuth } from './email-inbound.ts';
export { buildMime } from './email-mime.ts';
export type { InboundMail } from './email-mime.ts';
