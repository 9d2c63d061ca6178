import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent, Verification, WebhookRequest } from '@casekit/core';
import { z } from 'zod';
import { attachmentName } from './internal/attachment-name.ts';
import { verifyBasicAuth } from './internal/basic-auth.ts';
import { contentHash, contentTypeOf, headerMapOf } from './internal/fields.ts';
import { buildInboundEvent } from './internal/inbound-event.ts';

// Postmark posts inbound mail as JSON and signs nothing: the webhook URL carries Basic
// credentials (https://user:password@…), which Postmark sends in the Authorization header.

/** Checks the Basic credentials of a Postmark inbound post (missing → 401, wrong → 403). */
export function verifyPostmark(request: WebhookRequest, user: string | undefined, password: string | undefined): Verification {
  return verifyBasicAuth(request, user, password, 'Postmark');
}

const Mailbox = z.object({ Email: z.string(), Name: z.string().optional().nullable(), MailboxHash: z.string().optional().nullable() });

const PostmarkInbound = z.object({
  From: z.string().optional().nullable(),
  FromName: z.string().optional().nullable(),
  FromFull: Mailbox.optional().nullable(),
  To: z.string().optional().nullable(),
  ToFull: z.array(Mailbox).optional().nullable(),
  Cc: z.string().optional().nullable(),
  CcFull: z.array(Mailbox).optional().nullable(),
  BccFull: z.array(Mailbox).optional().nullable(),
  OriginalRecipient: z.string().optional().nullable(),
  ReplyTo: z.string().optional().nullable(),
  Subject: z.string().optional().nullable(),
  Date: z.string().optional().nullable(),
  MessageID: z.string().optional().nullable(),
  TextBody: z.string().optional().nullable(),
  HtmlBody: z.string().optional().nullable(),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).optional().nullable(),
  Attachments: z
    .array(z.object({ Name: z.string().optional().nullable(), Content: z.string(), ContentType: z.string().optional().nullable(), ContentLength: z.number().optional().nullable(), ContentID: z.string().optional().nullable() }))
    .optional()
    .nullable(),
});

/**
 * Turns a verified Postmark inbound post into an event. The RFC Message-ID, In-Reply-To and
 * References come from `Headers` (`MessageID` is Postmark's own id, used only when there is no
 * Message-ID); attachments arrive base64-encoded in the body.
 */
export function parsePostmark(request: WebhookRequest, options: { address?: string; now?: Date } = {}): InboundMessageEvent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(request.body));
  } catch {
    throw new ChannelPayloadError('Postmark post is not JSON.');
  }
  const parsed = PostmarkInbound.safeParse(json);
  if (!parsed.success) throw new ChannelPayloadError(`Postmark post has an unexpected shape: ${parsed.error.issues[0]?.path.join('.')}`);
  const mail = parsed.data;

  const headers = headerMapOf([
    ...(mail.Headers ?? []).map((header) => [header.Name, header.Value] as const),
    ...([
      ['subject', mail.Subject],
      ['date', mail.Date],
      ['from', mail.From && mail.FromName ? `${mail.FromName} <${mail.From}>` : mail.From],
      ['to', mail.To],
      ['cc', mail.Cc],
      ['reply-to', mail.ReplyTo],
    ] as const).flatMap(([name, value]) => (value ? [[name, value] as const] : [])),
  ]);
  const fromAddress = mail.FromFull?.Email || mail.From;
  const fromName = mail.FromFull?.Name || mail.FromName;
  const recipients = [...(mail.ToFull ?? []), ...(mail.CcFull ?? []), ...(mail.BccFull ?? [])].map((mailbox) => mailbox.Email);
  if (mail.OriginalRecipient) recipients.push(mail.OriginalRecipient);

  return buildInboundEvent(
    {
      from: fromAddress ? (fromName ? { address: fromAddress, name: fromName } : { address: fromAddress }) : undefined,
      subject: mail.Subject ?? undefined,
      text: mail.TextBody ?? undefined,
      html: mail.HtmlBody ?? undefined,
      headers,
      recipients,
      attachments: (mail.Attachments ?? []).map((file, index): InboundAttachment => {
        const content = new Uint8Array(Buffer.from(file.Content, 'base64'));
        const contentType = file.ContentType || 'application/octet-stream';
        const attachment: InboundAttachment = { name: attachmentName(file.Name ?? undefined, contentType, index), contentType, size: content.byteLength, content };
        if (file.ContentID) attachment.url = `cid:${file.ContentID.replace(/^<|>$/g, '')}`;
        return attachment;
      }),
      ...contentTypeOf(headers),
      fallbackId: mail.MessageID ? `postmark:${mail.MessageID}` : contentHash(request.body),
    },
    options,
  );
}
