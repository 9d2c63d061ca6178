import { createHash } from 'node:crypto';
import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent } from '@casekit/core';
import { simpleParser } from 'mailparser';
import type { AddressObject, EmailAddress, ParsedMail, StructuredHeader } from 'mailparser';
import { attachmentName } from './internal/attachment-name.ts';
import { buildInboundEvent } from './internal/inbound-event.ts';
import { decodeRawHeader, rawHeaderBytes } from './internal/raw-header.ts';
import { decodeUtf7 } from './internal/utf7.ts';

/** Where a raw message came from, when the caller knows more than its headers say. */
export interface ParseMimeOptions {
  /** The channel's support address: only `reply+<token>@` at its domain carries a conversation id. */
  address?: string;
  /** The SMTP envelope: its recipients are searched for a reply token, a null sender (`''`) is a bounce. */
  envelope?: { from?: string | null; to?: readonly string[] };
  /** When it was received; a Date header more than a day later is not believed (default: now). */
  now?: Date;
}

/**
 * Turns one raw RFC 5322 message into an inbound event: sender, subject, the new text (quoted
 * history and signature folded away), the whole message as sanitized `html`, threading headers
 * and references, reply token, automated flag and attachments with their bytes.
 * The id is the Message-ID, or `sha256:<hex of the raw bytes>` when it has none.
 */
export async function parseMime(raw: Uint8Array, options: ParseMimeOptions = {}): Promise<InboundMessageEvent> {
  const buffer = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(buffer, { keepCidLinks: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, checksumAlgo: false });
  } catch (cause) {
    throw new ChannelPayloadError(`The email could not be parsed: ${(cause as Error).message}`);
  }
  const headers = headerMap(parsed);
  const utf7 = usesOnlyUtf7(buffer);
  const contentType = parsed.headers.get('content-type') as StructuredHeader | undefined;
  const envelope = options.envelope;
  return buildInboundEvent(
    {
      from: senderOf(parsed, headers, envelope?.from),
      subject: subjectOf(parsed, buffer, contentType?.params.charset),
      text: utf7 && parsed.text ? decodeUtf7(parsed.text) : parsed.text,
      html: typeof parsed.html === 'string' ? (utf7 ? decodeUtf7(parsed.html) : parsed.html) : undefined,
      headers,
      recipients: [
        ...addressesOf(parsed.to),
        ...addressesOf(parsed.cc),
        ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((name) => (headers.get(name) ? [stripBrackets(headers.get(name)!)] : [])),
        ...(envelope?.to ?? []),
      ],
      attachments: parsed.attachments.map(toAttachment),
      contentType: contentType?.value,
      reportType: contentType?.params['report-type'],
      envelopeFrom: envelope?.from,
      fallbackId: `sha256:${createHash('sha256').update(buffer).digest('hex')}`,
    },
    { address: options.address, now: options.now },
  );
}

/** The first value of each header, by lower-case name, unfolded; address headers decoded. */
function headerMap(parsed: ParsedMail): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) {
    if (map.has(key)) continue;
    const colon = line.indexOf(':');
    map.set(key, line.slice(colon + 1).replace(/\r?\n[ \t]*/g, ' ').trim());
  }
  for (const [name, value] of [
    ['from', parsed.from],
    ['to', parsed.to],
    ['cc', parsed.cc],
    ['reply-to', parsed.replyTo],
  ] as const) {
    const text = (Array.isArray(value) ? value : value ? [value] : []).map((object) => object.text).join(', ');
    if (text) map.set(name, text);
  }
  return map;
}

/** mailparser's subject, unless it is UTF-7 or undeclared 8-bit, which mailparser leaves garbled. */
function subjectOf(parsed: ParsedMail, raw: Buffer, charset: string | undefined): string | undefined {
  const bytes = rawHeaderBytes(raw, 'subject');
  if (!bytes) return parsed.subject;
  const eightBit = bytes.some((byte) => byte > 0x7f);
  const utf7 = /=\?(?:(?:cs)?unicode-1-1-)?utf-?7\?/i.test(bytes.toString('latin1'));
  return eightBit || utf7 ? decodeRawHeader(bytes, charset) : parsed.subject;
}

function senderOf(parsed: ParsedMail, headers: Map<string, string>, envelopeFrom: string | null | undefined): { address: string; name?: string } | undefined {
  const mailbox = [parsed.from, headers.has('sender') ? (parsed.headers.get('sender') as AddressObject | undefined) : undefined, parsed.replyTo]
    .flatMap((object) => flatten(object?.value ?? []))
    .find((entry) => entry.address);
  if (mailbox?.address) return { address: mailbox.address, name: mailbox.name };
  const fallback = envelopeFrom || stripBrackets(headers.get('return-path') ?? '');
  return fallback ? { address: fallback } : undefined;
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(value) ? value : value ? [value] : []).flatMap((object) => flatten(object.value)).flatMap((entry) => (entry.address ? [entry.address] : []));
}

function flatten(entries: EmailAddress[]): EmailAddress[] {
  return entries.flatMap((entry) => (entry.group ? flatten(entry.group) : [entry]));
}

function stripBrackets(value: string): string {
  return value.trim().replace(/^<|>$/g, '');
}

function toAttachment(attachment: ParsedMail['attachments'][number], index: number): InboundAttachment {
  const content = new Uint8Array(attachment.content.buffer, attachment.content.byteOffset, attachment.content.byteLength);
  const result: InboundAttachment = {
    name: attachmentName(attachment.filename, attachment.contentType, index),
    contentType: attachment.contentType,
    size: attachment.size,
    content,
  };
  // An inline image is referenced from the HTML as `cid:<id>`; the url says which one it is.
  if (attachment.cid) result.url = `cid:${attachment.cid}`;
  return result;
}

/**
 * Whether every text part declares UTF-7: mailparser leaves such bodies encoded, and decoding a
 * body that is not UTF-7 would mangle its plus signs, so a mix is left alone.
 */
function usesOnlyUtf7(raw: Buffer): boolean {
  const source = raw.toString('latin1');
  if (!/utf-?7/i.test(source)) return false;
  const charsets = [...source.matchAll(/content-type:[ \t]*text\/(?:plain|html)(?:[^\n]|\n[ \t]){0,500}?charset[ \t]*=[ \t]*"?([\w.:-]+)/gi)].map((match) => match[1]!.toLowerCase());
  return charsets.length > 0 && charsets.every((charset) => /^(?:(?:cs)?unicode-1-1-)?utf-?7$/.test(charset));
}
