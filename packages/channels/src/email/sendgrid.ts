import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent, Verification, WebhookRequest } from '@casekit/core';
import { z } from 'zod';
import { attachmentName } from './internal/attachment-name.ts';
import { verifyBasicAuth } from './internal/basic-auth.ts';
import { addressesOf, contentHash, contentTypeOf, headerMapOf, headerPairsOf, mailboxOf } from './internal/fields.ts';
import { jsonField, readForm } from './internal/form.ts';
import type { Form } from './internal/form.ts';
import { buildInboundEvent } from './internal/inbound-event.ts';
import { parseMime } from './mime.ts';

// SendGrid Inbound Parse posts multipart: either the whole message as `email` ("send raw"), or
// parsed fields with each text field's charset named in `charsets`. Its optional signature
// policies are not used here; the webhook URL carries Basic credentials instead.

/** Checks the Basic credentials of a SendGrid inbound post (missing → 401, wrong → 403). */
export function verifySendgrid(request: WebhookRequest, user: string | undefined, password: string | undefined): Verification {
  return verifyBasicAuth(request, user, password, 'SendGrid');
}

const Envelope = z.object({ to: z.array(z.string()).optional(), from: z.string().optional().nullable() });
const Charsets = z.record(z.string(), z.string());
const ContentIds = z.record(z.string(), z.string());
const AttachmentInfo = z.record(z.string(), z.object({ filename: z.string().optional(), name: z.string().optional(), type: z.string().optional(), 'content-id': z.string().optional() }));

/**
 * Turns a verified SendGrid Inbound Parse post into an event: the raw `email` through the MIME
 * parser when present, else `headers`, `text`, `html`, `from` and the `attachmentN` files.
 */
export async function parseSendgrid(request: WebhookRequest, options: { address?: string; now?: Date } = {}): Promise<InboundMessageEvent> {
  let form: Form;
  try {
    form = readForm(request);
  } catch (cause) {
    throw new ChannelPayloadError(`SendGrid post is not a form: ${(cause as Error).message}`);
  }
  const envelope = jsonField(form, 'envelope', Envelope, 'SendGrid');
  const envelopeOption = envelope ? { envelope: { to: envelope.to ?? [], ...(envelope.from != null ? { from: envelope.from } : {}) } } : {};
  const raw = form.get('email');
  if (raw) return parseMime(raw.data, { ...options, ...envelopeOption });

  const charsets = jsonField(form, 'charsets', Charsets, 'SendGrid') ?? {};
  const field = (name: string): string | undefined => form.text(name, charsets[name]);
  const headers = headerMapOf(headerPairsOf(field('headers') ?? ''));
  const subject = field('subject') ?? headers.get('subject');
  const from = mailboxOf(field('from') ?? headers.get('from'));
  const text = field('text');
  const html = field('html');
  return buildInboundEvent(
    {
      from,
      subject,
      text,
      html,
      headers,
      recipients: [...addressesOf(field('to')), ...addressesOf(field('cc')), ...(envelope?.to ?? [])],
      attachments: attachmentsOf(form),
      ...contentTypeOf(headers),
      envelopeFrom: envelope?.from ?? undefined,
      fallbackId: contentHash(field('headers'), text, html),
    },
    options,
  );
}

function attachmentsOf(form: Form): InboundAttachment[] {
  const info = jsonField(form, 'attachment-info', AttachmentInfo, 'SendGrid') ?? {};
  const cids = new Map(Object.entries(jsonField(form, 'content-ids', ContentIds, 'SendGrid') ?? {}).map(([cid, field]) => [field, cid]));
  const files = form.parts.filter((part) => /^attachment\d+$/.test(part.name));
  return files.map((part, index) => {
    const meta = info[part.name];
    const contentType = (meta?.type ?? part.contentType ?? 'application/octet-stream').split(';')[0]!.trim();
    const attachment: InboundAttachment = { name: attachmentName(meta?.filename ?? part.filename ?? meta?.name, contentType, index), contentType, size: part.data.byteLength, content: part.data };
    const cid = meta?.['content-id'] ?? cids.get(part.name);
    if (cid) attachment.url = `cid:${cid.replace(/^<|>$/g, '')}`;
    return attachment;
  });
}
