import type { OutboundMessage } from '@casekit/core';
import { DeliveryError } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import { bareMediaType } from './media.ts';

/** How a file reaches Meta: by a public link Meta fetches, or as bytes we upload. */
export type MediaSource = { link: string } | { bytes: Uint8Array };

/**
 * An attachment with an absolute http(s) URL goes by link; any other is loaded and uploaded.
 * A file that can be neither fails the message: trying again would not find it either.
 */
export async function mediaSourceOf(attachment: Attachment, load: OutboundMessage['loadAttachment']): Promise<MediaSource> {
  if (/^https?:\/\//i.test(attachment.url)) return { link: attachment.url };
  if (!load) {
    throw new DeliveryError(`The attachment "${attachment.name}" has no public URL and its bytes cannot be loaded, so Meta cannot be given it.`, {
      retryable: false,
      code: 'attachment_unavailable',
    });
  }
  try {
    return { bytes: await load(attachment) };
  } catch (error) {
    throw new DeliveryError(`The attachment "${attachment.name}" could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      retryable: false,
      code: 'attachment_unavailable',
    });
  }
}

/** The multipart file part of an upload, typed as the attachment says. */
export function fileBlob(bytes: Uint8Array, attachment: Attachment): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: bareMediaType(attachment.contentType) });
}
