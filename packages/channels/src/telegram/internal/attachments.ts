import type { InboundAttachment } from '@casekit/core';
import type { TelegramMessage } from './update-schema.ts';

/** The files a message carries, by reference (`telegram-file:<file_id>`); `getFile` resolves one later. */
export function telegramAttachments(message: TelegramMessage): InboundAttachment[] {
  const found: InboundAttachment[] = [];
  const add = (file: { file_id: string; file_size?: number | undefined }, name: string, contentType: string) => {
    found.push({ name, contentType, url: `telegram-file:${file.file_id}`, ...(file.file_size === undefined ? {} : { size: file.file_size }) });
  };
  // Telegram sends every size of a photo, smallest first: the last one is the original.
  const photo = message.photo?.at(-1);
  if (photo) add(photo, `photo_${photo.file_unique_id}.jpg`, 'image/jpeg');
  const { document, audio, video, voice, video_note: videoNote, sticker } = message;
  if (document) add(document, document.file_name ?? `document_${document.file_unique_id}`, document.mime_type ?? 'application/octet-stream');
  if (audio) add(audio, audio.file_name ?? `audio_${audio.file_unique_id}.mp3`, audio.mime_type ?? 'audio/mpeg');
  if (video) add(video, video.file_name ?? `video_${video.file_unique_id}.mp4`, video.mime_type ?? 'video/mp4');
  if (voice) add(voice, `voice_${voice.file_unique_id}.ogg`, voice.mime_type ?? 'audio/ogg');
  if (videoNote) add(videoNote, `video_note_${videoNote.file_unique_id}.mp4`, 'video/mp4');
  if (sticker) {
    const [extension, type] = sticker.is_animated ? ['tgs', 'application/x-tgsticker'] : sticker.is_video ? ['webm', 'video/webm'] : ['webp', 'image/webp'];
    add(sticker, `sticker_${sticker.file_unique_id}.${extension}`, type);
  }
  return found;
}
