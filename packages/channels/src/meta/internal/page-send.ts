import type { OutboundMessage, SendResult } from '@casekit/core';
import { DeliveryError } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import { postGraph } from './graph-client.ts';
import { bareMediaType } from './media.ts';
import { fileBlob, mediaSourceOf } from './outbound-media.ts';

/** Where and how to call the Send API for one Page (Messenger, or Instagram through its Page). */
export interface PageEndpoint {
  /** `{apiBaseUrl}/{apiVersion}/{pageId}/messages` */
  messagesUrl: string;
  pageAccessToken: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * Sends a reply through the Send API as a `RESPONSE` inside the 24 hour window: the text, then
 * each file as its own message (the Send API takes text or one attachment per message). The
 * first message's `message_id` is returned.
 */
export async function sendPageMessage(outbound: OutboundMessage, endpoint: PageEndpoint): Promise<SendResult> {
  const recipient = { id: outbound.to.externalId };
  const { text, attachments } = outbound.message;
  if (!text.trim() && attachments.length === 0) {
    throw new DeliveryError('The message has neither text nor files; Meta has nothing to send.', { retryable: false, code: 'empty_message' });
  }
  const ids: string[] = [];
  if (text.trim()) ids.push(await post(endpoint, { recipient, messaging_type: 'RESPONSE', message: { text } }));
  for (const attachment of attachments) ids.push(await sendFile(endpoint, recipient, attachment, outbound));
  return { providerMessageId: ids[0]! };
}

function typeOf(attachment: Attachment): 'image' | 'video' | 'audio' | 'file' {
  const family = bareMediaType(attachment.contentType).split('/')[0];
  return family === 'image' || family === 'video' || family === 'audio' ? family : 'file';
}

async function sendFile(endpoint: PageEndpoint, recipient: { id: string }, attachment: Attachment, outbound: OutboundMessage): Promise<string> {
  const type = typeOf(attachment);
  const source = await mediaSourceOf(attachment, outbound.loadAttachment);
  if ('link' in source) {
    return post(endpoint, { recipient, messaging_type: 'RESPONSE', message: { attachment: { type, payload: { url: source.link, is_reusable: false } } } });
  }
  const form = new FormData();
  form.set('recipient', JSON.stringify(recipient));
  form.set('messaging_type', 'RESPONSE');
  form.set('message', JSON.stringify({ attachment: { type, payload: { is_reusable: false } } }));
  form.set('filedata', fileBlob(source.bytes, attachment), attachment.name);
  return post(endpoint, form);
}

async function post(endpoint: PageEndpoint, body: Record<string, unknown> | FormData): Promise<string> {
  const answer = await postGraph(endpoint.fetch, { url: endpoint.messagesUrl, token: endpoint.pageAccessToken, body, timeoutMs: endpoint.timeoutMs });
  if (typeof answer.message_id !== 'string') {
    throw new DeliveryError('Meta accepted the message but answered no message_id, so its receipts cannot be matched.', {
      retryable: false,
      code: 'unexpected_response',
    });
  }
  return answer.message_id;
}
