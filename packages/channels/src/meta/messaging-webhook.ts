import type { InboundAttachment, InboundEvent, InboundMessageEvent } from '@casekit/core';
import { z } from 'zod';
import { fileOfUrl } from './internal/media.ts';
import { isoFromEpoch, readMetaBody, readShape } from './internal/payload.ts';

const Attachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      title: z.string().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
  title: z.string().optional(),
  url: z.string().optional(),
});
type Attachment = z.infer<typeof Attachment>;

const Message = z.object({
  mid: z.string(),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  reply_to: z.object({ mid: z.string().optional() }).optional(),
  attachments: z.array(Attachment).optional(),
});
type Message = z.infer<typeof Message>;

const MessagingEvent = z.object({
  sender: z.object({ id: z.string().optional() }).optional(),
  timestamp: z.number().optional(),
  message: Message.optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional() }).optional(),
  read: z.object({ mid: z.string().optional(), watermark: z.number().optional() }).optional(),
});
type MessagingEvent = z.infer<typeof MessagingEvent>;

const Envelope = z.object({
  // Events are read one by one, so one odd event does not keep the rest of a batch from being read.
  entry: z.array(z.object({ id: z.string().optional(), messaging: z.array(z.unknown()).optional() })),
});

/** What a customer message has; enough to show one whose content does not read. */
const MessageHead = z.object({
  sender: z.object({ id: z.string() }),
  timestamp: z.number().optional(),
  message: z.object({ mid: z.string(), is_echo: z.boolean().optional() }),
});

const FILE_TYPES: Record<string, string> = { image: 'image', audio: 'audio', video: 'video', file: 'application' };

/**
 * Turns a Messenger (`object: page`) or Instagram (`object: instagram`) webhook into events: customer
 * messages and postbacks from every entry's `messaging[]`, delivery receipts by `mids`, and
 * Instagram's read receipts by `mid`. Echoes of our own sends, deletions and `standby[]` (another app
 * owns the thread) are skipped, as are Messenger's read watermarks, which name no message.
 * With `accountId`, entries for other Pages or accounts of the same app are left out.
 */
export function parseMessagingWebhook(body: Uint8Array, options: { object: 'page' | 'instagram'; accountId?: string }): InboundEvent[] {
  const envelope = readShape(Envelope, readMetaBody(body, options.object));
  const events: InboundEvent[] = [];
  for (const entry of envelope.entry) {
    if (options.accountId && entry.id && entry.id !== options.accountId) continue;
    for (const item of entry.messaging ?? []) {
      const event = MessagingEvent.safeParse(item);
      if (event.success) events.push(...eventsOf(event.data));
      else events.push(...unreadable(item));
    }
  }
  return events;
}

function eventsOf(event: MessagingEvent): InboundEvent[] {
  const sender = event.sender?.id;
  const sentAt = isoFromEpoch(event.timestamp, 'ms');
  if (event.message) {
    const message = event.message;
    if (message.is_echo || message.is_deleted || !sender) return [];
    return [messageEvent(message, sender, sentAt)];
  }
  if (event.postback && sender) {
    // A tapped button: its title is what the customer chose. Older postbacks carry no mid.
    const id = event.postback.mid ?? `postback:${sender}:${event.timestamp ?? ''}`;
    const text = event.postback.title ?? event.postback.payload ?? '';
    return [{ type: 'message', providerMessageId: id, from: { externalId: sender }, text, attachments: [], ...(sentAt && { sentAt }) }];
  }
  if (event.delivery) {
    return (event.delivery.mids ?? []).map((mid) => ({ type: 'status', providerMessageId: mid, status: 'delivered' }));
  }
  if (event.read?.mid) return [{ type: 'status', providerMessageId: event.read.mid, status: 'read' }];
  return [];
}

function messageEvent(message: Message, sender: string, sentAt: string | undefined): InboundMessageEvent {
  const attachments: InboundAttachment[] = [];
  const lines: string[] = message.text ? [message.text] : [];
  for (const attachment of message.attachments ?? []) {
    const file = fileAttachment(attachment);
    if (file) attachments.push(file);
    else {
      const line = describe(attachment);
      if (line) lines.push(line);
    }
  }
  if (message.is_unsupported && lines.length === 0 && attachments.length === 0) {
    lines.push('(A message casekit cannot show; see it in the app it was sent from.)');
  }
  return {
    type: 'message',
    providerMessageId: message.mid,
    from: { externalId: sender },
    text: lines.join('\n'),
    attachments,
    ...(message.reply_to?.mid && { references: [message.reply_to.mid] }),
    ...(sentAt && { sentAt }),
  };
}

function unreadable(item: unknown): InboundMessageEvent[] {
  const head = MessageHead.safeParse(item);
  if (!head.success || head.data.message.is_echo) return [];
  const sentAt = isoFromEpoch(head.data.timestamp, 'ms');
  const text = '(A message casekit could not read; see it in the app it was sent from.)';
  return [{ type: 'message', providerMessageId: head.data.message.mid, from: { externalId: head.data.sender.id }, text, attachments: [], ...(sentAt && { sentAt }) }];
}

/** Images, audio, video and files as attachments by their CDN URL. */
function fileAttachment(attachment: Attachment): InboundAttachment | null {
  const family = FILE_TYPES[attachment.type];
  const url = attachment.payload?.url;
  if (!family || !url) return null;
  const file = fileOfUrl(url);
  const contentType = file.contentType?.startsWith(`${family}/`) || family === 'application' ? file.contentType : undefined;
  return {
    name: file.name ?? attachment.type,
    contentType: contentType ?? (family === 'application' ? 'application/octet-stream' : `${family}/*`),
    url,
  };
}

/** Shares, reels, posts, story mentions and locations as a line of text with their link. */
function describe(attachment: Attachment): string | null {
  const coordinates = attachment.payload?.coordinates;
  if (coordinates) return `Location: (${coordinates.lat}, ${coordinates.long})`;
  const url = attachment.payload?.url ?? attachment.url;
  const title = attachment.payload?.title ?? attachment.title;
  if (!url && !title) return null;
  return [`${attachment.type.replace(/_/g, ' ')}:`, title, url].filter(Boolean).join(' ');
}
