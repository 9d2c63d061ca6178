import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent } from '@casekit/core';
import { isAutomated } from './automated.ts';
import { foldQuotedText } from './fold-quotes.ts';
import { htmlToText, sanitizeEmailHtml, textToHtml } from './html.ts';
import { MAX_REFERENCES, normalizeMessageId, parseMessageIds, threadReferences } from './message-ids.ts';

/** One received email, whichever way it arrived (raw MIME, or an inbound-parse provider's fields). */
interface MailContent {
  from?: { address: string; name?: string } | undefined;
  subject?: string | undefined;
  text?: string | undefined;
  html?: string | undefined;
  /** Header values by lower-case name, unfolded and decoded; the first of a repeated header. */
  headers: ReadonlyMap<string, string>;
  /** Every address it was delivered to: To, Cc, Delivered-To and the envelope recipients. */
  recipients: readonly string[];
  attachments: InboundAttachment[];
  /** The top-level content type and its `report-type` parameter (bounces are `multipart/report`). */
  contentType?: string | undefined;
  reportType?: string | undefined;
  /** The SMTP envelope sender when known; `''` for a null sender (`MAIL FROM:<>`). */
  envelopeFrom?: string | null | undefined;
  /** The id to use when the message has no Message-ID (`sha256:<hex>`). */
  fallbackId: string;
}

interface BuildOptions {
  /** The channel's support address: only `reply+<token>@` at its domain carries a conversation id. */
  address?: string | undefined;
  /** When it was received; a Date header more than a day later is a broken clock, not a send time. */
  now?: Date | undefined;
}

/** Headers an inbound event keeps, for threading, automation checks and display. */
const KEPT_HEADERS = ['message-id', 'in-reply-to', 'references', 'auto-submitted', 'x-autoreply', 'x-autorespond', 'precedence', 'list-id', 'reply-to', 'date', 'from', 'to', 'cc', 'subject'];
const MAX_HEADER_LENGTH = 2000;
const MAX_SUBJECT_LENGTH = 998;

/** A reply-to address carrying a conversation id: `reply+<id>@domain`. */
const REPLY_TOKEN = /^reply\+([A-Za-z0-9_-]{1,64})@([^@\s]+)$/i;

/** Prefixes of a forwarded message's subject (English, German, French, Spanish, Italian, Dutch…). */
const FORWARD_SUBJECT = /^\s*(?:fwd?|wg|tr|rv|enc|doorst|vs|i)\s*:/i;

/** Normalizes one received email into the event the engine threads and stores. */
export function buildInboundEvent(mail: MailContent, options: BuildOptions = {}): InboundMessageEvent {
  const from = mail.from?.address.trim().toLowerCase();
  if (!from) throw new ChannelPayloadError('The email has no sender address (From, Sender or envelope).');
  const subject = (mail.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_SUBJECT_LENGTH);
  const references = threadReferences(mail.headers.get('in-reply-to'), mail.headers.get('references'));
  const replyToken = replyTokenOf(mail.recipients, options.address);

  const fullText = (mail.text?.trim() ? mail.text : mail.html ? htmlToText(mail.html) : '').replace(/\r\n?/g, '\n');
  const text = foldQuotedText(fullText, { forward: FORWARD_SUBJECT.test(subject) });
  const html = mail.html ? sanitizeEmailHtml(mail.html) : fullText.trim() ? textToHtml(fullText) : '';
  const name = displayName(mail.from?.name, from);

  const event: InboundMessageEvent = {
    type: 'message',
    providerMessageId: normalizeMessageId(mail.headers.get('message-id')) ?? mail.fallbackId,
    from: name ? { externalId: from, email: from, name } : { externalId: from, email: from },
    text,
    subject,
    headers: keptHeaders(mail.headers, subject),
    references,
    newTopic: references.length === 0 && replyToken === undefined,
    automated: isAutomated({
      headers: mail.headers,
      from,
      subject,
      contentType: mail.contentType,
      reportType: mail.reportType,
      envelopeFrom: mail.envelopeFrom,
    }),
    attachments: mail.attachments,
  };
  if (html) event.html = html;
  if (replyToken !== undefined) event.replyToken = replyToken;
  const sentAt = dateOf(mail.headers.get('date'), options.now ?? new Date());
  if (sentAt) event.sentAt = sentAt;
  return event;
}

/** The conversation id of the first `reply+<id>@` recipient at the channel's domain. */
function replyTokenOf(recipients: readonly string[], address: string | undefined): string | undefined {
  const domain = address ? domainOf(address) : undefined;
  for (const recipient of recipients) {
    const match = REPLY_TOKEN.exec(recipient.trim());
    if (match && (domain === undefined || match[2]!.toLowerCase() === domain)) return match[1]!;
  }
  return undefined;
}

/** The domain of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function displayName(name: string | undefined, address: string): string | undefined {
  const trimmed = name?.replace(/\s+/g, ' ').trim();
  return trimmed && trimmed.toLowerCase() !== address ? trimmed.slice(0, 200) : undefined;
}

function keptHeaders(headers: ReadonlyMap<string, string>, subject: string): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name)?.trim();
    if (!value) continue;
    if (name === 'message-id') kept[name] = normalizeMessageId(value) ?? value.slice(0, MAX_HEADER_LENGTH);
    else if (name === 'in-reply-to') kept[name] = parseMessageIds(value).slice(0, MAX_REFERENCES).join(' ');
    else if (name === 'references') kept[name] = parseMessageIds(value).slice(-MAX_REFERENCES).join(' ');
    else kept[name] = value.slice(0, MAX_HEADER_LENGTH);
  }
  if (subject) kept.subject = subject;
  else delete kept.subject;
  return kept;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function dateOf(value: string | undefined, now: Date): string | undefined {
  if (!value) return undefined;
  const time = new Date(value.replace(/\([^)]*\)/g, ' ').trim()).getTime();
  if (Number.isNaN(time) || time < 0 || time > now.getTime() + DAY_MS) return undefined;
  return new Date(time).toISOString();
}
