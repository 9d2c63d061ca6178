import { z } from 'zod';

// The parts of a Bot API `Update` the adapter reads; other fields are dropped, other update
// kinds (callback_query, my_chat_member…) simply have no `message` or `edited_message`.

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const chat = z.object({ id: z.number().int(), type: z.string(), title: z.string().optional() });

const file = { file_id: z.string().min(1), file_unique_id: z.string().min(1), file_size: z.number().int().nonnegative().optional() };
const namedFile = z.object({ ...file, file_name: z.string().optional(), mime_type: z.string().optional() });

const message = z.object({
  message_id: z.number().int(),
  date: z.number().int(),
  edit_date: z.number().int().optional(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(z.object({ ...file, width: z.number(), height: z.number() })).optional(),
  document: namedFile.optional(),
  audio: namedFile.optional(),
  video: namedFile.optional(),
  voice: z.object({ ...file, mime_type: z.string().optional() }).optional(),
  video_note: z.object(file).optional(),
  sticker: z.object({ ...file, is_animated: z.boolean().optional(), is_video: z.boolean().optional() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional(), user_id: z.number().int().optional() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  reply_to_message: z.object({ message_id: z.number().int() }).optional(),
});

/** One webhook POST from Telegram: exactly one update. */
export const telegramUpdate = z.object({
  update_id: z.number().int(),
  message: message.optional(),
  edited_message: message.optional(),
});

/** A message as it arrives in an update. */
export type TelegramMessage = z.infer<typeof message>;
