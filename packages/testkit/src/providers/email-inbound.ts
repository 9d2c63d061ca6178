import { createHmac, randomBytes } from 'node:crypto';
import { buildMime, headerPairs, mailbox, messageIdOf } from './email-mime.ts';
import type { InboundMail } from './email-mime.ts';

// Inbound-parse posts shaped like Mailgun's, Postmark's and SendGrid's (field names as in
// the providers' inbound-parse documentation), signed or authenticated independently of the adapter.

type Fetch = typeof fetch;

/** Basic credentials a provider sends from `user:password@` in the webhook URL; null sends none. */
export type InboundAuth = { user: string; password: string } | null;

/**
 * Posts a mail the way a Mailgun route's `forward()` does: urlencoded, multipart when it has
 * attachments; `body-mime` instead of parsed fields with `mime: true` (a route URL ending in `mime`).
 * Signed with `hex(HMAC-SHA256(signingKey, timestamp + token))`.
 */
export async function postMailgunInbound(
  url: string,
  signingKey: string,
  mail: InboundMail,
  options: { mime?: boolean; timestamp?: number; token?: string; signature?: string; fetch?: Fetch } = {},
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const token = options.token ?? randomBytes(25).toString('hex');
  const signature = options.signature ?? createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
  const messageId = messageIdOf(mail);
  const fields: [string, string][] = [
    ['recipient', mail.to.join(', ')],
    ['sender', mail.from.email],
    ['from', mailbox(mail.from)],
    ['subject', mail.subject],
  ];
  const files = mail.attachments ?? [];
  if (options.mime || mail.raw !== undefined) {
    fields.push(['body-mime', buildMime({ ...mail, messageId: messageId ?? null })]);
  } else {
    const headers = headerPairs(mail, messageId).map(([name, value]) => [name === 'Message-ID' ? 'Message-Id' : name, value]);
    fields.push(['message-headers', JSON.stringify(headers)], ['body-plain', mail.text ?? ''], ['stripped-text', mail.text ?? '']);
    if (mail.html !== undefined) fields.push(['body-html', mail.html], ['stripped-html', mail.html]);
    fields.push(['attachment-count', String(files.length)]);
    const cids = Object.fromEntries(files.flatMap((file, index) => (file.contentId ? [[`<${file.contentId}>`, `attachment-${index + 1}`]] : [])));
    if (Object.keys(cids).length > 0) fields.push(['content-id-map', JSON.stringify(cids)]);
  }
  fields.push(['timestamp', timestamp], ['token', token], ['signature', signature]);
  const doFetch = options.fetch ?? fetch;
  if (files.length === 0 || options.mime || mail.raw !== undefined) {
    return doFetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  files.forEach((file, index) => form.append(`attachment-${index + 1}`, new Blob([new Uint8Array(bytesOf(file.content))], { type: file.contentType }), file.name));
  return doFetch(url, { method: 'POST', body: form });
}

/** Posts a mail as Postmark's inbound webhook JSON, with Basic credentials as Postmark sends them. */
export async function postPostmarkInbound(url: string, auth: InboundAuth, mail: InboundMail, options: { fetch?: Fetch } = {}): Promise<Response> {
  const messageId = messageIdOf(mail);
  const headers = headerPairs(mail, messageId)
    .filter(([name]) => !['From', 'To', 'Cc', 'Subject', 'Date'].includes(name))
    .map(([Name, Value]) => ({ Name, Value }));
  const recipient = (address: string): { Email: string; Name: string; MailboxHash: string } => ({ Email: address, Name: '', MailboxHash: /\+([^@]+)@/.exec(address)?.[1] ?? '' });
  const body = {
    FromName: mail.from.name ?? '',
    MessageStream: 'inbound',
    From: mail.from.email,
    FromFull: { Email: mail.from.email, Name: mail.from.name ?? '', MailboxHash: '' },
    To: mail.to.join(', '),
    ToFull: mail.to.map(recipient),
    Cc: (mail.cc ?? []).join(', '),
    CcFull: (mail.cc ?? []).map(recipient),
    Bcc: '',
    BccFull: [],
    OriginalRecipient: mail.to[0] ?? '',
    Subject: mail.subject,
    MessageID: crypto.randomUUID(),
    ReplyTo: '',
    MailboxHash: recipient(mail.to[0] ?? '').MailboxHash,
    Date: (mail.date ?? new Date()).toUTCString().replace('GMT', '+0000'),
    TextBody: mail.text ?? '',
    HtmlBody: mail.html ?? '',
    StrippedTextReply: '',
    Tag: '',
    Headers: headers,
    Attachments: (mail.attachments ?? []).map((file) => ({
      Name: file.name,
      Content: Buffer.from(bytesOf(file.content)).toString('base64'),
      ContentType: file.contentType,
      ContentLength: bytesOf(file.content).byteLength,
      ContentID: file.contentId ? `${file.contentId}` : '',
    })),
  };
  return (options.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json', ...basic(auth) }, body: JSON.stringify(body) });
}

/**
 * Posts a mail as SendGrid Inbound Parse does: multipart with parsed fields, or the whole message
 * as `email` with `raw: true`. `charset` writes the text fields in ISO-8859-1 and says so in `charsets`.
 */
export async function postSendgridInbound(
  url: string,
  auth: InboundAuth,
  mail: InboundMail,
  options: { raw?: boolean; charset?: 'utf-8' | 'iso-8859-1'; fetch?: Fetch } = {},
): Promise<Response> {
  const charset = options.charset ?? 'utf-8';
  const encode = (text: string): Buffer => Buffer.from(text, charset === 'utf-8' ? 'utf8' : 'latin1');
  const messageId = messageIdOf(mail);
  const envelope = JSON.stringify({ to: mail.to, from: mail.from.email });
  const parts: { name: string; data: Uint8Array; filename?: string; contentType?: string }[] = [];
  const field = (name: string, value: string): void => {
    parts.push({ name, data: encode(value) });
  };
  if (options.raw || mail.raw !== undefined) {
    parts.push({ name: 'email', data: Buffer.from(buildMime({ ...mail, messageId: messageId ?? null }), 'latin1') });
    field('to', mail.to.join(', '));
    field('from', mailbox(mail.from));
    field('subject', mail.subject);
    field('charsets', JSON.stringify({ to: 'UTF-8', from: 'UTF-8', subject: 'UTF-8' }));
  } else {
    const headerBlock = headerPairs(mail, messageId)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    field('headers', headerBlock);
    field('text', mail.text ?? '');
    if (mail.html !== undefined) field('html', mail.html);
    field('from', mailbox(mail.from));
    field('to', mail.to.join(', '));
    if (mail.cc?.length) field('cc', mail.cc.join(', '));
    field('subject', mail.subject);
    const declared = charset === 'utf-8' ? 'UTF-8' : 'iso-8859-1';
    field('charsets', JSON.stringify({ to: 'UTF-8', cc: 'UTF-8', html: declared, subject: declared, from: 'UTF-8', text: declared }));
    const files = mail.attachments ?? [];
    field('attachments', String(files.length));
    if (files.length > 0) {
      const info = Object.fromEntries(
        files.map((file, index) => [`attachment${index + 1}`, { filename: file.name, name: file.name, type: file.contentType, ...(file.contentId ? { 'content-id': file.contentId } : {}) }]),
      );
      field('attachment-info', JSON.stringify(info));
      files.forEach((file, index) => parts.push({ name: `attachment${index + 1}`, data: bytesOf(file.content), filename: file.name, contentType: file.contentType }));
    }
  }
  field('envelope', envelope);
  field('dkim', '{@customer.example : pass}');
  field('SPF', 'pass');
  field('sender_ip', '127.0.0.1');
  field('spam_score', '0.1');
  const boundary = `xYzZY${randomBytes(8).toString('hex')}`;
  return (options.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...basic(auth) },
    body: multipart(parts, boundary),
  });
}

function multipart(parts: { name: string; data: Uint8Array; filename?: string; contentType?: string }[], boundary: string): Uint8Array<ArrayBuffer> {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    if (part.contentType) head += `\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

function basic(auth: InboundAuth): Record<string, string> {
  return auth ? { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` } : {};
}

function bytesOf(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content) : content;
}
