import { ChannelPayloadError } from '@casekit/core';
import type { InboundMessageEvent } from '@casekit/core';
import { z } from 'zod';
import { toE164 } from '../../internal/phone.ts';

const httpUrl = z.url().refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');

/** The body your system posts for a customer's message. */
const messageCreated = z.object({
  type: z.literal('message.created'),
  timestamp: z.iso.datetime({ offset: true }),
  data: z
    .object({
      from: z.object({
        externalId: z.string().trim().min(1).max(200),
        name: z.string().trim().min(1).max(200).optional(),
        email: z.email().max(320).optional(),
        phone: z.string().max(40).refine((value) => toE164(value) !== undefined, 'must be a phone number with its country code').optional(),
      }),
      text: z.string().max(10_000),
      attachments: z
        .array(z.object({ name: z.string().min(1).max(255), contentType: z.string().min(1).max(127), url: httpUrl, size: z.number().int().min(0).optional() }))
        .max(10)
        .default([]),
    })
    .refine((data) => data.text.trim() !== '' || data.attachments.length > 0, 'a message needs text or attachments'),
});

/**
 * Reads a `message.created` post into one message event whose id is the `webhook-id` (so a
 * retried post is stored once). A body of another shape names what is wrong.
 */
export function parseApiMessage(raw: unknown, webhookId: string): InboundMessageEvent[] {
  const result = messageCreated.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ChannelPayloadError(`Not a message.created event: ${where}${issue?.message ?? 'unreadable'}`);
  }
  const { timestamp, data } = result.data;
  const { externalId, name, email, phone } = data.from;
  const e164 = toE164(phone);
  return [
    {
      type: 'message',
      providerMessageId: webhookId,
      from: { externalId, ...(name ? { name } : {}), ...(email ? { email: email.toLowerCase() } : {}), ...(e164 ? { phone: e164 } : {}) },
      text: data.text,
      attachments: data.attachments.map(({ name: fileName, contentType, url, size }) => ({ name: fileName, contentType, url, ...(size === undefined ? {} : { size }) })),
      sentAt: new Date(timestamp).toISOString(),
    },
  ];
}
