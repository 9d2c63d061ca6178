/** The channels of the webhook benchmark, and each provider's signed request for message i. */
import {
  apiChannelMessage,
  apiChannelWebhook,
  signMetaPayload,
  signTwilioRequest,
  telegramUpdate,
  whatsAppTextWebhook,
  xDirectMessageActivity,
  xWebhook,
} from '@casekit/testkit/providers';

export const BENCH_WORKSPACE = 'bench';
const ACCOUNT = `AC${'a'.repeat(32)}`;
const TWILIO_TOKEN = 'bench-twilio-auth-token';
const META_SECRET = 'bench-meta-app-secret';
const TELEGRAM_SECRET = 'bench-telegram-secret';
const X_SECRET = 'bench-x-consumer-secret';
const X_USER = '3805104374';
const API_SECRET = `whsec_${Buffer.from('bench-api-channel-signing-key-0123').toString('base64')}`;
const PHONE_NUMBER_ID = '106540352242922';

/** One channel of each kind, with known secrets (provisioned through the adapters' own checks). */
export const BENCH_CHANNELS: { id: string; kind: string; name: string; config?: Record<string, unknown>; secrets?: Record<string, string> }[] = [
  { id: 'webchat', kind: 'webchat', name: 'Web chat' },
  { id: 'sms', kind: 'twilio-sms', name: 'SMS', config: { accountSid: ACCOUNT, from: '+14155550100' }, secrets: { authToken: TWILIO_TOKEN } },
  { id: 'wa', kind: 'whatsapp-cloud', name: 'WhatsApp', config: { phoneNumberId: PHONE_NUMBER_ID }, secrets: { appSecret: META_SECRET, accessToken: 'x', verifyToken: 'y' } },
  { id: 'tg', kind: 'telegram', name: 'Telegram', secrets: { botToken: '1:bench', webhookSecret: TELEGRAM_SECRET } },
  { id: 'x', kind: 'x', name: 'X', config: { userId: X_USER }, secrets: { consumerKey: 'ck', consumerSecret: X_SECRET, accessToken: 'at', accessTokenSecret: 'ats' } },
  { id: 'api', kind: 'api', name: 'API', config: { callbackUrl: 'http://127.0.0.1:9/unused' }, secrets: { signingSecret: API_SECRET } },
];

/** A signed, real-shaped delivery of message `i` from one of `senders` people, as its provider sends it. */
export type SignedRequest = (i: number, origin: string) => { path: string; body: string; headers: Record<string, string> };

const text = (i: number) => `Message ${i}: my connection drops every evening around 8pm`;
const phone = (i: number, senders: number) => `+1415555${String(1000 + (i % senders)).padStart(4, '0')}`;

/** Each provider's deliveries, by channel id. */
export function signedRequests(senders: number): Record<string, SignedRequest> {
  return {
    sms: (i, origin) => {
      const sid = `SM${i.toString(16).padStart(32, '0')}`;
      const params = { MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: ACCOUNT, From: phone(i, senders), To: '+14155550100', Body: text(i), NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01' };
      const path = '/webhooks/sms';
      return { path, body: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signTwilioRequest(TWILIO_TOKEN, origin + path, params) } };
    },
    wa: (i) => {
      const hook = whatsAppTextWebhook({ phoneNumberId: PHONE_NUMBER_ID, from: phone(i, senders).slice(1), text: text(i), id: `wamid.bench${i}` });
      return { path: '/webhooks/wa', body: hook.body, headers: { 'content-type': 'application/json', ...signMetaPayload(META_SECRET, hook.body) } };
    },
    tg: (i) => {
      const update = telegramUpdate({ updateId: 1_000_000 + i, messageId: i + 1, from: { id: 5_000_000 + (i % senders), firstName: 'Lena' }, text: text(i) });
      return { path: '/webhooks/tg', body: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET } };
    },
    x: (i) => {
      const { body, headers } = xWebhook(xDirectMessageActivity({ forUserId: X_USER, senderId: String(9_000_000 + (i % senders)), text: text(i) }), X_SECRET);
      return { path: '/webhooks/x', body, headers };
    },
    api: (i) => {
      const { body, headers } = apiChannelWebhook(apiChannelMessage({ from: { externalId: `user-${i % senders}` }, text: text(i) }), API_SECRET, { webhookId: `msg_bench_${i}` });
      return { path: '/webhooks/api', body, headers };
    },
  };
}
