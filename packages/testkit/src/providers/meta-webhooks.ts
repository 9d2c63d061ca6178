// Signed Meta webhooks, built the way Meta sends them and written apart from the adapters that read
// them: escaped-unicode JSON bodies, X-Hub-Signature-256 (HMAC-SHA256) and the legacy X-Hub-Signature
// (HMAC-SHA1), both hex of the raw bytes under the App Secret.
import { createHmac, randomBytes } from 'node:crypto';

/** The signature headers Meta puts on every webhook POST (header names in lower case). */
export type MetaSignatureHeaders = {
  'x-hub-signature-256': string;
  'x-hub-signature': string;
};

/** A webhook body ready to post, with the id of the message or status it carries. */
export interface MetaWebhook {
  body: string;
  id: string;
}

/**
 * Signs a raw body as Meta does: `sha256=<hex HMAC-SHA256(appSecret, bytes)>` and the legacy
 * `sha1=<hex HMAC-SHA1>`.
 */
export function signMetaPayload(appSecret: string, rawBody: string | Uint8Array): MetaSignatureHeaders {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(bytes).digest('hex')}`,
  };
}

/** JSON as Meta writes it: every non-ASCII UTF-16 unit as `\uXXXX` and `/` as `\/`. */
export function encodeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** A WhatsApp message of any type: the type's own object (`image`, `location`…) beside `type`. */
export interface WhatsAppInboundMessage {
  from: string;
  type: string;
  id?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  /** The wamid this message replies to. */
  replyTo?: string;
  [field: string]: unknown;
}

/** Where a WhatsApp webhook comes from: the business account and the receiving number. */
export interface WhatsAppEnvelope {
  phoneNumberId: string;
  displayPhoneNumber?: string;
  wabaId?: string;
}

/**
 * A `whatsapp_business_account` webhook with one message, shaped like Meta's messages reference:
 * `entry[].changes[].value` with metadata, the sender's contact (profile name) and the message.
 */
export function whatsAppMessageWebhook(input: WhatsAppEnvelope & { name?: string; message: WhatsAppInboundMessage }): MetaWebhook {
  const { from, type, id = newWamid(), timestamp = nowSeconds(), replyTo, ...content } = input.message;
  const message = {
    ...(replyTo && { context: { from: input.displayPhoneNumber ?? '15550783881', id: replyTo } }),
    from,
    id,
    timestamp: String(timestamp),
    type,
    ...content,
  };
  const value = {
    messaging_product: 'whatsapp',
    metadata: metadataOf(input),
    contacts: [{ profile: { name: input.name ?? 'Sheena Nelson' }, wa_id: from }],
    messages: [message],
  };
  return { body: whatsAppEnvelope(input, value), id };
}

/** A WhatsApp text message webhook. */
export function whatsAppTextWebhook(input: WhatsAppEnvelope & { from: string; name?: string; text: string; id?: string; timestamp?: number; replyTo?: string }): MetaWebhook {
  const { from, text, id, timestamp, replyTo, ...rest } = input;
  return whatsAppMessageWebhook({
    ...rest,
    message: { from, type: 'text', text: { body: text }, ...(id && { id }), ...(timestamp && { timestamp }), ...(replyTo && { replyTo }) },
  });
}

/**
 * A WhatsApp status webhook (`value.statuses[]`) for a message we sent: `sent`, `delivered`, `read`,
 * or `failed` with Meta's error (`{ code: 131047, title: 'Re-engagement message', details }`).
 */
export function whatsAppStatusWebhook(
  input: WhatsAppEnvelope & {
    id: string;
    status: 'sent' | 'delivered' | 'read' | 'failed';
    recipientId: string;
    timestamp?: number;
    error?: { code: number; title: string; details?: string };
  },
): MetaWebhook {
  const status = {
    id: input.id,
    status: input.status,
    timestamp: String(input.timestamp ?? nowSeconds()),
    recipient_id: input.recipientId,
    ...(input.error && {
      errors: [
        {
          code: input.error.code,
          title: input.error.title,
          message: input.error.title,
          ...(input.error.details && { error_data: { details: input.error.details } }),
        },
      ],
    }),
  };
  return { body: whatsAppEnvelope(input, { messaging_product: 'whatsapp', metadata: metadataOf(input), statuses: [status] }), id: input.id };
}

/**
 * A `page` (Messenger) or `instagram` webhook with one `messaging[]` event from `senderId` to
 * `recipientId` (ms timestamps); `event` is what it carries (`{ message }`, `{ delivery }`, `{ read }`).
 */
export function messagingWebhook(input: {
  object: 'page' | 'instagram';
  /** The Page or Instagram account the entry is for. */
  accountId: string;
  senderId: string;
  recipientId: string;
  timestamp?: number;
  event: Record<string, unknown>;
}): string {
  const time = input.timestamp ?? Date.now();
  return encodeLikeMeta({
    object: input.object,
    entry: [
      { id: input.accountId, time, messaging: [{ sender: { id: input.senderId }, recipient: { id: input.recipientId }, timestamp: time, ...input.event }] },
    ],
  });
}

/** A customer's Messenger message to a Page (text, and optionally attachments or a reply). */
export function messengerTextWebhook(input: { pageId: string; psid: string; text: string; mid?: string; replyTo?: string; attachments?: unknown[] }): MetaWebhook {
  const mid = input.mid ?? newMid();
  const message = { mid, text: input.text, ...(input.replyTo && { reply_to: { mid: input.replyTo } }), ...(input.attachments && { attachments: input.attachments }) };
  return { body: messagingWebhook({ object: 'page', accountId: input.pageId, senderId: input.psid, recipientId: input.pageId, event: { message } }), id: mid };
}

/** The echo Messenger sends back for a message the Page itself sent (`is_echo: true`, from the Page). */
export function messengerEchoWebhook(input: { pageId: string; psid: string; text: string; mid?: string; appId?: number }): MetaWebhook {
  const mid = input.mid ?? newMid();
  const message = { is_echo: true, app_id: input.appId ?? 1517776481860111, mid, text: input.text };
  return { body: messagingWebhook({ object: 'page', accountId: input.pageId, senderId: input.pageId, recipientId: input.psid, event: { message } }), id: mid };
}

/** Messenger's delivery receipt for messages the Page sent (`delivery.mids`, `watermark`). */
export function messengerDeliveryWebhook(input: { pageId: string; psid: string; mids: string[]; watermark?: number }): string {
  const delivery = { mids: input.mids, watermark: input.watermark ?? Date.now() };
  return messagingWebhook({ object: 'page', accountId: input.pageId, senderId: input.psid, recipientId: input.pageId, event: { delivery } });
}

/** A customer's Instagram direct message (IGSID sender), optionally replying to an earlier one. */
export function instagramMessageWebhook(input: { accountId: string; igsid: string; text: string; mid?: string; replyTo?: string }): MetaWebhook {
  const mid = input.mid ?? newMid('aWdf');
  const message = { mid, text: input.text, ...(input.replyTo && { reply_to: { mid: input.replyTo } }) };
  return {
    body: messagingWebhook({ object: 'instagram', accountId: input.accountId, senderId: input.igsid, recipientId: input.accountId, event: { message } }),
    id: mid,
  };
}

/** Instagram's seen receipt (`messaging_seen`) for a message the account sent. */
export function instagramSeenWebhook(input: { accountId: string; igsid: string; mid: string }): string {
  return messagingWebhook({ object: 'instagram', accountId: input.accountId, senderId: input.igsid, recipientId: input.accountId, event: { read: { mid: input.mid } } });
}

/** Which signature headers to send: both (as Meta does), only one, or none. */
export type MetaSignatureMode = 'both' | 'sha256' | 'sha1' | 'none';

/**
 * POSTs a raw webhook body to `url` as Meta does (JSON, signed with the App Secret) and returns the
 * answer. `signature` drops headers to test refusals; `signWith` signs other bytes than those sent.
 */
export async function postMetaWebhook(
  url: string,
  rawBody: string,
  options: { appSecret: string; signature?: MetaSignatureMode; signWith?: string },
): Promise<{ status: number; body: string }> {
  const signed = signMetaPayload(options.appSecret, options.signWith ?? rawBody);
  const mode = options.signature ?? 'both';
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  if (mode === 'both' || mode === 'sha256') headers['x-hub-signature-256'] = signed['x-hub-signature-256'];
  if (mode === 'both' || mode === 'sha1') headers['x-hub-signature'] = signed['x-hub-signature'];
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  return { status: response.status, body: await response.text() };
}

/**
 * Meta's subscription check: `GET url?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`.
 * A channel passes when it answers 200 with the challenge.
 */
export async function sendMetaHandshake(url: string, input: { verifyToken: string; challenge?: string; mode?: string }): Promise<{ status: number; body: string; challenge: string }> {
  const challenge = input.challenge ?? String(1_000_000_000 + (randomBytes(4).readUInt32BE() % 1_000_000_000));
  const target = new URL(url);
  target.searchParams.set('hub.mode', input.mode ?? 'subscribe');
  target.searchParams.set('hub.challenge', challenge);
  target.searchParams.set('hub.verify_token', input.verifyToken);
  const response = await fetch(target, { method: 'GET' });
  return { status: response.status, body: await response.text(), challenge };
}

function whatsAppEnvelope(input: WhatsAppEnvelope, value: Record<string, unknown>): string {
  return encodeLikeMeta({ object: 'whatsapp_business_account', entry: [{ id: input.wabaId ?? '102290129340398', changes: [{ value, field: 'messages' }] }] });
}

function metadataOf(input: WhatsAppEnvelope): { display_phone_number: string; phone_number_id: string } {
  return { display_phone_number: input.displayPhoneNumber ?? '15550783881', phone_number_id: input.phoneNumberId };
}

function newWamid(): string {
  return `wamid.HBgL${randomBytes(30).toString('base64')}`;
}

function newMid(prefix = 'm_'): string {
  return `${prefix}${randomBytes(40).toString('base64url')}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
