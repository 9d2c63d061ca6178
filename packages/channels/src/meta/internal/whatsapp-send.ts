import type { OutboundMessage, SendResult } from '@casekit/core';
import { DeliveryError } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import { postGraph } from './graph-client.ts';
import { bareMediaType } from './media.ts';
import { fileBlob, mediaSourceOf } from './outbound-media.ts';
import { templateOfMessage } from '../../internal/templates.ts';

/** Where and how to call the WhatsApp Cloud API for one phone number. */
export interface WhatsAppEndpoint {
  /** `{apiBaseUrl}/{apiVersion}/{phoneNumberId}` */
  numberUrl: string;
  accessToken: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Caption lengths WhatsApp accepts on image, video and document messages. */
const MAX_CAPTION = 1024;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const VIDEO_TYPES = new Set(['video/mp4', 'video/3gpp']);

type MediaKind = 'image' | 'video' | 'audio' | 'document';

/**
 * Sends a reply as WhatsApp messages: an approved template (`type: template`, its variables as the
 * body's text parameters), the text, or each file with the text as the first caption when it fits
 * (audio takes none, so the text then goes first on its own). The first message's `wamid` is returned.
 */
export async function sendWhatsApp(
  outbound: OutboundMessage,
  templates: readonly { name: string; language: string }[] | undefined,
  endpoint: WhatsAppEndpoint,
): Promise<SendResult> {
  const to = outbound.to.externalId;
  const approved = templateOfMessage(outbound, templates);
  if (approved) {
    const { template, variables } = approved;
    const components = variables.length > 0 ? [{ type: 'body', parameters: variables.map((text) => ({ type: 'text', text })) }] : [];
    const body = { name: template.name, language: { code: template.language }, ...(components.length > 0 && { components }) };
    return { providerMessageId: await post(endpoint, { to, type: 'template', template: body }) };
  }
  const { text, attachments } = outbound.message;
  if (!text.trim() && attachments.length === 0) {
    throw new DeliveryError('The message has neither text nor files; WhatsApp has nothing to send.', { retryable: false, code: 'empty_message' });
  }
  const ids: string[] = [];
  let caption: string | undefined = text.trim() ? text : undefined;
  const first = attachments[0];
  if (caption !== undefined && (!first || kindOf(first) === 'audio' || caption.length > MAX_CAPTION)) {
    ids.push(await post(endpoint, { to, type: 'text', text: { preview_url: false, body: caption } }));
    caption = undefined;
  }
  for (const attachment of attachments) {
    const kind = kindOf(attachment);
    const media = await mediaObject(attachment, kind, outbound, endpoint);
    if (caption !== undefined && kind !== 'audio') {
      media.caption = caption;
      caption = undefined;
    }
    ids.push(await post(endpoint, { to, type: kind, [kind]: media }));
  }
  return { providerMessageId: ids[0]! };
}

function kindOf(attachment: Attachment): MediaKind {
  const type = bareMediaType(attachment.contentType);
  if (IMAGE_TYPES.has(type)) return 'image';
  if (VIDEO_TYPES.has(type)) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

async function mediaObject(attachment: Attachment, kind: MediaKind, outbound: OutboundMessage, endpoint: WhatsAppEndpoint): Promise<Record<string, string>> {
  const source = await mediaSourceOf(attachment, outbound.loadAttachment);
  const filename: Record<string, string> = kind === 'document' ? { filename: attachment.name } : {};
  if ('link' in source) return { link: source.link, ...filename };
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', bareMediaType(attachment.contentType));
  form.set('file', fileBlob(source.bytes, attachment), attachment.name);
  const uploaded = await postGraph(endpoint.fetch, { url: `${endpoint.numberUrl}/media`, token: endpoint.accessToken, body: form, timeoutMs: endpoint.timeoutMs });
  if (typeof uploaded.id !== 'string') {
    throw new DeliveryError('Meta accepted the file upload but answered no media id.', { retryable: false, code: 'unexpected_response' });
  }
  return { id: uploaded.id, ...filename };
}

async function post(endpoint: WhatsAppEndpoint, message: Record<string, unknown>): Promise<string> {
  const answer = await postGraph(endpoint.fetch, {
    url: `${endpoint.numberUrl}/messages`,
    token: endpoint.accessToken,
    body: { messaging_product: 'whatsapp', recipient_type: 'individual', ...message },
    timeoutMs: endpoint.timeoutMs,
  });
  const id = (answer.messages as Array<{ id?: unknown }> | undefined)?.[0]?.id;
  if (typeof id !== 'string') {
    throw new DeliveryError('WhatsApp accepted the message but answered no message id, so its receipts cannot be matched.', {
      retryable: false,
      code: 'unexpected_response',
    });
  }
  return id;
}
