import { DeliveryError } from '@casekit/core';
import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import { z } from 'zod';
import type { XConfig, XSecrets } from '../settings.ts';
import { postToX } from './x-api.ts';

/** What the one-request media upload takes for a DM (`dm_image`); GIFs and videos need the chunked upload. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/pjpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff']);
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

const created = z.object({ data: z.object({ dm_conversation_id: z.string().optional(), dm_event_id: z.string().min(1) }) });
const uploaded = z.object({ data: z.object({ id: z.string().min(1) }) });

/**
 * Sends the reply as a Direct Message to the customer (X API v2, OAuth 1.0a user context), with
 * its picture uploaded first when it has one. Its `dm_event_id` is the id the same message
 * carries when the webhook echoes it back.
 */
export async function sendXDirectMessage(outbound: OutboundMessage, runtime: ChannelRuntime<XConfig, XSecrets>): Promise<SendResult> {
  const { text, attachments } = outbound.message;
  const file = attachments[0];
  const mediaId = file ? await uploadImage(file, outbound, runtime) : undefined;
  const body = { ...(text.trim() === '' && mediaId ? {} : { text }), ...(mediaId ? { attachments: [{ media_id: mediaId }] } : {}) };
  const answer = created.safeParse(await postToX(`/2/dm_conversations/with/${encodeURIComponent(outbound.to.externalId)}/messages`, body, runtime));
  if (!answer.success) throw new DeliveryError('X answered without the sent message', { retryable: false, code: 'invalid_response' });
  return { providerMessageId: answer.data.data.dm_event_id };
}

/** Uploads a DM picture (`POST /2/media/upload`, base64 in JSON) and answers its media id. */
async function uploadImage(file: Attachment, outbound: OutboundMessage, runtime: ChannelRuntime<XConfig, XSecrets>): Promise<string> {
  if (!IMAGE_TYPES.has(file.contentType)) {
    throw new DeliveryError(`X takes a picture (JPEG, PNG, WebP, BMP or TIFF) with a Direct Message, not ${file.contentType}; share the file as a link.`, {
      retryable: false,
      code: 'unsupported_attachment',
    });
  }
  if (!outbound.loadAttachment) throw new DeliveryError('X needs the picture uploaded, and this server cannot read its files.', { retryable: false, code: 'attachment_unavailable' });
  const bytes = await outbound.loadAttachment(file);
  if (bytes.length > IMAGE_MAX_BYTES) throw new DeliveryError('X takes pictures of up to 5 MB with a Direct Message.', { retryable: false, code: 'attachment_too_large' });
  const body = { media: Buffer.from(bytes).toString('base64'), media_category: 'dm_image', media_type: file.contentType, shared: false };
  const answer = uploaded.safeParse(await postToX('/2/media/upload', body, runtime));
  if (!answer.success) throw new DeliveryError('X answered the upload without a media id', { retryable: false, code: 'invalid_response' });
  return answer.data.data.id;
}
