import { z } from 'zod';

// The parts of an Account Activity delivery the adapter reads. Other activity (tweets, follows,
// typing and read events) has no `direct_message_events` and yields nothing.

const media = z.object({
  id_str: z.string().optional(),
  type: z.string().optional(),
  media_url_https: z.string().optional(),
  /** The t.co link X appends to the message text for this media. */
  url: z.string().optional(),
  video_info: z.object({ variants: z.array(z.object({ bitrate: z.number().optional(), content_type: z.string(), url: z.string() })) }).optional(),
});

const messageCreate = z.object({
  target: z.object({ recipient_id: z.string() }),
  sender_id: z.string(),
  message_data: z.object({
    text: z.string().default(''),
    entities: z.object({ urls: z.array(z.object({ url: z.string(), expanded_url: z.string().optional() })).optional() }).optional(),
    attachment: z.object({ type: z.string(), media: media.optional() }).optional(),
  }),
});

/** One webhook POST of the Account Activity API. */
export const accountActivity = z.object({
  for_user_id: z.string().optional(),
  direct_message_events: z
    .array(z.object({ type: z.string(), id: z.string().min(1), created_timestamp: z.string().optional(), message_create: messageCreate.optional() }))
    .optional(),
  users: z.record(z.string(), z.object({ name: z.string().optional(), screen_name: z.string().optional() })).optional(),
});

/** A media attachment of a Direct Message. */
export type XMedia = z.infer<typeof media>;
