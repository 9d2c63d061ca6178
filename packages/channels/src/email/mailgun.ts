import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent, Verification, WebhookRequest } from '@casekit/core';
import { z } from 'zod';
import { hmac, safeEqual } from '../internal/crypto.ts';
import { attachmentName } from './internal/attachment-name.ts';
import { addressesOf, contentHash, contentTypeOf, headerMapOf, mailboxOf } from './internal/fields.ts';
import { jsonField, readForm } from './internal/form.ts';
import type { Form } from './internal/form.ts';
import { buildInboundEvent } from './internal/inbound-event.ts';
import { parseMime } from './mime.ts';

// Mailgun routes forward each message as a form post (multipart when it has attachments). The
// signature is a field of that form: `hex(HMAC-SHA256(signing key, timestamp + token))`.

/** How far a Mailgun timestamp may be from our clock before the post counts as a replay. */
const MAILGUN_MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * Checks a Mailgun inbound post: missing fields → 401; wrong signature or a timestamp more than
 * five minutes off → 403. Only `timestamp`, `token` and `signature` are read before the check.
 */
export function verifyMailgun(request: WebhookRequest, signingKey: string | undefined, now: Date): Verification {
  if (!signingKey) return { ok: false, status: 403, reason: 'No Mailgun signing key is configured for this channel.' };
  let form: Form;
  try {
    form = readForm(request);
  } catch {
    return { ok: false, status: 401, reason: 'Mailgun post without a readable form: no signature to check.' };
  }
  const timestamp = form.text('timestamp');
  const token = form.text('token');
  const signature = form.text('signature');
  if (!timestamp || !token || !signature) return { ok: false, status: 401, reason: 'Mailgun post without timestamp, token and signature.' };
  const expected = hmac('sha256', signingKey, timestamp + token, 'hex');
  if (!safeEqual(signature.trim().toLowerCase(), expected)) return { ok: false, status: 403, reason: 'Mailgun signature does not match.' };
  const sentAt = Number(timestamp) * 1000;
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() - sentAt) > MAILGUN_MAX_SKEW_MS) {
    return { ok: false, status: 403, reason: 'Mailgun timestamp is more than five minutes off: a stale or replayed post.' };
  }
  return { ok: true };
}

const MessageHeaders = z.array(z.tuple([z.string(), z.string()]));
const ContentIdMap = z.record(z.string(), z.string());

/**
 * Turns a verified Mailgun post into an event: from `body-mime` when the route's URL asked for
 * it (ends in `mime`), else from the parsed fields, `message-headers` and `attachment-N` files.
 */
export async function parseMailgun(request: WebhookRequest, options: { address?: string; now?: Date } = {}): Promise<InboundMessageEvent> {
  let form: Form;
  try {
    form = readForm(request);
  } catch (cause) {
    throw new ChannelPayloadError(`Mailgun post is not a form: ${(cause as Error).message}`);
  }
  const recipients = addressesOf(form.text('recipient'));
  const sender = form.text('sender');
  const mime = form.get('body-mime');
  if (mime) return parseMime(mime.data, { ...options, envelope: { ...(sender !== undefined ? { from: sender } : {}), to: recipients } });

  const headers = headerMapOf(jsonField(form, 'message-headers', MessageHeaders, 'Mailgun') ?? []);
  const subject = form.text('subject') ?? headers.get('subject');
  const from = mailboxOf(form.text('from') ?? headers.get('from')) ?? mailboxOf(sender);
  const text = form.text('body-plain');
  const html = form.text('body-html');
  return buildInboundEvent(
    {
      from,
      subject,
      text,
      html,
      headers,
      recipients: [...recipients, ...addressesOf(headers.get('to')), ...addressesOf(headers.get('cc'))],
      attachments: attachmentsOf(form),
      ...contentTypeOf(headers),
      envelopeFrom: sender,
      fallbackId: contentHash(from?.address, headers.get('date'), subject, text, html),
    },
    options,
  );
}

function attachmentsOf(form: Form): InboundAttachment[] {
  const cids = new Map(Object.entries(jsonField(form, 'content-id-map', ContentIdMap, 'Mailgun') ?? {}).map(([cid, field]) => [field, cid.replace(/^<|>$/g, '')]));
  const files = form.parts.filter((part) => /^attachment-\d+$/.test(part.name) && part.filename !== undefined);
  return files.map((part, index) => {
    const contentType = part.contentType?.split(';')[0]?.trim() || 'application/octet-stream';
    const attachment: InboundAttachment = { name: attachmentName(part.filename, contentType, index), contentType, size: part.data.byteLength, content: part.data };
    const cid = cids.get(part.name);
    if (cid) attachment.url = `cid:${cid}`;
    return attachment;
  });
}
