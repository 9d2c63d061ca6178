import { randomBytes } from 'node:crypto';
import type { OutboundMessage } from '@casekit/core';
import type { EmailConfig } from '../settings.ts';
import { escapeHtml, sanitizeEmailHtml, textToHtml } from './html.ts';
import { domainOf } from './inbound-event.ts';
import { normalizeMessageId, parseMessageIds } from './message-ids.ts';

/** At most this many ids go into an outgoing References header: the thread's root and the newest. */
export const MAX_OUTBOUND_REFERENCES = 20;

/** Reply prefixes mail clients write, so we never stack `Re: Re:` (English, German, Nordic, Italian, Dutch…). */
const REPLY_PREFIX = /^\s*(?:re|aw|sv|vs|r|antw|odp|ynt|res|rif)\s*(?:\[\d+\])?\s*:/i;

/** A reply as it goes on the wire, before the transport adds the date and encodes it. */
interface ComposedEmail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  replyTo: string;
  text: string;
  html: string;
  /** What the message is stored with for threading: `message-id`, `in-reply-to`, `references`, `reply-to`, `subject`. */
  headers: Record<string, string>;
}

/**
 * Addresses and threads a reply: From the support address, Reply-To `reply+<conversation>@` its
 * domain, a Message-ID of our own (`<m.<message id>.<random>@domain>`), In-Reply-To and References
 * from the customer's last message, and `Re: <subject>` without stacking prefixes.
 */
export function composeEmail(outbound: OutboundMessage, config: EmailConfig, to: string): ComposedEmail {
  const domain = domainOf(config.address);
  const messageId = `<m.${outbound.message.id.replace(/[^A-Za-z0-9_-]/g, '-')}.${randomBytes(6).toString('hex')}@${domain}>`;
  const replyTo = `reply+${outbound.conversation.id}@${domain}`;
  const last = outbound.lastInbound;
  const parentId = last ? normalizeMessageId(last.headers?.['message-id']) ?? idOf(last.providerMessageId) : undefined;
  const parentRefs = last ? parseMessageIds(last.headers?.references ?? last.headers?.['in-reply-to']) : [];
  const references = parentId ? boundReferences([...parentRefs.filter((id) => id !== parentId), parentId]) : [];
  const subject = subjectOf(outbound, config);
  const text = outbound.message.text;
  const html = outbound.message.html ? sanitizeEmailHtml(outbound.message.html) : textToHtml(text) || `<p>${escapeHtml(text)}</p>`;

  const headers: Record<string, string> = { 'message-id': messageId, 'reply-to': replyTo, subject };
  const composed: ComposedEmail = { from: { name: config.fromName ?? '', address: config.address }, to, subject, messageId, replyTo, text, html, headers };
  if (parentId) {
    composed.inReplyTo = parentId;
    composed.references = references;
    headers['in-reply-to'] = parentId;
    headers.references = references.join(' ');
  }
  return composed;
}

/** `Re: ` + the subject of the message or of the customer's last one; a first message keeps its own. */
function subjectOf(outbound: OutboundMessage, config: EmailConfig): string {
  const base = (outbound.message.subject ?? outbound.lastInbound?.subject ?? '').replace(/\s+/g, ' ').trim();
  if (!base) return outbound.lastInbound ? 'Re: your message' : `Message from ${config.fromName ?? config.address}`;
  if (!outbound.lastInbound || REPLY_PREFIX.test(base)) return base;
  return `Re: ${base}`;
}

/** A stored provider id that is a Message-ID (not a `sha256:` or `postmark:` stand-in). */
function idOf(providerMessageId: string | null): string | undefined {
  return providerMessageId && /^<[^<>\s]+@[^<>\s]+>$/.test(providerMessageId) ? providerMessageId : undefined;
}

/** Keeps the root and the newest ids (RFC 5322 §3.6.4 allows trimming the middle). */
function boundReferences(ids: string[]): string[] {
  if (ids.length <= MAX_OUTBOUND_REFERENCES) return ids;
  return [ids[0]!, ...ids.slice(ids.length - (MAX_OUTBOUND_REFERENCES - 1))];
}
