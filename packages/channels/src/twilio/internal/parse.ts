import { ChannelPayloadError } from '@casekit/core';
import type { DeliveryStatusEvent, InboundAttachment, InboundMessageEvent, ParsedWebhook, WebhookReply, WebhookRequest } from '@casekit/core';
import { toE164 } from '../../internal/phone.ts';
import { describeTwilioError } from './errors.ts';
import { readForm } from './signature.ts';

/** What every Twilio webhook is answered: TwiML that does nothing, so Twilio sends no reply of its own. */
const EMPTY_TWIML: WebhookReply = {
  status: 200,
  contentType: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
};

// Statuses that change what the agent sees; queued, accepted, sending, scheduled… do not.
const STATUS_EVENTS: ReadonlyMap<string, DeliveryStatusEvent['status']> = new Map(
  Object.entries({
    sent: 'sent',
    delivered: 'delivered',
    read: 'read',
    failed: 'failed',
    undelivered: 'failed',
    canceled: 'failed',
  } as const),
);

const EXTENSIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'image/jpeg': 'jpg',
    'text/vcard': 'vcf',
    'text/x-vcard': 'vcf',
    'text/plain': 'txt',
    'audio/mpeg': 'mp3',
    'video/quicktime': 'mov',
    'application/msword': 'doc',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  }),
);

/** A Message resource's id: SM or MM and 32 hex digits. */
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;

/**
 * Turns a verified Twilio webhook (an inbound message or a status callback) into events. A webhook
 * of another account than the channel's, or with a malformed MessageSid, is refused however it is signed.
 */
export function parseTwilioWebhook(request: WebhookRequest, medium: 'sms' | 'whatsapp', accountSid?: string): ParsedWebhook {
  if (/[?&]bodySHA256=/.test(request.url)) {
    throw new ChannelPayloadError('A JSON webhook arrived; only Messaging webhooks (inbound messages and status callbacks) belong on this channel.');
  }
  const params = readForm(request.body);
  if (!params) throw new ChannelPayloadError('The body is not UTF-8 form data as Twilio posts it.');
  const get = (name: string): string | undefined => params.get(name)?.[0] || undefined;

  const messageSid = get('MessageSid');
  if (!messageSid) {
    throw new ChannelPayloadError(
      'The request has no MessageSid: it is not a Messaging webhook. Point only a number\'s or Messaging Service\'s messaging URL at this channel.',
    );
  }
  if (!MESSAGE_SID.test(messageSid)) throw new ChannelPayloadError(`"${messageSid.slice(0, 40)}" is not a Twilio MessageSid.`);
  if (accountSid !== undefined && get('AccountSid') !== accountSid) {
    throw new ChannelPayloadError('The webhook is for another Twilio account than this channel\'s (AccountSid differs).');
  }
  const status = get('MessageStatus');
  if (status && status !== 'received' && status !== 'receiving') {
    return { events: statusEvent(messageSid, status, get('ErrorCode'), get('ErrorMessage')), reply: EMPTY_TWIML };
  }
  return { events: [inboundMessage(messageSid, get, medium)], reply: EMPTY_TWIML };
}

function statusEvent(messageSid: string, status: string, errorCode: string | undefined, errorMessage: string | undefined): DeliveryStatusEvent[] {
  const mapped = STATUS_EVENTS.get(status);
  if (!mapped) return [];
  if (mapped !== 'failed') return [{ type: 'status', providerMessageId: messageSid, status: mapped }];
  const error = errorCode
    ? describeTwilioError(errorCode, errorMessage)
    : { code: status, reason: errorMessage ?? `Twilio reported the message ${status} without an error code.` };
  return [{ type: 'status', providerMessageId: messageSid, status: 'failed', error }];
}

function inboundMessage(
  messageSid: string,
  get: (name: string) => string | undefined,
  medium: 'sms' | 'whatsapp',
): InboundMessageEvent {
  const sender = get('From');
  if (!sender) throw new ChannelPayloadError(`Message ${messageSid} has no From.`);
  const whatsapp = /^whatsapp:/i.test(sender);
  if (whatsapp !== (medium === 'whatsapp')) {
    throw new ChannelPayloadError(
      whatsapp
        ? 'A WhatsApp message arrived at an SMS channel: point the WhatsApp sender\'s webhook at a twilio-whatsapp channel.'
        : 'An SMS arrived at a WhatsApp channel: point the number\'s messaging webhook at a twilio-sms channel.',
    );
  }
  const address = sender.replace(/^whatsapp:/i, '');
  const phone = toE164(address);
  const name = get('ProfileName');
  const replied = get('OriginalRepliedMessageSid');
  return {
    type: 'message',
    providerMessageId: messageSid,
    from: { externalId: phone ?? address, ...(phone && { phone }), ...(name && { name }) },
    text: messageText(get),
    attachments: media(get),
    ...(replied && { references: [replied] }),
  };
}

// The text of a message: its Body (or the button pressed), and a shared location written out.
function messageText(get: (name: string) => string | undefined): string {
  const parts = [get('Body') ?? get('ButtonText')];
  const latitude = get('Latitude');
  const longitude = get('Longitude');
  if (latitude && longitude) {
    const place = [get('Label'), get('Address')].filter(Boolean).join(', ');
    parts.push(`Location: ${place ? `${place} ` : ''}(${latitude}, ${longitude}) https://maps.google.com/?q=${latitude},${longitude}`);
  }
  return parts.filter(Boolean).join('\n');
}

function media(get: (name: string) => string | undefined): InboundAttachment[] {
  const count = Math.min(Number.parseInt(get('NumMedia') ?? '0', 10) || 0, 20);
  const attachments: InboundAttachment[] = [];
  for (let i = 0; i < count; i++) {
    const url = get(`MediaUrl${i}`);
    if (!url) continue;
    const contentType = get(`MediaContentType${i}`) ?? 'application/octet-stream';
    const sid = /\/Media\/(ME[0-9a-f]+)/i.exec(url)?.[1] ?? `media-${i + 1}`;
    attachments.push({ name: `${sid}.${extension(contentType)}`, contentType, url });
  }
  return attachments;
}

function extension(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return EXTENSIONS.get(type) ?? (type.split('/')[1]?.replace(/^x-/, '').replace(/[^a-z0-9]/g, '').slice(0, 10) || 'bin');
}
