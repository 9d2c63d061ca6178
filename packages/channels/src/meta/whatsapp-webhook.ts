import type { DeliveryStatusEvent, InboundAttachment, InboundEvent, InboundMessageEvent } from '@casekit/core';
import { z } from 'zod';
import { toE164 } from '../internal/phone.ts';
import { classifyMetaError, metaErrorText } from './internal/graph-errors.ts';
import { nameForMedia } from './internal/media.ts';
import { isoFromEpoch, readMetaBody, readShape } from './internal/payload.ts';

const Media = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const WhatsAppMessage = z.object({
  id: z.string(),
  from: z.string(),
  timestamp: z.union([z.string(), z.number()]).optional(),
  type: z.string(),
  context: z.object({ id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: Media.optional(),
  audio: Media.optional(),
  video: Media.optional(),
  document: Media.optional(),
  sticker: Media.optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional(), url: z.string().optional() })
    .optional(),
  contacts: z
    .array(
      z.object({
        name: z.object({ formatted_name: z.string().optional() }).optional(),
        phones: z.array(z.object({ phone: z.string().optional() })).optional(),
      }),
    )
    .optional(),
  button: z.object({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string().optional(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string().optional(), title: z.string(), description: z.string().optional() }).optional(),
      nfm_reply: z.object({ body: z.string().optional(), name: z.string().optional(), response_json: z.string().optional() }).optional(),
    })
    .optional(),
  system: z.object({ body: z.string().optional() }).optional(),
});
type WhatsAppMessage = z.infer<typeof WhatsAppMessage>;

const StatusError = z.object({
  code: z.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

const MessagesValue = z.object({
  metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
  contacts: z.array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  // Read one by one below, so one odd item does not keep the rest of a batch from being read.
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});
type MessagesValue = z.infer<typeof MessagesValue>;

const Status = z.object({
  id: z.string(),
  status: z.string(),
  recipient_id: z.string().optional(),
  errors: z.array(StatusError).optional(),
});
type Status = z.infer<typeof Status>;

/** What every message has; enough to show one whose content does not read. */
const MessageHead = z.object({ id: z.string(), from: z.string(), type: z.string(), timestamp: z.union([z.string(), z.number()]).optional() });

const Envelope = z.object({
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string().optional(), value: z.unknown() })).optional() })),
});

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/**
 * Turns a WhatsApp Cloud webhook (`object: whatsapp_business_account`) into events: every message
 * and status of every entry and change. With `phoneNumberId`, changes for other numbers of the same
 * app are left out, so a message is never answered from a number it was not sent to.
 */
export function parseWhatsAppWebhook(body: Uint8Array, options: { phoneNumberId?: string } = {}): InboundEvent[] {
  const envelope = readShape(Envelope, readMetaBody(body, 'whatsapp_business_account'));
  const events: InboundEvent[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== 'messages') continue;
      const value = readShape(MessagesValue, change.value);
      const number = value.metadata?.phone_number_id;
      if (options.phoneNumberId && number && number !== options.phoneNumberId) continue;
      for (const item of value.messages ?? []) {
        const message = WhatsAppMessage.safeParse(item);
        const head = message.success ? message.data : MessageHead.safeParse(item).data;
        if (!head) continue;
        const event = messageEvent(head, message.success ? contentOf(message.data) : UNREADABLE, value);
        if (event) events.push(event);
      }
      for (const item of value.statuses ?? []) {
        const status = Status.safeParse(item);
        if (status.success && STATUSES.has(status.data.status)) events.push(statusEvent(status.data));
      }
    }
  }
  return events;
}

type Content = { text: string; attachments: InboundAttachment[]; automated?: boolean };

const UNREADABLE: Content = { text: '(A WhatsApp message casekit could not read; see it in the WhatsApp app.)', attachments: [] };

function messageEvent(
  message: z.infer<typeof MessageHead> & { context?: { id?: string | undefined } | undefined },
  content: Content | null,
  value: MessagesValue,
): InboundMessageEvent | null {
  if (!content) return null;
  const contact = value.contacts?.find((c) => c.wa_id === message.from) ?? (value.contacts?.length === 1 ? value.contacts[0] : undefined);
  const name = contact?.profile?.name;
  const phone = toE164(message.from);
  const sentAt = isoFromEpoch(message.timestamp, 's');
  return {
    type: 'message',
    providerMessageId: message.id,
    from: { externalId: message.from, ...(name && { name }), ...(phone && { phone }) },
    text: content.text,
    attachments: content.attachments,
    ...(message.context?.id && { references: [message.context.id] }),
    ...(content.automated && { automated: true }),
    ...(sentAt && { sentAt }),
  };
}

/** What a message says and carries; null for kinds that are not messages to answer (reactions). */
function contentOf(message: WhatsAppMessage): Content | null {
  const none: InboundAttachment[] = [];
  if (message.type === 'reaction') return null;
  if (message.type === 'text' && message.text) return { text: message.text.body, attachments: none };
  const kind = MEDIA_TYPES.find((t) => t === message.type);
  const media = kind ? message[kind] : undefined;
  if (kind && media) {
    const contentType = media.mime_type ?? 'application/octet-stream';
    const name = media.filename ?? nameForMedia(kind, media.mime_type);
    return { text: media.caption ?? '', attachments: [{ name, contentType, url: `meta-media:${media.id}` }] };
  }
  if (message.type === 'location' && message.location) {
    const { latitude, longitude, name, address } = message.location;
    const place = [name, address].filter(Boolean).join(', ');
    return { text: `Location: ${place ? `${place} ` : ''}(${latitude}, ${longitude})`, attachments: none };
  }
  if (message.type === 'contacts' && message.contacts) {
    const cards = message.contacts.map((c) => [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' '));
    return { text: `Contact: ${cards.join('; ')}`, attachments: none };
  }
  if (message.type === 'button' && message.button) return { text: message.button.text ?? message.button.payload ?? '', attachments: none };
  if (message.type === 'interactive' && message.interactive) {
    const { button_reply, list_reply, nfm_reply } = message.interactive;
    if (button_reply) return { text: button_reply.title, attachments: none };
    if (list_reply) return { text: [list_reply.title, list_reply.description].filter(Boolean).join('\n'), attachments: none };
    if (nfm_reply) return { text: nfm_reply.body ?? nfm_reply.response_json ?? '', attachments: none };
  }
  if (message.type === 'system' && message.system) return { text: message.system.body ?? '', attachments: none, automated: true };
  return { text: `(A WhatsApp message of type "${message.type}" that casekit cannot show; see it in the WhatsApp app.)`, attachments: none };
}

function statusEvent(status: Status): DeliveryStatusEvent {
  const event: DeliveryStatusEvent = { type: 'status', providerMessageId: status.id, status: status.status as DeliveryStatusEvent['status'] };
  const error = status.errors?.[0];
  if (status.status === 'failed' && error) {
    const meaning = classifyMetaError({ code: error.code });
    const text = metaErrorText({ message: error.title ?? error.message, details: error.error_data?.details });
    event.error = { code: meaning.code, reason: `${meaning.explanation ? `${meaning.explanation} ` : ''}Meta error ${error.code}: ${text}` };
  }
  return event;
}
