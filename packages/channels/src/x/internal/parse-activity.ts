import { ChannelPayloadError } from '@casekit/core';
import type { InboundAttachment, InboundMessageEvent } from '@casekit/core';
import { accountActivity } from './activity-schema.ts';
import type { XMedia } from './activity-schema.ts';

/**
 * Reads the Direct Messages of one delivery. Our own sends come back as events from `userId` and
 * are skipped, as is a delivery for another account subscribed to the same app. t.co links are
 * expanded, and the link X appends for a media attachment is dropped from the text.
 */
export function parseAccountActivity(raw: unknown, userId: string): InboundMessageEvent[] {
  const result = accountActivity.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ChannelPayloadError(`Not an Account Activity delivery: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'unreadable'}`);
  }
  const activity = result.data;
  if (activity.for_user_id !== undefined && activity.for_user_id !== userId) return [];

  const events: InboundMessageEvent[] = [];
  for (const event of activity.direct_message_events ?? []) {
    const create = event.message_create;
    if (event.type !== 'message_create' || !create || create.sender_id === userId) continue;
    const data = create.message_data;
    const media = data.attachment?.type === 'media' ? data.attachment.media : undefined;
    let text = data.text;
    for (const link of data.entities?.urls ?? []) if (link.expanded_url) text = text.split(link.url).join(link.expanded_url);
    if (media?.url) text = text.split(media.url).join('');

    const user = activity.users?.[create.sender_id];
    const name = user?.name ?? (user?.screen_name ? `@${user.screen_name}` : undefined);
    const sentAt = event.created_timestamp && /^\d+$/.test(event.created_timestamp) ? new Date(Number(event.created_timestamp)).toISOString() : undefined;
    events.push({
      type: 'message',
      providerMessageId: event.id,
      from: { externalId: create.sender_id, ...(name ? { name } : {}) },
      text: text.trim(),
      attachments: media ? [attachmentOf(media)] : [],
      ...(sentAt ? { sentAt } : {}),
    });
  }
  return events;
}

/** A DM's media by reference: X's URL (it needs the account's OAuth to download), or `x-media:<id>`. */
function attachmentOf(media: XMedia): InboundAttachment {
  const video = media.video_info?.variants.filter((variant) => variant.bitrate !== undefined).sort((a, b) => (b.bitrate ?? 0) - (a.bitrate ?? 0))[0];
  if (video) return { name: fileName(video.url, `video_${media.id_str ?? 'x'}.mp4`), contentType: video.content_type, url: video.url };
  const url = media.media_url_https ?? `x-media:${media.id_str ?? 'unknown'}`;
  const name = fileName(url, `photo_${media.id_str ?? 'x'}.jpg`);
  return { name, contentType: name.endsWith('.png') ? 'image/png' : name.endsWith('.gif') ? 'image/gif' : 'image/jpeg', url };
}

function fileName(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').at(-1);
    return last && /\.[a-z0-9]{2,4}$/i.test(last) ? last : fallback;
  } catch {
    return fallback;
  }
}
