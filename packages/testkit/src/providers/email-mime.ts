import { randomBytes } from 'node:crypto';

// Builds RFC 5322 messages for the email fakes: what a customer's mail client would send.

/** A customer's email, as the inbound fakes deliver it. */
export interface InboundMail {
  from: { email: string; name?: string };
  to: string[];
  cc?: string[];
  subject: string;
  text?: string;
  html?: string;
  /** `<id@host>`; one is made up when undefined, none is written when null. */
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  /** More headers, written as given (`Auto-Submitted: auto-replied`). */
  headers?: Record<string, string>;
  attachments?: { name: string; contentType: string; content: Uint8Array | string; contentId?: string }[];
  /** A whole MIME message to send instead of one built from the fields above. */
  raw?: Uint8Array | string;
}

/** The Message-ID a mail gets: its own, a made-up one, or none. */
export function messageIdOf(mail: InboundMail): string | undefined {
  if (mail.messageId === null) return undefined;
  return mail.messageId ?? `<${randomBytes(8).toString('hex')}@mail.customer.example>`;
}

/** The header lines of a mail as [name, value] pairs (values not yet encoded). */
export function headerPairs(mail: InboundMail, messageId: string | undefined): [string, string][] {
  const pairs: [string, string][] = [
    ['From', mailbox(mail.from)],
    ['To', mail.to.join(', ')],
  ];
  if (mail.cc?.length) pairs.push(['Cc', mail.cc.join(', ')]);
  pairs.push(['Subject', mail.subject], ['Date', (mail.date ?? new Date()).toUTCString().replace('GMT', '+0000')]);
  if (messageId) pairs.push(['Message-ID', messageId]);
  if (mail.inReplyTo) pairs.push(['In-Reply-To', mail.inReplyTo]);
  if (mail.references?.length) pairs.push(['References', mail.references.join(' ')]);
  for (const [name, value] of Object.entries(mail.headers ?? {})) pairs.push([name, value]);
  return pairs;
}

/** `Name <address>`, or the address alone. */
export function mailbox(from: { email: string; name?: string }): string {
  return from.name ? `"${from.name.replace(/["\\]/g, '')}" <${from.email}>` : from.email;
}

/** The whole message as MIME text: UTF-8 parts in base64, attachments in multipart/mixed. */
export function buildMime(mail: InboundMail): string {
  if (mail.raw !== undefined) return typeof mail.raw === 'string' ? mail.raw : Buffer.from(mail.raw).toString('latin1');
  const head = headerPairs(mail, messageIdOf(mail)).map(([name, value]) => `${name}: ${encodeHeader(value)}`);
  head.push('MIME-Version: 1.0');
  const body = bodyPart(mail);
  const files = mail.attachments ?? [];
  if (files.length === 0) return [...head, ...body].join('\r\n');
  const boundary = `mixed-${randomBytes(6).toString('hex')}`;
  const lines = [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', `--${boundary}`, ...body];
  for (const file of files) {
    lines.push(`--${boundary}`, `Content-Type: ${file.contentType}; name="${file.name}"`, `Content-Disposition: ${file.contentId ? 'inline' : 'attachment'}; filename="${file.name}"`);
    if (file.contentId) lines.push(`Content-ID: <${file.contentId}>`);
    lines.push('Content-Transfer-Encoding: base64', '', base64Lines(typeof file.content === 'string' ? Buffer.from(file.content) : file.content));
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\r\n');
}

function bodyPart(mail: InboundMail): string[] {
  const text = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(mail.text ?? ''))];
  if (mail.html === undefined) return text;
  const html = ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(Buffer.from(mail.html))];
  if (mail.text === undefined) return html;
  const boundary = `alt-${randomBytes(6).toString('hex')}`;
  return [`Content-Type: multipart/alternative; boundary="${boundary}"`, '', `--${boundary}`, ...text, `--${boundary}`, ...html, `--${boundary}--`, ''];
}

function encodeHeader(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function base64Lines(bytes: Uint8Array): string {
  return (Buffer.from(bytes).toString('base64').match(/.{1,76}/g) ?? ['']).join('\r\n');
}
