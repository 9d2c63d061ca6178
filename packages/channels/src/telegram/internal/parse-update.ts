import { ChannelPayloadError } from '@casekit/core';
import type { InboundMessageEvent } from '@casekit/core';
import { toE164 } from '../../internal/phone.ts';
import { telegramAttachments } from './attachments.ts';
import { telegramUpdate } from './update-schema.ts';
import type { TelegramMessage } from './update-schema.ts';

/** A message's id across chats: Telegram numbers messages per chat, so the chat id leads. */
export function telegramMessageKey(chatId: number | string, messageId: number | string): string {
  return `${chatId}:${messageId}`;
}

/**
 * Reads one update into at most one message event. A new message keeps its key
 * `${chat.id}:${message_id}`; an edit becomes a message of its own (keyed by its edit time) that
 * answers the original, so the agent sees the corrected text. Other update kinds, bots, service
 * messages and messages with nothing to show yield no event.
 */
export function parseTelegramUpdate(raw: unknown): InboundMessageEvent[] {
  const result = telegramUpdate.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ChannelPayloadError(`Not a Telegram update: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'unreadable'}`);
  }
  const update = result.data;
  if (update.message) return toEvent(update.message, false);
  if (update.edited_message) return toEvent(update.edited_message, true);
  return [];
}

function toEvent(message: TelegramMessage, edited: boolean): InboundMessageEvent[] {
  const { from, chat } = message;
  if (!from || from.is_bot) return [];
  const attachments = telegramAttachments(message);
  const text = message.text ?? message.caption ?? describe(message) ?? '';
  if (!text && attachments.length === 0) return [];

  const key = telegramMessageKey(chat.id, message.message_id);
  const references: string[] = [];
  if (edited) references.push(key);
  if (message.reply_to_message) references.push(telegramMessageKey(chat.id, message.reply_to_message.message_id));
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || (from.username ? `@${from.username}` : undefined);
  // A contact card the sender shared about themselves tells their phone number.
  const phone = message.contact && message.contact.user_id === from.id ? toE164(message.contact.phone_number) : undefined;

  const event: InboundMessageEvent = {
    type: 'message',
    providerMessageId: edited ? `${key}:edited:${message.edit_date ?? message.date}` : key,
    from: { externalId: String(from.id), ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
    text,
    attachments,
    sentAt: new Date((edited ? (message.edit_date ?? message.date) : message.date) * 1000).toISOString(),
  };
  if (chat.type !== 'private') event.threadKey = String(chat.id);
  if (references.length > 0) event.references = references;
  if (edited) event.headers = { 'telegram-edit-of': key };
  return [event];
}

/** Text for content that has none of its own (a shared contact or location). */
function describe(message: TelegramMessage): string | undefined {
  if (message.contact) {
    const { first_name: first, last_name: last, phone_number: phone } = message.contact;
    return `Contact: ${[first, last].filter(Boolean).join(' ')} ${phone}`;
  }
  if (message.location) return `Location: ${message.location.latitude}, ${message.location.longitude}`;
  return undefined;
}
