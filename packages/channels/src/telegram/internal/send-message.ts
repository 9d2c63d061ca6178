import type { ChannelRuntime, OutboundMessage, SendResult } from '@casekit/core';
import type { Attachment } from '@casekit/protocol';
import type { TelegramConfig, TelegramSecrets } from '../settings.ts';
import { callBotApi } from './bot-api.ts';
import { telegramMessageKey } from './parse-update.ts';

/** Telegram's limit on a photo's or document's caption, in characters. */
const CAPTION_LIMIT = 1024;
/** `sendPhoto` takes JPEG and PNG up to 10 MB; anything else goes as a document (up to 50 MB). */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png']);
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Sends the reply to the conversation's chat (a group's id from the thread key, else the
 * customer's private chat); in a group it answers the customer's last message so the group sees
 * whom it is for. A file goes with `sendPhoto` or `sendDocument`, uploaded when its bytes can be
 * loaded, else by URL, with the text as its caption, or as a message before it when the text is
 * longer than a caption. The id returned is `${chat.id}:${message_id}` of the message with the text.
 */
export async function sendTelegramMessage(outbound: OutboundMessage, runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>): Promise<SendResult> {
  const chatId = outbound.conversation.externalThreadId ?? outbound.to.externalId;
  const addressed: Record<string, unknown> = { chat_id: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId };
  const replyTo = outbound.conversation.externalThreadId ? messageIdIn(chatId, outbound.lastInbound?.providerMessageId) : undefined;
  if (replyTo !== undefined) addressed.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };

  const { text, attachments } = outbound.message;
  const file = attachments[0];
  const key = (sent: { message_id: number; chat?: { id: number } | undefined }) => telegramMessageKey(sent.chat?.id ?? chatId, sent.message_id);
  if (!file) return { providerMessageId: key(await callBotApi('sendMessage', { ...addressed, text }, runtime)) };

  const asCaption = text.trim() !== '' && [...text].length <= CAPTION_LIMIT;
  const textMessage = !asCaption && text.trim() !== '' ? await callBotApi('sendMessage', { ...addressed, text }, runtime) : undefined;
  const fileMessage = await sendFile(file, { ...addressed, ...(asCaption ? { caption: text } : {}) }, outbound, runtime);
  return { providerMessageId: key(textMessage ?? fileMessage) };
}

async function sendFile(file: Attachment, fields: Record<string, unknown>, outbound: OutboundMessage, runtime: ChannelRuntime<TelegramConfig, TelegramSecrets>) {
  const asPhoto = PHOTO_TYPES.has(file.contentType) && file.size <= PHOTO_MAX_BYTES;
  const [method, field] = asPhoto ? ['sendPhoto', 'photo'] : ['sendDocument', 'document'];
  if (!outbound.loadAttachment) {
    // Telegram fetches it itself; the URL must be one it can reach.
    return callBotApi(method, { ...fields, [field]: new URL(file.url, runtime.publicUrl).toString() }, runtime);
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  const bytes = await outbound.loadAttachment(file);
  form.append(field, new Blob([new Uint8Array(bytes)], { type: file.contentType }), file.name);
  return callBotApi(method, form, runtime);
}

/** The message id in a stored key of the same chat (`-100123:42` → 42). */
function messageIdIn(chatId: string, providerMessageId: string | null | undefined): number | undefined {
  const [chat, id] = providerMessageId?.split(':') ?? [];
  return chat === chatId && id && /^\d+$/.test(id) ? Number(id) : undefined;
}
