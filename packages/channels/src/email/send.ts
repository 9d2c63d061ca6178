import { CHANNEL_CAPABILITIES } from '@casekit/protocol';
import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import { createTransport } from 'nodemailer';
import { composeEmail } from './internal/compose.ts';
import { domainOf } from './internal/inbound-event.ts';
import type { EmailConfig, EmailSecrets } from './settings.ts';

// One SMTP connection per send, closed right after: support mail is a trickle, a fresh connection
// picks up a changed password at once, and nothing stays open to be shut down or to go stale.

/** Files per message and their total size, as the composer is told in the capabilities. */
const EMAIL_MAX_ATTACHMENTS = CHANNEL_CAPABILITIES.email.attachments.maxCount;
const EMAIL_MAX_ATTACHMENT_BYTES = CHANNEL_CAPABILITIES.email.attachments.maxTotalBytes;

const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** Network failures worth another try later (the relay is down, restarting or unreachable). */
const TRANSIENT_NETWORK = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EDNS']);

/**
 * Sends one reply through the channel's SMTP relay. Returns our Message-ID as the provider id,
 * with the threading headers to store. SMTP 4xx and network failures throw a retryable
 * `DeliveryError`; 5xx a permanent one carrying the server's code and reply.
 */
export async function sendEmail(outbound: OutboundMessage, runtime: ChannelRuntime<EmailConfig, EmailSecrets>): Promise<SendResult> {
  const { config, secrets } = runtime.channel;
  const to = (outbound.to.email ?? outbound.to.externalId).trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to)) throw new DeliveryError(`"${to}" is not an email address.`, { retryable: false, code: 'invalid-recipient' });
  const attachments = await loadAttachments(outbound);
  const mail = composeEmail(outbound, config, to);

  const transport = smtpTransport(config, secrets);
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      messageId: mail.messageId,
      replyTo: mail.replyTo,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: mail.references ?? [] } : {}),
      text: mail.text,
      html: mail.html,
      attachments,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } catch (error) {
    throw toDeliveryError(error);
  } finally {
    transport.close();
  }
  return { providerMessageId: mail.messageId, headers: mail.headers };
}

/** A transport to the channel's relay: TLS from the start on `secure`, else STARTTLS when offered; its login when `smtp.user` is set. */
export function smtpTransport(config: EmailConfig, secrets: EmailSecrets, timeouts: Partial<typeof SMTP_TIMEOUTS> = {}) {
  return createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: secrets.smtpPassword ?? '' } } : {}),
    name: domainOf(config.address),
    ...SMTP_TIMEOUTS,
    ...timeouts,
  });
}

async function loadAttachments(outbound: OutboundMessage): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  const files = outbound.message.attachments;
  if (files.length === 0) return [];
  if (files.length > EMAIL_MAX_ATTACHMENTS) throw new DeliveryError(`${files.length} attachments; email takes at most ${EMAIL_MAX_ATTACHMENTS}.`, { retryable: false, code: 'too-many-attachments' });
  if (!outbound.loadAttachment) throw new DeliveryError('The message has attachments but no way to load them was given.', { retryable: false, code: 'attachments-unavailable' });
  const loaded = [];
  let total = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await outbound.loadAttachment(file);
    } catch (cause) {
      throw new DeliveryError(`Attachment ${file.name} could not be loaded: ${(cause as Error).message}`, { retryable: true, code: 'attachment-load-failed' });
    }
    total += bytes.byteLength;
    if (total > EMAIL_MAX_ATTACHMENT_BYTES) throw new DeliveryError(`Attachments exceed ${EMAIL_MAX_ATTACHMENT_BYTES} bytes.`, { retryable: false, code: 'attachments-too-large' });
    loaded.push({ filename: file.name, contentType: file.contentType, content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  }
  return loaded;
}

/**
 * What went wrong, in SMTP terms: a reply code decides (4xx retry, 5xx give up, reason = the
 * server's reply); without one, a network failure is retried and anything else is permanent.
 */
export function toDeliveryError(error: unknown): DeliveryError {
  const details = (error ?? {}) as { message?: string; code?: string; responseCode?: number; response?: string; originalCode?: string; cause?: { code?: string } };
  const message = details.message ?? String(error);
  if (typeof details.responseCode === 'number' && details.responseCode >= 400 && details.responseCode < 600) {
    const reason = details.response?.trim() || message;
    return new DeliveryError(reason, { retryable: details.responseCode < 500, code: String(details.responseCode) });
  }
  const network = [details.originalCode, details.cause?.code, /\b(E[A-Z_]{3,})\b/.exec(message)?.[1], details.code].find((code) => code && TRANSIENT_NETWORK.has(code));
  if (network) return new DeliveryError(message, { retryable: true, code: network });
  return new DeliveryError(message, { retryable: false, code: details.code ?? 'smtp-error' });
}
