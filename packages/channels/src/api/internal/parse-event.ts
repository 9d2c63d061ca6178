import { ChannelPayloadError } from '@casekit/core';
import type { InboundEvent } from '@casekit/core';
import { z } from 'zod';
import { toE164 } from '../../internal/phone.ts';

const httpUrl = z.url().refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');

/** A customer's message, posted by your system. */
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

/** What became of a reply: `messageId` is the id your callback answered for it, else ours. */
const messageStatus = z.object({
  type: z.literal('message.status'),
  timestamp: z.iso.datetime({ offset: true }),
  data: z.object({
    messageId: z.string().min(1).max(200),
    status: z.enum(['delivered', 'read', 'failed']),
    error: z.object({ code: z.string().min(1).max(100), reason: z.string().max(1000) }).optional(),
  }),
});

const apiEvent = z.discriminatedUnion('type', [messageCreated, messageStatus]);

/**
 * Reads one post: `message.created` becomes a message whose id is the `webhook-id` (so a retried
 * post is stored once); `message.status` moves a reply's status forward. A body of another shape
 * names what is wrong.
 */
export function parseApiEvent(raw: unknown, webhookId: string): InboundEvent[] {
  const result = apiEvent.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ChannelPayloadError(`Not a message.created or message.status event: ${where}${issue?.message ?? 'unreadable'}`);
  }
  const event = result.data;
  if (event.type === 'message.status') {
    const { messageId, status, error } = event.data;
    return [{ type: 'status', providerMessageId: messageId, status, ...(error && status === 'failed' ? { error } : {}) }];
  }
  const { externalId, name, email, phone } = event.data.from;
  const e164 = toE164(phone);
  return [
    {
      type: 'message',
      providerMessageId: webhookId,
      from: { externalId, ...(name ? { name } : {}), ...(email ? { email: email.toLowerCase() } : {}), ...(e164 ? { phone: e164 } : {}) },
      text: event.data.text,
      attachments: event.data.attachments.map(({ name: fileName, contentType, url, size }) => ({ name: fileName, contentType, url, ...(size === undefined ? {} : { size }) })),
      sentAt: new Date(event.timestamp).toISOString(),
    },
  ];
}
